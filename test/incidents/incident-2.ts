import { addSecret, deploy } from "../emulators/scenario.js";
import type { World } from "../e2e/world.js";
import type { Incident } from "./types.js";

/** Planted canaries: the tests fail if any of these values shows up in any output. */
export const INCIDENT_2_SECRETS = {
  "jwt-secret-staging": "canary-i2-jwt-staging-8d1f3a5c7e9b2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a",
  "service-secret": "canary-i2-service-secret-4e6a8c0e2b4d6f8a1c3e5b7d9f0a2c4e6b8d",
  "jwt-secret-key": "canary-i2-jwt-key-7b9d1f3a5c7e9b2d4f6a8c0e1b3d5f7a9c2e4b6d8f",
  "service-id": "canary-i2-service-id-backend-2f4a",
  "secret-key": "canary-i2-secret-key-9c1e3a5b7d9f2a4c6e8b0d1f3a5c7e9b",
};

const FOUR = ["SERVICE_SECRET", "JWT_SECRET_KEY", "SERVICE_ID", "SECRET_KEY"] as const;
const secretName = (env: string) => env.toLowerCase().replace(/_/g, "-");

export const incident2: Incident = {
  id: "incident-2",
  title: "Four secrets missing on two services",
  symptom:
    "SERVICE_SECRET, JWT_SECRET_KEY, SERVICE_ID, SECRET_KEY absent from backend-staging and auth-staging; browsers saw WebSocket close 1006",
  manifest: `
region: us-central1
services:
  backend-staging:
    env:
      AUTH_SERVICE_URL: {}
    secrets:
      JWT_SECRET_STAGING: { secret: jwt-secret-staging }
      SERVICE_SECRET: {}
      JWT_SECRET_KEY: {}
      SERVICE_ID: {}
      SECRET_KEY: {}
    jwt: { secret_env: JWT_SECRET_STAGING, claims: { sub: deploy-gate } }
    health:
      expect_json: { status: healthy, database_status: connected }
    websocket: { path: /ws }
  auth-staging:
    secrets: { SERVICE_SECRET: {}, JWT_SECRET_KEY: {}, SERVICE_ID: {}, SECRET_KEY: {} }
    health:
      expect_json: { status: healthy }
consistent:
  - [backend-staging.JWT_SECRET_KEY, auth-staging.JWT_SECRET_KEY]
  - [backend-staging.SERVICE_SECRET, auth-staging.SERVICE_SECRET]
`,
  backends: {
    // Accepting a socket makes the backend call the auth service, which needs SERVICE_SECRET.
    "backend-staging": { jwtSecretEnv: "JWT_SECRET_STAGING", needsOnConnect: ["SERVICE_SECRET"] },
    "auth-staging": { health: { status: "healthy" } },
  },
  seed: (world) => {
    for (const [name, value] of Object.entries(INCIDENT_2_SECRETS)) addSecret(world.scenario, name, value);
  },
  broken: (world) => deployBoth(world, false),
  fixed: (world) => deployBoth(world, true),
};

function deployBoth(world: World, withSecrets: boolean): void {
  const refs = withSecrets ? Object.fromEntries(FOUR.map((env) => [env, `${secretName(env)}:latest`])) : {};
  const authUrl = world.backends.get("auth-staging")!.url;
  deploy(world.scenario, "backend-staging", {
    url: world.backends.get("backend-staging")!.url,
    env: withSecrets ? { AUTH_SERVICE_URL: authUrl } : {},
    secrets: { JWT_SECRET_STAGING: "jwt-secret-staging:latest", ...refs },
  });
  deploy(world.scenario, "auth-staging", { url: authUrl, secrets: refs });
}
