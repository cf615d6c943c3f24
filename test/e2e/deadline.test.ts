// The whole run has a deadline (`timeout`): a hanging API must not hang the
// deploy. Past it the gate reports `error`, says so, and still shows the
// services it finished.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { incident2 } from "../incidents/incident-2.js";
import { runAction } from "./harness.js";
import { startIncident, type World } from "./world.js";

describe("run deadline", () => {
  let world: World;
  let manifest: string;

  beforeAll(async () => {
    ({ world, manifest } = await startIncident(incident2));
    incident2.fixed(world);
  });
  afterAll(() => world.close());

  it("a hanging Cloud Run call ends in result=error at the deadline, with the finished service in the report", async () => {
    world.secretManager.faults.push({
      match: /secrets\/(service-secret|jwt-secret-key|service-id|secret-key)\/versions\/latest$/,
      fault: { kind: "hang", times: 100 },
    });
    world.cloudRun.faults.push({ match: /services\/backend-staging$/, fault: { kind: "hang", times: 100 } });
    const started = Date.now();

    const run = await runAction(world.inputs(manifest, { timeout: "2" }));

    expect(run.outputs.result).toBe("error");
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain("::error::cloud-run-deploy-gate could not decide: the gate did not finish within timeout (2 s)");
    expect(JSON.parse(run.outputs.report ?? "{}").checks[0].id).toBe("error.deadline_exceeded");
    // Bounded: the deadline plus process start and the report, far from the 15 s per-call timeout.
    expect(Date.now() - started).toBeLessThan(8_000);
    world.secretManager.faults.length = 0;
    world.cloudRun.faults.length = 0;
  });

  it("keeps the services that finished before the deadline", async () => {
    world.cloudRun.faults.push({ match: /services\/backend-staging$/, fault: { kind: "hang", times: 100 } });

    const run = await runAction(world.inputs(manifest, { timeout: "3" }));

    expect(run.outputs.result).toBe("error");
    const report = JSON.parse(run.outputs.report ?? "{}");
    expect(report.services.map((service: { service: string }) => service.service)).toEqual(["auth-staging"]);
    world.cloudRun.faults.length = 0;
  });
});
