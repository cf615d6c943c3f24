// Incident 2: four secrets missing on two services; users saw close 1006.
// The gate must name all five missing variables on both services, explain
// the 1006, and pass once both services reference the secrets.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { INCIDENT_2_SECRETS, incident2 } from "../incidents/incident-2.js";
import { reportOf, runAction } from "./harness.js";
import { startIncident, type World } from "./world.js";

describe("incident 2: four secrets missing on two services", () => {
  let world: World;
  let manifest: string;

  beforeAll(async () => ({ world, manifest } = await startIncident(incident2)));
  afterAll(() => world.close());

  it("fails both services, naming every missing variable, and explains the 1006", async () => {
    incident2.broken(world);

    const run = await runAction(world.inputs(manifest));

    expect(run.outputs.result).toBe("fail");
    expect(run.exitCode).toBe(1);
    const report = reportOf(run.outputs);
    const missing = (service: string) =>
      report.services
        .find((entry) => entry.service === service)
        ?.checks.filter((check) => check.status === "fail" && (check.id === "secret.missing" || check.id === "env.missing"))
        .map((check) => check.subject)
        .sort();
    expect(missing("backend-staging")).toEqual(["AUTH_SERVICE_URL", "JWT_SECRET_KEY", "SECRET_KEY", "SERVICE_ID", "SERVICE_SECRET"]);
    expect(missing("auth-staging")).toEqual(["JWT_SECRET_KEY", "SECRET_KEY", "SERVICE_ID", "SERVICE_SECRET"]);
    const backend = report.services.find((entry) => entry.service === "backend-staging")?.checks ?? [];
    expect(backend.find((check) => check.id === "ws.closed")?.message).toContain("closed with code 1006");
    expect(backend[0]?.id).toMatch(/^diagnosis\./);
    expect(backend[0]?.message).toContain("SERVICE_SECRET");
    // Consistency cannot be judged while the values are missing: say so, do not guess.
    expect(report.checks?.map((check) => check.id)).toEqual(["consistent.unverifiable", "consistent.unverifiable"]);
    for (const value of Object.values(INCIDENT_2_SECRETS)) expect(run.everything).not.toContain(value);
  });

  it("passes once both services reference the four secrets and AUTH_SERVICE_URL is set", async () => {
    incident2.fixed(world);

    const run = await runAction(world.inputs(manifest));

    expect(run.outputs.failed_checks).toBe("");
    expect(run.outputs.result).toBe("pass");
    expect(run.exitCode).toBe(0);
    const report = reportOf(run.outputs);
    expect(report.checks?.map((check) => check.id)).toEqual(["consistent.match", "consistent.match"]);
    const backend = report.services.find((entry) => entry.service === "backend-staging")?.checks ?? [];
    expect(backend.map((check) => check.id)).toEqual(expect.arrayContaining(["health.json", "ws.connected", "iam.accessor"]));
    for (const value of Object.values(INCIDENT_2_SECRETS)) expect(run.everything).not.toContain(value);
  });

  it("fails when the runtime service account cannot read the secrets, and names the grant", async () => {
    incident2.fixed(world);
    world.scenario.projectPolicy = [];

    const run = await runAction(world.inputs(manifest));

    expect(run.outputs.result).toBe("fail");
    const report = reportOf(run.outputs);
    const denied = report.services.flatMap((entry) => entry.checks).filter((check) => check.id === "iam.accessor_missing");
    expect(denied.length).toBeGreaterThanOrEqual(4);
    expect(denied[0]?.message).toContain(`${world.scenario.projectNumber}-compute@developer.gserviceaccount.com`);
    expect(run.stdout).toContain("--role=roles/secretmanager.secretAccessor");
  });
});
