// Cloud Run's own traps, named through the built action: Google's front end
// answering /healthz with its 404, a port named h2c under a failed WebSocket
// upgrade, and a request timeout shorter than the session the manifest expects.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BackendBehaviour } from "../emulators/backend.js";
import { addSecret, type DeploySpec, deploy } from "../emulators/scenario.js";
import { checksOf, runAction } from "./harness.js";
import { startWorld, type World } from "./world.js";

const SECRET = "canary-traps-e2e-5f7a9c1e3b5d7f9a1c3e5b7d9f1a3c5e7b9d1f3a";

const backends: Record<string, { behaviour: Partial<BackendBehaviour>; deploy?: Partial<DeploySpec> }> = {
  "gfe-backend": { behaviour: { googleFrontEnd: true } },
  "h2c-backend": { behaviour: { closeAfterAccept: { code: 1006 } }, deploy: { portName: "h2c" } },
  "h2c-fine": { behaviour: {}, deploy: { portName: "h2c" } },
  "short-timeout": { behaviour: {}, deploy: { timeout: "1s" } },
};

const manifest = (service: string, probes: string) => `
region: us-central1
services:
  ${service}:
    jwt: { secret_env: JWT_SECRET_STAGING, claims: { sub: deploy-gate } }
${probes}
`;
const WS = "    websocket: { path: /ws, negative: { expired: false, alg_none: false } }";

describe("Cloud Run traps through the action", () => {
  let world: World;

  beforeAll(async () => {
    world = await startWorld(Object.fromEntries(Object.entries(backends).map(([name, spec]) => [name, spec.behaviour])));
    addSecret(world.scenario, "jwt-secret-staging", SECRET);
    for (const [service, spec] of Object.entries(backends)) {
      deploy(world.scenario, service, {
        url: world.backends.get(service)!.url,
        secrets: { JWT_SECRET_STAGING: "jwt-secret-staging:latest" },
        ...spec.deploy,
      });
    }
  });
  afterAll(() => world.close());

  async function run(text: string) {
    const result = await runAction(world.inputs(await world.writeManifest(text)));
    expect(result.everything).not.toContain(SECRET);
    const checks = checksOf(result.outputs);
    return { result, checks, byId: (id: string) => checks.find((check) => check.id === id) };
  }

  it("names Google's front-end 404 on /healthz and an http check on /readyz, with the fix", async () => {
    const probes = "    health: { path: /healthz }\n    http:\n      - { path: /readyz }";
    const { result, byId } = await run(manifest("gfe-backend", probes));
    expect(result.outputs.result).toBe("fail");
    expect(byId("health.reserved_path")).toMatchObject({ status: "fail", found: "404 (Google front end)" });
    expect(byId("health.reserved_path")?.hint).toContain("reserves paths ending in z");
    expect(byId("health.reserved_path")?.hint).toContain("/health");
    expect(byId("http.reserved_path")?.status).toBe("fail");
    // It is no retry-worthy warm-up: one call each.
    expect(world.backends.get("gfe-backend")!.healthCalls).toBe(0);
  });

  it("keeps a plain 404 a plain health.status on a path that does not end in z", async () => {
    const { byId } = await run(manifest("gfe-backend", "    health: { path: /status }"));
    expect(byId("health.status")?.found).toBe("404");
    expect(byId("health.reserved_path")).toBeUndefined();
  });

  it("points at the port named h2c when the WebSocket upgrade fails", async () => {
    const { result, byId } = await run(manifest("h2c-backend", WS));
    expect(result.outputs.result).toBe("fail");
    expect(byId("ws.closed")?.status).toBe("fail");
    expect(byId("ws.h2c_port")).toMatchObject({ status: "fail", found: "h2c" });
    expect(byId("ws.h2c_port")?.hint).toContain("--no-use-http2");
  });

  it("says nothing of h2c when the upgrade works", async () => {
    const { result, byId } = await run(manifest("h2c-fine", WS));
    expect(result.outputs.result).toBe("pass");
    expect(byId("ws.h2c_port")).toBeUndefined();
  });

  it("warns when the request timeout is shorter than the session the manifest expects", async () => {
    const probes = "    websocket: { path: /ws, observe_ms: 1500, negative: { expired: false, alg_none: false } }";
    const { result, byId } = await run(manifest("short-timeout", probes));
    expect(byId("ws.request_timeout_short")).toMatchObject({ status: "warn", found: "1s", expected: ">= 2s" });
    expect(result.outputs.result).toBe("pass");
  });
});
