// Incident 3: the tests signed with a 49-char development fallback, the backend
// verified with its 86-char staging secret, and the deploy was blamed for the
// 403s. The gate must say the deploy is fine and the tests' secret differs,
// compared by fingerprint, printing neither secret, a prefix nor a length.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { INCIDENT_3_DEV_FALLBACK, INCIDENT_3_STAGING_SECRET, incident3 } from "../incidents/incident-3.js";
import { checksOf, runAction } from "./harness.js";
import { startIncident, type World } from "./world.js";

const CANARIES = [INCIDENT_3_STAGING_SECRET, INCIDENT_3_DEV_FALLBACK];

function expectNoSecretMaterial(text: string): void {
  for (const canary of CANARIES) {
    expect(text).not.toContain(canary);
    // Incident 3's own diagnostics printed the first 10 characters; so must we not.
    expect(text).not.toContain(canary.slice(-20));
  }
  expect(text).not.toMatch(/\b(49|86)[ -](char|byte)/);
}

describe("incident 3: test tokens signed with the wrong secret", () => {
  let world: World;
  let manifest: string;

  beforeAll(async () => ({ world, manifest } = await startIncident(incident3)));
  afterAll(() => world.close());

  it("fails while the tests' secret differs, and says the deploy itself is fine", async () => {
    incident3.broken(world);

    const run = await runAction(world.inputs(manifest));

    expect(run.outputs.result).toBe("fail");
    expect(run.exitCode).toBe(1);
    expect(run.outputs.failed_checks?.split(",")).toEqual(expect.arrayContaining(["jwt.test_secret_differs"]));
    const checks = checksOf(run.outputs);
    const differs = checks.find((check) => check.id === "jwt.test_secret_differs");
    expect(differs?.message).toContain("test secret differs from the secret backend-staging uses");
    expect(differs?.message).toContain("development fallback");
    expect(differs?.expected).toMatch(/^hmac:[0-9a-f]{12}$/);
    expect(differs?.found).toMatch(/^hmac:[0-9a-f]{12}$/);
    expect(differs?.found).not.toBe(differs?.expected);
    // The gate's own token (signed with the deployed secret) got in: the deploy is not the problem.
    expect(checks.find((check) => check.id === "ws.connected")?.status).toBe("pass");
    expect(checks[0]?.id).toBe("diagnosis.test_secret");
    expect(checks[0]?.message).toContain("the deploy is fine");
    expect(checks[0]?.message).toContain("fix the tests' secret");
    expectNoSecretMaterial(run.everything);
    expect(run.masked).toEqual(expect.arrayContaining(CANARIES));
  });

  it("passes once the tests read the staging secret", async () => {
    incident3.fixed(world);

    const run = await runAction(world.inputs(manifest));

    expect(run.outputs.failed_checks).toBe("");
    expect(run.outputs.result).toBe("pass");
    expect(run.exitCode).toBe(0);
    const checks = checksOf(run.outputs);
    expect(checks.find((check) => check.id === "jwt.test_secret_matches")?.status).toBe("pass");
    expectNoSecretMaterial(run.everything);
  });

  it("compares a secret the job holds in an env var the same way", async () => {
    incident3.broken(world);
    const envManifest = await world.writeManifest(
      incident3.manifest.replace("compare_with: { secret: jwt-secret-test }", "compare_with: { env: TEST_JWT_SECRET }"),
    );

    const broken = await runAction(world.inputs(envManifest), { TEST_JWT_SECRET: INCIDENT_3_DEV_FALLBACK });
    const fixed = await runAction(world.inputs(envManifest), { TEST_JWT_SECRET: INCIDENT_3_STAGING_SECRET });
    const unset = await runAction(world.inputs(envManifest));

    expect(broken.outputs.result).toBe("fail");
    expect(broken.outputs.failed_checks?.split(",")).toContain("jwt.test_secret_differs");
    expect(fixed.outputs.result).toBe("pass");
    // compare_with names a variable the job does not set: the gate cannot decide, and says how to pass it.
    expect(unset.outputs.result).toBe("error");
    expect(unset.everything).toContain("TEST_JWT_SECRET, which is not set in the job");
    for (const run of [broken, fixed, unset]) expectNoSecretMaterial(run.everything);
  });
});
