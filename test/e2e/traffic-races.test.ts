// Acting on a verdict about a service that changed meanwhile: another deploy (or a person)
// moves the traffic between the gate's check and its promote / rollback. The gate must
// leave that traffic alone and say so, never undo the other change (a rollback over a
// newer deploy took the fix back out of production before this guard).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { trafficControls } from "../emulators/cloud-run-traffic.js";
import { deploy } from "../emulators/scenario.js";
import { incident1 } from "../incidents/incident-1.js";
import { checksOf, runAction } from "./harness.js";
import { startIncident, type World } from "./world.js";

describe("on_pass / on_fail when the traffic moved while the gate checked", () => {
  let world: World;
  let manifest: string;
  const backendUrl = () => world.backends.get("backend-staging")!.url;
  const service = () => world.scenario.services.get("backend-staging")!.service;
  const serving = () =>
    Object.fromEntries(
      (service().trafficStatuses ?? []).filter((status) => (status.percent ?? 0) > 0).map((status) => [status.revision, status.percent]),
    );
  /** The service's traffic, spec and status alike, as `gcloud run services update-traffic` leaves it. */
  const route = (shares: { revision: string; percent: number; tag?: string }[]) => {
    const list = shares.map((share) => ({ type: "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION", ...share }));
    service().traffic = list;
    service().trafficStatuses = list;
  };
  const routeAll = (revision: string) => route([{ revision, percent: 100 }]);
  /**
   * Runs `change` once, on the read of the service that comes after the reads of a check that does
   * not act (counted in a run without on_pass / on_fail): after the gate's check, before it acts.
   */
  const betweenCheckAndAct = async (inputs: Record<string, string>, change: () => void) => {
    let checkReads = 0;
    trafficControls(world.scenario).onServiceGet = () => void checkReads++;
    const { on_pass: _pass, on_fail: _fail, ...checkOnly } = inputs;
    await runAction(world.inputs(manifest, checkOnly));
    expect(checkReads).toBeGreaterThan(0);
    let reads = 0;
    trafficControls(world.scenario).onServiceGet = () => {
      if (++reads === checkReads + 1) change();
    };
    return runAction(world.inputs(manifest, inputs));
  };

  beforeAll(async () => {
    ({ world, manifest } = await startIncident(incident1));
  });
  afterAll(() => world.close());
  beforeEach(() => {
    Object.assign(trafficControls(world.scenario), { pollsBeforeDone: 0, operationError: undefined, onServiceGet: undefined });
  });

  it("rollback: a newer deploy took the traffic from the failing revision; the gate does not roll back over it", async () => {
    incident1.fixed(world);
    const good = service().latestReadyRevision!.split("/").pop()!;
    incident1.broken(world);
    const broken = service().latestReadyRevision!.split("/").pop()!;
    expect(serving()).toEqual({ [broken]: 100 });
    const patches = trafficControls(world.scenario).patches.length;
    let newer = "";
    const run = await betweenCheckAndAct({ on_fail: "rollback" }, () => {
      // The fix is deployed while the gate still checks the broken revision: it takes all the traffic.
      newer = deploy(world.scenario, "backend-staging", {
        url: backendUrl(),
        env: { ENVIRONMENT: "staging" },
        secrets: { JWT_SECRET_STAGING: "jwt-secret-staging:latest" },
      });
      routeAll(newer);
    });

    expect(run.outputs.result).toBe("fail");
    expect(newer).not.toBe("");
    expect(newer).not.toBe(good);
    // The newer deploy still serves: before the guard, 100% went back to the revision before the broken one.
    expect(serving()).toEqual({ [newer]: 100 });
    expect(trafficControls(world.scenario).patches.length).toBe(patches);
    const held = checksOf(run.outputs).find((check) => check.id === "traffic.held");
    expect(held).toMatchObject({ status: "warn", subject: broken });
    expect(held?.message).toContain(`${broken} served 100% then, 0% now`);
    expect(held?.message).toContain(`${newer} 100%`);
    expect(checksOf(run.outputs).some((check) => check.id === "traffic.rolled_back")).toBe(false);
  });

  it("promote: someone moved traffic to the checked revision meanwhile; the gate does not redo the split", async () => {
    incident1.fixed(world);
    const stable = service().latestReadyRevision!.split("/").pop()!;
    routeAll(stable);
    const next = deploy(world.scenario, "backend-staging", {
      url: backendUrl(),
      env: { ENVIRONMENT: "staging" },
      secrets: { JWT_SECRET_STAGING: "jwt-secret-staging:latest" },
      tag: "candidate",
    });
    const patches = trafficControls(world.scenario).patches.length;
    const inputs = { tag: "candidate", url: backendUrl(), on_pass: "promote", promote_percent: "10" };
    const run = await betweenCheckAndAct(inputs, () => {
      // A person sends 50% to the candidate by hand while the gate checks it at 0%.
      route([
        { revision: stable, percent: 50 },
        { revision: next, percent: 50, tag: "candidate" },
      ]);
    });

    expect(run.outputs.result).toBe("pass");
    expect(serving()).toEqual({ [stable]: 50, [next]: 50 });
    expect(trafficControls(world.scenario).patches.length).toBe(patches);
    expect(checksOf(run.outputs).find((check) => check.id === "traffic.held")?.message).toContain(`${next} served 0% then, 50% now`);
  });

  it("rollback: the failing revision got more traffic meanwhile (a ramp-up); it is still rolled back", async () => {
    incident1.fixed(world);
    const good = service().latestReadyRevision!.split("/").pop()!;
    routeAll(good);
    incident1.broken(world);
    const broken = service().latestReadyRevision!.split("/").pop()!;
    route([
      { revision: good, percent: 90 },
      { revision: broken, percent: 10 },
    ]);
    const run = await betweenCheckAndAct({ on_fail: "rollback" }, () => routeAll(broken));

    expect(run.outputs.result).toBe("fail");
    expect(serving()).toEqual({ [good]: 100 });
    expect(checksOf(run.outputs).find((check) => check.id === "traffic.rolled_back")?.traffic?.before).toEqual({ [broken]: 100 });
  });

  it("unchanged traffic still acts: the guard compares with what the gate saw, not with nothing", async () => {
    incident1.fixed(world);
    const good = service().latestReadyRevision!.split("/").pop()!;
    routeAll(good);
    incident1.broken(world);
    const broken = service().latestReadyRevision!.split("/").pop()!;
    routeAll(broken);
    const run = await betweenCheckAndAct({ on_fail: "rollback" }, () => {});

    expect(run.outputs.result).toBe("fail");
    expect(serving()).toEqual({ [good]: 100 });
    expect(checksOf(run.outputs).find((check) => check.id === "traffic.rolled_back")?.status).toBe("warn");
  });
});
