// A `latest` secret rotated under a running revision: instances started before
// the new version still hold the old value. The gate warns with both create
// times and the fix, never with the value.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addSecret } from "../emulators/scenario.js";
import { incident1, STAGING_SECRET } from "../incidents/incident-1.js";
import { checksOf, runAction } from "./harness.js";
import { startIncident, type World } from "./world.js";

describe("secret.rotated_after_start", () => {
  let world: World;
  let manifest: string;

  beforeAll(async () => ({ world, manifest } = await startIncident(incident1)));
  afterAll(() => world.close());

  it("no warning while latest is the version the revision started with", async () => {
    incident1.fixed(world);
    const run = await runAction(world.inputs(manifest));
    expect(run.outputs.result).toBe("pass");
    expect(checksOf(run.outputs).map((check) => check.id)).not.toContain("secret.rotated_after_start");
  });

  it("warns when latest now resolves to a version created after the revision, with both times and the fix", async () => {
    const revision = world.scenario.services
      .get("backend-staging")!
      .revisions.get(world.scenario.services.get("backend-staging")!.service.latestReadyRevision!.split("/").pop()!)!;
    const rotatedAt = new Date(Date.parse(revision.createTime!) + 60_000).toISOString();
    addSecret(world.scenario, "jwt-secret-staging", { state: "ENABLED", data: STAGING_SECRET, createTime: rotatedAt });

    const run = await runAction(world.inputs(manifest));

    expect(run.outputs.result).toBe("pass");
    const warning = checksOf(run.outputs).find((check) => check.id === "secret.rotated_after_start");
    expect(warning).toMatchObject({ status: "warn", subject: "JWT_SECRET_STAGING", found: `version 2 created ${rotatedAt}` });
    expect(warning?.message).toContain(rotatedAt);
    expect(warning?.message).toContain(revision.createTime);
    expect(warning?.hint).toMatch(/redeploy backend-staging.*pin the ref to a version number \(jwt-secret-staging:2\)/);
    expect(run.everything).not.toContain(STAGING_SECRET);

    const strict = await runAction(world.inputs(manifest, { fail_on: "warning" }));
    expect(strict.outputs.result).toBe("fail");
    expect(strict.outputs.failed_checks?.split(",")).toContain("secret.rotated_after_start");
  });
});
