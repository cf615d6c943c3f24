// Which revision is judged: latest ready (default), latest created, every
// serving revision under split traffic, a named one, or a --no-traffic tag
// before promotion. Each through dist/index.js against the emulators.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { deploy } from "../emulators/scenario.js";
import { incident1 } from "../incidents/incident-1.js";
import { reportOf, runAction } from "./harness.js";
import { startIncident, type World } from "./world.js";

const short = (name: string | undefined) => name?.split("/").pop();
const GOOD = { env: { ENVIRONMENT: "staging" }, secrets: { JWT_SECRET_STAGING: "jwt-secret-staging:latest" } };
const BAD = { env: { ENVIRONMENT: "staging" } };

describe("revision selection", () => {
  let world: World;
  let manifest: string;
  let url: string;

  beforeAll(async () => {
    ({ world, manifest } = await startIncident(incident1));
    url = world.backends.get("backend-staging")!.url;
  });
  beforeEach(() => world.scenario.services.clear());
  afterAll(() => world.close());

  it("latest-ready reports the previous ready revision for before/after", async () => {
    const before = deploy(world.scenario, "backend-staging", { url, ...BAD });
    const after = deploy(world.scenario, "backend-staging", { url, ...GOOD });

    const run = await runAction(world.inputs(manifest));

    const [service] = reportOf(run.outputs).services;
    expect(short(service!.revision)).toBe(after);
    expect(short(service!.previous!.revision)).toBe(before);
    expect(service!.previous!.checks.find((check) => check.id === "secret.missing")?.status).toBe("fail");
    expect(run.outputs.result).toBe("pass");
  });

  it("a failed rollout: latest-ready checks the old revision and fails naming the failed one; latest-created fails", async () => {
    const serving = deploy(world.scenario, "backend-staging", { url, ...GOOD });
    const broken = deploy(world.scenario, "backend-staging", { url, ...BAD, notReady: true });

    const ready = await runAction(world.inputs(manifest));
    const [readyService] = reportOf(ready.outputs).services;
    expect(short(readyService!.revision)).toBe(serving);
    expect(readyService!.checks.find((check) => check.id === "revision.rollout_failed")).toMatchObject({ status: "fail", subject: broken });
    expect(ready.outputs.result).toBe("fail");

    const created = await runAction(world.inputs(manifest, { revision: "latest-created" }));
    const [service] = reportOf(created.outputs).services;
    expect(short(service!.revision)).toBe(broken);
    expect(service!.checks[0]).toMatchObject({ id: "revision.not_ready", status: "fail" });
    expect(created.outputs.result).toBe("fail");
  });

  it("serving checks every revision with traffic under a split", async () => {
    const first = deploy(world.scenario, "backend-staging", { url, ...BAD });
    const second = deploy(world.scenario, "backend-staging", { url, ...GOOD });
    const entry = world.scenario.services.get("backend-staging")!;
    entry.service.trafficStatuses = [
      { type: "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION", revision: first, percent: 10 },
      { type: "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION", revision: second, percent: 90 },
    ];

    const run = await runAction(world.inputs(manifest, { revision: "serving" }));

    const revisions = reportOf(run.outputs).services.map((service) => short(service.revision));
    expect(revisions.sort()).toEqual([first, second].sort());
    // 10% of users still hit the revision without the secret: the gate fails.
    expect(run.outputs.result).toBe("fail");
  });

  it("reads a revision older than the recent ones on its own, and finds the previous ready one pages back", async () => {
    const old = deploy(world.scenario, "backend-staging", { url, ...BAD });
    for (let failed = 0; failed < 12; failed++) deploy(world.scenario, "backend-staging", { url, ...BAD, notReady: true });
    const latest = deploy(world.scenario, "backend-staging", { url, ...GOOD });
    const revisionReads = () => world.cloudRun.requests.filter((request) => /\/revisions\/[^/?]+$/.test(request.path));

    world.cloudRun.requests.length = 0;
    const ready = reportOf((await runAction(world.inputs(manifest))).outputs).services[0];
    expect(short(ready!.revision)).toBe(latest);
    expect(short(ready!.previous!.revision)).toBe(old);
    expect(revisionReads()).toEqual([]); // the newest revision came with the list

    world.cloudRun.requests.length = 0;
    const named = await runAction(world.inputs(manifest, { revision: old }));
    expect(short(reportOf(named.outputs).services[0]!.revision)).toBe(old);
    expect(revisionReads().map((request) => short(request.path))).toEqual([old]);
    expect(named.outputs.result).toBe("fail");
  });

  it("a named revision", async () => {
    const first = deploy(world.scenario, "backend-staging", { url, ...BAD });
    deploy(world.scenario, "backend-staging", { url, ...GOOD });

    const run = await runAction(world.inputs(manifest, { revision: first }));

    expect(short(reportOf(run.outputs).services[0]!.revision)).toBe(first);
    expect(run.outputs.result).toBe("fail");
  });

  it("tag: verifies a --no-traffic revision at its tag URL before promotion", async () => {
    deploy(world.scenario, "backend-staging", { url: "https://backend-staging-old.a.run.app", ...GOOD });
    const candidate = deploy(world.scenario, "backend-staging", { url: "https://backend-staging-old.a.run.app", ...GOOD, tag: "pr-42" });
    // The tag URL is where the candidate answers; point it at the real local backend.
    const status = world.scenario.services.get("backend-staging")!.service.trafficStatuses!.find((traffic) => traffic.tag === "pr-42")!;
    status.uri = url;

    const run = await runAction(world.inputs(manifest, { tag: "pr-42" }));

    const [service] = reportOf(run.outputs).services;
    expect(short(service!.revision)).toBe(candidate);
    expect(service!.url).toBe(url);
    expect(run.outputs.url).toBe(url);
    expect(run.outputs.result).toBe("pass");
  });

  it("an unknown tag is an error that says how to create it", async () => {
    deploy(world.scenario, "backend-staging", { url, ...GOOD });

    const run = await runAction(world.inputs(manifest, { tag: "nope" }));

    expect(run.outputs.result).toBe("error");
    expect(run.stdout).toContain('has no traffic tag "nope"');
    expect(run.stdout).toContain("--no-traffic --tag");
  });
});
