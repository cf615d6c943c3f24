// Incident 1: the backend was deployed without JWT_SECRET_STAGING. Every
// WebSocket upgrade got HTTP 403. The gate must fail that deploy, say which
// service, revision and variable, and pass once the secret ref is added.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { incident1, STAGING_SECRET } from "../incidents/incident-1.js";
import { checksOf, runAction } from "./harness.js";
import { startIncident, type World } from "./world.js";

describe("incident 1: missing JWT secret on one service", () => {
  let world: World;
  let manifest: string;

  beforeAll(async () => ({ world, manifest } = await startIncident(incident1)));
  afterAll(() => world.close());

  it("fails the broken deploy, naming service, revision and variable, and reports the WebSocket 403", async () => {
    incident1.broken(world);
    const revision = world.scenario.services.get("backend-staging")!.service.latestReadyRevision!.split("/").pop()!;

    const run = await runAction(world.inputs(manifest));

    expect(run.outputs.result).toBe("fail");
    expect(run.exitCode).toBe(1);
    expect(run.outputs.revision).toContain(revision);
    expect(run.outputs.failed_checks?.split(",")).toEqual(expect.arrayContaining(["secret.missing", "jwt.secret_missing", "ws.rejected"]));
    const checks = checksOf(run.outputs);
    const missing = checks.find((check) => check.id === "secret.missing");
    expect(missing?.message).toBe(`JWT_SECRET_STAGING is not set on backend-staging revision ${revision}`);
    expect(checks.find((check) => check.id === "ws.rejected")?.message).toContain("refused with HTTP 403");
    expect(checks[0]?.id).toBe("diagnosis.jwt_secret");
    expect(run.summary).toContain("fail, do not ship backend-staging");
    expect(run.stdout).toContain("::error::cloud-run-deploy-gate: the deploy is bad (");
    expect(run.everything).not.toContain(STAGING_SECRET);
  });

  it("passes once JWT_SECRET_STAGING references Secret Manager", async () => {
    incident1.fixed(world);

    const run = await runAction(world.inputs(manifest));

    expect(run.stdout).not.toContain("::error::");
    expect(run.outputs.result).toBe("pass");
    expect(run.exitCode).toBe(0);
    expect(run.outputs.failed_checks).toBe("");
    const ids = checksOf(run.outputs).map((check) => check.id);
    expect(ids).toEqual(
      expect.arrayContaining(["secret.ok", "jwt.secret_strength", "health.json", "ws.connected", "ws.open_without_token.refused"]),
    );
    expect(run.everything).not.toContain(STAGING_SECRET);
    // The gate read the secret to mint the token, so it must have asked the runner to mask it.
    expect(run.masked).toContain(STAGING_SECRET);
  });
});
