import { addSecret, deploy } from "../emulators/scenario.js";
import type { World } from "../e2e/world.js";
import type { Incident } from "./types.js";

/** Planted canaries: the 86-char secret backend-staging verifies with, and the 49-char fallback the tests signed with. */
export const INCIDENT_3_STAGING_SECRET = "canary-i3-staging-ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb3e23";
export const INCIDENT_3_DEV_FALLBACK = "canary-dev-fallback-secret-do-not-use-in-prod-xxx";

export const incident3: Incident = {
  id: "incident-3",
  title: "Test tokens signed with the wrong secret",
  symptom:
    "the test suite minted tokens with a 49-char development fallback while backend-staging verified with its 86-char staging secret; every test got 403 and the deploy was blamed",
  // The tests read jwt-secret-test; the gate compares it with what the backend uses.
  manifest: `
region: us-central1
services:
  backend-staging:
    secrets:
      JWT_SECRET_STAGING: { secret: jwt-secret-staging, min_bytes: 32 }
    jwt:
      secret_env: JWT_SECRET_STAGING
      claims: { sub: deploy-gate }
      compare_with: { secret: jwt-secret-test }
    health:
      expect_json: { status: healthy }
    websocket: { path: /ws }
`,
  backends: { "backend-staging": { jwtSecretEnv: "JWT_SECRET_STAGING" } },
  seed: (world) => {
    addSecret(world.scenario, "jwt-secret-staging", INCIDENT_3_STAGING_SECRET);
    addSecret(world.scenario, "jwt-secret-test", INCIDENT_3_DEV_FALLBACK);
  },
  // The deploy itself is right: that is the point of this incident.
  broken: (world) => deployBackend(world),
  // The fix is on the tests' side: the secret they read now holds the staging value.
  fixed: (world) => {
    addSecret(world.scenario, "jwt-secret-test", INCIDENT_3_STAGING_SECRET);
    deployBackend(world);
  },
};

function deployBackend(world: World): void {
  deploy(world.scenario, "backend-staging", {
    url: world.backends.get("backend-staging")!.url,
    secrets: { JWT_SECRET_STAGING: "jwt-secret-staging:latest" },
  });
}
