// A fleet whose every service is probed as a client would: its JWT secret read to sign the WebSocket
// probe, /health, the socket with its refusals, its logs; `verify:` when given. Each service gets a
// real backend of its own (world.backends). Shared by the fleet e2e tests and bench/verify-runs.ts.
import { stringify } from "yaml";
import { addSecret, deploy } from "../emulators/scenario.js";
import { startWorld, type World } from "./world.js";

export function fleetNames(count: number): string[] {
  return Array.from({ length: count }, (_, index) => `svc-${String(index).padStart(2, "0")}`);
}

/** The emulators, one backend per name, and each service deployed with the one signing secret. */
export async function startProbedFleet(names: string[], signingSecret: string): Promise<World> {
  const world = await startWorld(Object.fromEntries(names.map((name) => [name, { jwtSecretEnv: "JWT_SECRET" }])));
  addSecret(world.scenario, "jwt-secret", signingSecret);
  for (const name of names) {
    deploy(world.scenario, name, { url: world.backends.get(name)?.url ?? "", secrets: { JWT_SECRET: "jwt-secret:latest" } });
  }
  return world;
}

/** The manifest: every service with the same requirement. */
export function probedFleetManifest(world: World, names: string[], verify?: Record<string, unknown>): string {
  const requirement = {
    secrets: { JWT_SECRET: { secret: "jwt-secret", min_bytes: 32 } },
    jwt: { secret_env: "JWT_SECRET", claims: { sub: "deploy-gate" } },
    health: { path: "/health", expect_json: { status: "healthy" } },
    websocket: { path: "/ws" },
    logs: { max_errors: 0 },
    ...(verify ? { verify } : {}),
  };
  return stringify({ region: world.scenario.region, services: Object.fromEntries(names.map((name) => [name, requirement])) });
}
