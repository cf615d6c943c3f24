// Acting on the verdict, verified in the Cloud Run emulator's traffic state:
// promote on pass (all, or promote_percent), rollback on fail, and no action
// when the gate could not decide; faults: 403, a slow operation, an operation error.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { trafficControls } from "../emulators/cloud-run-traffic.js";
import { deploy } from "../emulators/scenario.js";
import { incident1 } from "../incidents/incident-1.js";
import { checksOf, runAction } from "./harness.js";
import { startIncident, type World } from "./world.js";

describe("on_pass: promote and on_fail: rollback", () => {
  let world: World;
  let manifest: string;
  const backendUrl = () => world.backends.get("backend-staging")!.url;
  const service = () => world.scenario.services.get("backend-staging")!.service;
  const serving = () =>
    Object.fromEntries(
      (service().trafficStatuses ?? []).filter((status) => (status.percent ?? 0) > 0).map((status) => [status.revision, status.percent]),
    );
  const candidate = (config: "fixed" | "broken") =>
    deploy(world.scenario, "backend-staging", {
      url: backendUrl(),
      env: { ENVIRONMENT: "staging" },
      ...(config === "fixed" ? { secrets: { JWT_SECRET_STAGING: "jwt-secret-staging:latest" } } : {}),
      tag: "candidate",
    });
  const gate = (extra: Record<string, string>) => runAction(world.inputs(manifest, { tag: "candidate", url: backendUrl(), ...extra }));

  beforeAll(async () => {
    ({ world, manifest } = await startIncident(incident1));
    incident1.fixed(world);
  });
  afterAll(() => world.close());
  beforeEach(() => {
    Object.assign(trafficControls(world.scenario), { pollsBeforeDone: 1, operationError: undefined });
    world.cloudRun.faults.length = 0;
  });

  it("promote: the passing tagged revision gets all the traffic, its tag kept, after a slow operation", async () => {
    const stable = serving();
    const next = candidate("fixed");
    trafficControls(world.scenario).pollsBeforeDone = 3;

    const run = await gate({ on_pass: "promote" });

    expect(run.outputs.result).toBe("pass");
    expect(run.outputs.recommendation).toBe("promote");
    expect(serving()).toEqual({ [next]: 100 });
    expect(service().trafficStatuses?.find((status) => status.tag === "candidate")?.revision).toBe(next);
    const promoted = checksOf(run.outputs).find((check) => check.id === "traffic.promoted");
    expect(promoted?.status).toBe("pass");
    expect(promoted?.traffic).toEqual({ before: { ...stable, [next]: 0 }, after: { [next]: 100 } });
    expect(promoted?.message).toContain(`after: ${next} 100%`);
    const patch = world.cloudRun.requests.filter((request) => request.method === "PATCH");
    expect(patch.at(-1)?.path).toMatch(/\/services\/backend-staging\?updateMask=traffic$/);
  });

  it("promote_percent: 10% to the candidate, the rest stays where it was", async () => {
    const previous = Object.keys(serving())[0]!;
    const next = candidate("fixed");
    const run = await gate({ on_pass: "promote", promote_percent: "10" });
    expect(run.outputs.result).toBe("pass");
    expect(serving()).toEqual({ [next]: 10, [previous]: 90 });
  });

  it("rollback: a failing revision that serves traffic is replaced by the previous ready one", async () => {
    const previous = world.scenario.services.get("backend-staging")!.service.latestReadyRevision!.split("/").pop()!;
    incident1.broken(world);
    const broken = service().latestReadyRevision!.split("/").pop()!;
    expect(serving()).toEqual({ [broken]: 100 });

    const run = await runAction(world.inputs(manifest, { on_fail: "rollback" }));

    expect(run.outputs.result).toBe("fail");
    expect(serving()).toEqual({ [previous]: 100 });
    const rolledBack = checksOf(run.outputs).find((check) => check.id === "traffic.rolled_back");
    expect(rolledBack).toMatchObject({ status: "warn", traffic: { before: { [broken]: 100 }, after: { [previous]: 100 } } });
  });

  it("no action when the gate could not decide; 403 and an operation error are reported, traffic untouched", async () => {
    incident1.fixed(world);
    const before = serving();
    const patches = trafficControls(world.scenario).patches.length;
    world.cloudRun.faults.push({ match: /^GET \/v2\/.*\/services\/[^/]+$/, fault: { kind: "status", status: 403, times: 10 } });
    const undecided = await runAction(world.inputs(manifest, { on_pass: "promote", on_fail: "rollback" }));
    world.cloudRun.faults.length = 0;
    expect(undecided.outputs.result).toBe("error");
    expect(undecided.outputs.recommendation).toBe("hold");
    expect(trafficControls(world.scenario).patches.length).toBe(patches);

    candidate("fixed");
    world.cloudRun.faults.push({ match: /^PATCH /, fault: { kind: "status", status: 403, times: 1 } });
    const denied = await gate({ on_pass: "promote" });
    expect(denied.outputs.result).toBe("error");
    expect(denied.outputs.recommendation).toBe("hold");
    const failure = checksOf(denied.outputs).find((check) => check.id === "traffic.update_failed");
    expect(failure?.hint ?? failure?.message).toMatch(/update-traffic|run\.services\.update/);
    expect(denied.stdout).toContain("run.services.update");
    expect(serving()).toEqual(before);

    trafficControls(world.scenario).operationError = { code: 9, message: "revision is not ready" };
    const failed = await gate({ on_pass: "promote" });
    expect(failed.outputs.result).toBe("error");
    expect(checksOf(failed.outputs).find((check) => check.id === "traffic.update_failed")?.message).toContain(
      "could not apply it (code 9)",
    );
    expect(serving()).toEqual(before);
  });
});
