import { addSecret, deploy } from "../emulators/scenario.js";
import type { Incident } from "./types.js";

/** Planted canary: the tests fail if this value shows up in any output. */
export const STAGING_SECRET = "canary-jwt-3f9c1e7a5b2d4c6e8f0a1b3c5d7e9f1a2b4c6d8e0f1a3b5c7d9e";

export const incident1: Incident = {
  id: "incident-1",
  title: "Missing JWT secret on one service",
  symptom: "backend-staging deployed without JWT_SECRET_STAGING; every WebSocket upgrade got HTTP 403",
  manifest: `
region: us-central1
services:
  backend-staging:
    env:
      ENVIRONMENT: { equals: staging }
    secrets:
      JWT_SECRET_STAGING: { secret: jwt-secret-staging, min_bytes: 32 }
    jwt:
      secret_env: JWT_SECRET_STAGING
      claims: { sub: deploy-gate }
    health:
      path: /health
      expect_json: { status: healthy, database_status: connected }
    websocket:
      path: /ws
`,
  backends: { "backend-staging": { jwtSecretEnv: "JWT_SECRET_STAGING" } },
  seed: (world) => addSecret(world.scenario, "jwt-secret-staging", STAGING_SECRET),
  broken: (world) => {
    deploy(world.scenario, "backend-staging", { url: world.backends.get("backend-staging")!.url, env: { ENVIRONMENT: "staging" } });
  },
  fixed: (world) => {
    deploy(world.scenario, "backend-staging", {
      url: world.backends.get("backend-staging")!.url,
      env: { ENVIRONMENT: "staging" },
      secrets: { JWT_SECRET_STAGING: "jwt-secret-staging:latest" },
    });
  },
};
