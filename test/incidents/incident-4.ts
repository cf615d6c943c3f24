import { addSecret, deploy } from "../emulators/scenario.js";
import type { World } from "../e2e/world.js";
import type { Incident } from "./types.js";

/** Planted canary: the tests fail if this value shows up in any output. */
export const INCIDENT_4_STAGING_SECRET = "canary-i4-staging-5f0c2e8a1b7d3f9e4a6c8b0d2f4e6a8c1b3d5f7e9a0c2e4b6d8f";

/** What the team's tests (and so the manifest) put in a token: no aud. */
export const INCIDENT_4_MANIFEST = `
region: us-central1
services:
  backend-staging:
    secrets:
      JWT_SECRET_STAGING: { secret: jwt-secret-staging, min_bytes: 32 }
    jwt:
      secret_env: JWT_SECRET_STAGING
      claims: { sub: deploy-gate }
    health:
      expect_json: { status: healthy, database_status: connected }
    websocket: { path: /ws }
`;

export const incident4: Incident = {
  id: "incident-4",
  title: '"Same secret, still 403"',
  symptom:
    "tokens signed with the right secret were still refused: the deployed backend required an aud claim (its JWT_AUDIENCE) that the tests never put in",
  manifest: INCIDENT_4_MANIFEST,
  // The backend enforces aud whenever its revision sets JWT_AUDIENCE.
  backends: { "backend-staging": { jwtSecretEnv: "JWT_SECRET_STAGING", requiredClaimsFromEnv: { aud: "JWT_AUDIENCE" } } },
  seed: (world) => addSecret(world.scenario, "jwt-secret-staging", INCIDENT_4_STAGING_SECRET),
  // The staging revision got JWT_AUDIENCE, which the env file the tests read did not have.
  broken: (world) => deployBackend(world, { JWT_AUDIENCE: "chat-backend" }),
  // One fix: deploy the backend with the config the clients were built against. (The other, adding
  // aud: chat-backend to jwt.claims and to the tests' tokens, is played in test/e2e/incident-4.test.ts.)
  fixed: (world) => deployBackend(world, {}),
};

function deployBackend(world: World, env: Record<string, string>): void {
  deploy(world.scenario, "backend-staging", {
    url: world.backends.get("backend-staging")!.url,
    env,
    secrets: { JWT_SECRET_STAGING: "jwt-secret-staging:latest" },
  });
}
