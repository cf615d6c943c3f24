// Output `recommendation`: promote on pass, rollback on a fail of a revision
// that serves traffic, hold on a fail of one that serves none and on any error.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deploy } from "../emulators/scenario.js";
import { incident1 } from "../incidents/incident-1.js";
import { reportOf, runAction } from "./harness.js";
import { startIncident, type World } from "./world.js";

describe("output recommendation", () => {
  let world: World;
  let manifest: string;

  beforeAll(async () => ({ world, manifest } = await startIncident(incident1)));
  afterAll(() => world.close());

  it("rollback: the failing revision serves all traffic", async () => {
    incident1.broken(world);
    const run = await runAction(world.inputs(manifest));
    expect(run.outputs.result).toBe("fail");
    expect(run.outputs.recommendation).toBe("rollback");
    expect(reportOf(run.outputs).recommendation).toBe("rollback");
    expect(reportOf(run.outputs).services[0]?.traffic_percent).toBe(100);
  });

  it("promote: the revision passes", async () => {
    incident1.fixed(world);
    const run = await runAction(world.inputs(manifest));
    expect(run.outputs.result).toBe("pass");
    expect(run.outputs.recommendation).toBe("promote");
  });

  it("hold: the failing revision is behind a --no-traffic tag", async () => {
    const backend = world.backends.get("backend-staging")!;
    deploy(world.scenario, "backend-staging", { url: backend.url, env: { ENVIRONMENT: "staging" }, tag: "candidate" });
    const run = await runAction(world.inputs(manifest, { tag: "candidate", url: backend.url }));
    expect(run.outputs.result).toBe("fail");
    expect(reportOf(run.outputs).services[0]?.traffic_percent).toBe(0);
    expect(run.outputs.recommendation).toBe("hold");
  });

  it("hold: the gate could not decide (Cloud Run answers 403), and on bad input", async () => {
    world.cloudRun.faults.push({ match: /^GET \/v2\//, fault: { kind: "status", status: 403, times: 10 } });
    const denied = await runAction(world.inputs(manifest));
    world.cloudRun.faults.length = 0;
    expect(denied.outputs.result).toBe("error");
    expect(denied.outputs.recommendation).toBe("hold");
    const badInput = await runAction(world.inputs(manifest, { timeout: "-1" }));
    expect(badInput.outputs.result).toBe("error");
    expect(badInput.outputs.recommendation).toBe("hold");
  });
});
