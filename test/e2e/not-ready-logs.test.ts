// A revision that did not become ready: the report carries its first ERROR log
// lines next to Cloud Run's reason, so nobody opens the console to learn why.
// Read even without `logs:` in the manifest (the failure is the reason to look);
// a gate that may not read logs says so in the hint and still fails the revision.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type LoggingEmulator, revisionLog } from "../emulators/logging.js";
import { deploy } from "../emulators/scenario.js";
import { incident1 } from "../incidents/incident-1.js";
import { checksOf, reportOf, runAction } from "./harness.js";
import { startIncident, type World } from "./world.js";

const SERVICE = "backend-staging";
const GOOD = { env: { ENVIRONMENT: "staging" }, secrets: { JWT_SECRET_STAGING: "jwt-secret-staging:latest" } };
const CRASH = { revisionReason: "HEALTH_CHECK_CONTAINER_ERROR", message: "The user-provided container failed to start." };

describe("a revision that is not ready: its first error lines", () => {
  let world: World;
  let logging: LoggingEmulator;
  let manifest: string;
  let url: string;
  const log = (revision: string, severity: Parameters<typeof revisionLog>[3], text: string) =>
    logging.entries.push(revisionLog(world.scenario, SERVICE, revision, severity, text));
  // The world's own Cloud Logging emulator: every run reaches it, with or without `logs:`.
  const inputs = (extra: Record<string, string> = {}) => world.inputs(manifest, extra);

  beforeAll(async () => {
    ({ world, manifest } = await startIncident(incident1));
    logging = world.logging;
    url = world.backends.get(SERVICE)!.url;
  });
  beforeEach(() => {
    world.scenario.services.clear();
    logging.entries.length = 0;
    logging.filters.length = 0;
    logging.faults.length = 0;
  });
  afterAll(() => world.close());

  it("latest-created failed: revision.not_ready shows its first ERROR lines, inert, without logs: in the manifest", async () => {
    const serving = deploy(world.scenario, SERVICE, { url, ...GOOD });
    log(serving, "ERROR", "an old revision's error, not this one's");
    const failed = deploy(world.scenario, SERVICE, { url, ...GOOD, failed: CRASH });
    log(failed, "INFO", "starting server");
    log(failed, "ERROR", "Error: connect ECONNREFUSED 10.0.0.3:5432");
    log(failed, "CRITICAL", "::error::boom\u001b[31m process exited with code 1");

    const run = await runAction(inputs({ revision: "latest-created" }));

    expect(run.outputs.result).toBe("fail");
    const finding = checksOf(run.outputs).find((check) => check.id === "revision.not_ready");
    expect(finding).toMatchObject({ status: "fail", subject: failed });
    expect(finding!.message).toContain("HEALTH_CHECK_CONTAINER_ERROR");
    expect(finding!.entries?.map((entry) => entry.message)).toEqual([
      "Error: connect ECONNREFUSED 10.0.0.3:5432",
      "::error::boom [31m process exited with code 1",
    ]);
    expect(finding!.found).toContain("ECONNREFUSED");
    expect(run.summary).toContain("ECONNREFUSED 10.0.0.3:5432");
    expect(run.stdout).not.toMatch(/^::error::boom/m);
    // Only that revision's lines at ERROR and above were asked for.
    expect(logging.filters).toContainEqual(
      expect.arrayContaining([
        { field: "resource.labels.revision_name", op: "=", value: failed },
        { field: "severity", op: ">=", value: "ERROR" },
      ]),
    );
  });

  it("latest-ready with a failed newest revision: revision.rollout_failed shows the failed revision's lines", async () => {
    const serving = deploy(world.scenario, SERVICE, { url, ...GOOD });
    const failed = deploy(world.scenario, SERVICE, { url, ...GOOD, failed: CRASH });
    log(failed, "ERROR", "panic: JWT_SECRET_STAGING is empty");
    log(serving, "ERROR", "the serving revision's own line");

    const run = await runAction(inputs());

    const [service] = reportOf(run.outputs).services;
    expect(service!.revision?.split("/").pop()).toBe(serving);
    const finding = service!.checks.find((check) => check.id === "revision.rollout_failed");
    expect(finding).toMatchObject({ status: "fail", subject: failed });
    expect(finding!.entries?.map((entry) => entry.message)).toEqual(["panic: JWT_SECRET_STAGING is empty"]);
  });

  it("no roles/logging.viewer: still a failure with Cloud Run's reason, and the hint names the grant", async () => {
    deploy(world.scenario, SERVICE, { url, ...GOOD });
    const failed = deploy(world.scenario, SERVICE, { url, ...GOOD, failed: CRASH });
    log(failed, "ERROR", "never read");
    logging.faults.push({ match: /^POST \/v2\/entries:list$/, fault: { kind: "status", status: 403 } });

    const run = await runAction(inputs({ revision: "latest-created" }));

    expect(run.outputs.result).toBe("fail");
    const finding = checksOf(run.outputs).find((check) => check.id === "revision.not_ready");
    expect(finding).toMatchObject({ status: "fail", subject: failed });
    expect(finding!.entries).toBeUndefined();
    expect(finding!.hint).toContain("roles/logging.viewer");
    expect(run.everything).not.toContain("never read");
  });

  it("a ready revision asks Cloud Logging nothing when the manifest has no logs:", async () => {
    deploy(world.scenario, SERVICE, { url, ...GOOD });

    const run = await runAction(inputs());

    expect(run.outputs.result).toBe("pass");
    expect(logging.filters).toEqual([]);
  });
});
