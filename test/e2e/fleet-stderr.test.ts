// A healthy fleet's run writes nothing to stderr. Twelve services probed at once (the signed
// WebSocket, its refusals, /health, the logs) each add an abort listener to the run's one signal
// and remove it when done; Node's leak heuristic warned at the eleventh, on every such run.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { addSecret, deploy } from "../emulators/scenario.js";
import { runAction } from "./harness.js";
import { startWorld, type World } from "./world.js";

const NAMES = Array.from({ length: 12 }, (_, index) => `svc-${String(index).padStart(2, "0")}`);

describe("a fleet probed at once", () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld(Object.fromEntries(NAMES.map((name) => [name, { jwtSecretEnv: "JWT_SECRET" }])));
    addSecret(world.scenario, "jwt-secret", "fleet-signing-secret-".padEnd(48, "x"));
    for (const name of NAMES) {
      deploy(world.scenario, name, { url: world.backends.get(name)?.url ?? "", secrets: { JWT_SECRET: "jwt-secret:latest" } });
    }
  });
  afterAll(() => world.close());

  it("no MaxListenersExceededWarning (or any other) on stderr", async () => {
    const requirement = {
      secrets: { JWT_SECRET: { secret: "jwt-secret", min_bytes: 32 } },
      jwt: { secret_env: "JWT_SECRET", claims: { sub: "deploy-gate" } },
      health: { path: "/health", expect_json: { status: "healthy" } },
      websocket: { path: "/ws" },
      logs: { max_errors: 0 },
    };
    const manifest = await world.writeManifest(
      stringify({ region: world.scenario.region, services: Object.fromEntries(NAMES.map((name) => [name, requirement])) }),
    );
    const run = await runAction(world.inputs(manifest));
    expect(run.outputs.result).toBe("pass");
    expect(run.stderr).not.toContain("MaxListenersExceededWarning");
    expect(run.stderr).toBe("");
  });
});
