// Incident 4: right secret, still 403. The deployed backend required an aud
// claim the tests never sent. The gate must rule out secret, config and health,
// then say the backend requires something else, listing the claim NAMES the
// token carried (never values), and pass once either side is fixed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { INCIDENT_4_MANIFEST, INCIDENT_4_STAGING_SECRET, incident4 } from "../incidents/incident-4.js";
import { checksOf, runAction } from "./harness.js";
import { startIncident, type World } from "./world.js";

describe('incident 4: "same secret, still 403"', () => {
  let world: World;
  let manifest: string;

  beforeAll(async () => ({ world, manifest } = await startIncident(incident4)));
  afterAll(() => world.close());

  it("fails and says the backend requires a claim the token lacks", async () => {
    incident4.broken(world);

    const run = await runAction(world.inputs(manifest));

    expect(run.outputs.result).toBe("fail");
    expect(run.exitCode).toBe(1);
    const checks = checksOf(run.outputs);
    expect(checks.find((check) => check.id === "ws.rejected")?.message).toContain("refused with HTTP 403");
    expect(checks.find((check) => check.id === "health.json")?.status).toBe("pass");
    expect(checks.find((check) => check.id === "jwt.minted")?.status).toBe("pass");
    const diagnosis = checks[0];
    expect(diagnosis?.id).toBe("diagnosis.token_requirements");
    expect(diagnosis?.message).toContain(
      "health OK, config OK, token signed with the deployed JWT_SECRET_STAGING, still HTTP 403: the backend requires something else",
    );
    expect(diagnosis?.message).toContain("The token carried the claims exp, iat, sub (no aud, no iss); the revision sets JWT_AUDIENCE");
    expect(diagnosis?.message).toContain("Check the claims it validates (aud, iss, custom)");
    // Names, not values: the audience the backend wants is config, and stays out of the report.
    expect(diagnosis?.message).not.toContain("chat-backend");
    expect(run.everything).not.toContain(INCIDENT_4_STAGING_SECRET);
  });

  it("passes once the token carries the aud the backend requires", async () => {
    incident4.broken(world);
    const withAud = await world.writeManifest(
      INCIDENT_4_MANIFEST.replace("claims: { sub: deploy-gate }", "claims: { sub: deploy-gate, aud: chat-backend }"),
    );

    const run = await runAction(world.inputs(withAud));

    expect(run.outputs.failed_checks).toBe("");
    expect(run.outputs.result).toBe("pass");
    const ids = checksOf(run.outputs).map((check) => check.id);
    expect(ids).toEqual(expect.arrayContaining(["ws.connected", "ws.open_without_token.refused", "ws.open_with_forged_token.refused"]));
    expect(run.everything).not.toContain(INCIDENT_4_STAGING_SECRET);
  });

  it("passes once the backend is deployed with the config the clients were built against", async () => {
    incident4.fixed(world);

    const run = await runAction(world.inputs(manifest));

    expect(run.outputs.failed_checks).toBe("");
    expect(run.outputs.result).toBe("pass");
    expect(run.exitCode).toBe(0);
    expect(run.everything).not.toContain(INCIDENT_4_STAGING_SECRET);
    expect(run.masked).toContain(INCIDENT_4_STAGING_SECRET);
  });
});
