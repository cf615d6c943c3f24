// The probes through the built action, as a runner runs it: wss:// with a
// private CA (NODE_EXTRA_CA_CERTS), a backend that echoes the token in its
// 401, one that warms up with 503s, and an open endpoint.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTestCa, type TestCa } from "../emulators/backend.js";
import { addSecret, deploy } from "../emulators/scenario.js";
import { checksOf, runAction } from "./harness.js";
import { startWorld, type World } from "./world.js";

const SECRET = "canary-probes-e2e-7c1d9e3f5a7b9c1d3e5f7a9b1c3d5e7f9a1b3c5d";
const JWT_SHAPED = /eyJ[A-Za-z0-9_-]{10,}\.eyJ/;

const manifest = (service: string) => `
region: us-central1
services:
  ${service}:
    secrets:
      JWT_SECRET_STAGING: { secret: jwt-secret-staging }
    jwt: { secret_env: JWT_SECRET_STAGING, claims: { sub: deploy-gate } }
    health:
      expect_json: { status: healthy }
    websocket: { path: /ws, send: '{"type":"ping"}', expect_reply: ping }
`;

describe("probes through the action", () => {
  let world: World;
  let ca: TestCa;
  const services = ["tls-backend", "echoing-backend", "warming-backend", "open-backend"] as const;

  beforeAll(async () => {
    ca = makeTestCa();
    world = await startWorld({
      "tls-backend": { tls: ca },
      "echoing-backend": { echoTokenInError: true, refuseStatus: 401, requiredClaims: { aud: "chat-backend" } },
      "warming-backend": { healthFailures: 2 },
      "open-backend": { open: true },
    });
    addSecret(world.scenario, "jwt-secret-staging", SECRET);
    for (const service of services) {
      deploy(world.scenario, service, {
        url: world.backends.get(service)!.url,
        secrets: { JWT_SECRET_STAGING: "jwt-secret-staging:latest" },
      });
    }
  });
  afterAll(() => world.close());

  async function run(service: (typeof services)[number], env: Record<string, string> = {}) {
    const result = await runAction(world.inputs(await world.writeManifest(manifest(service))), env);
    expect(result.everything).not.toContain(SECRET);
    expect(result.everything).not.toMatch(JWT_SHAPED);
    const checks = checksOf(result.outputs);
    return { result, checks, byId: (id: string) => checks.find((check) => check.id === id) };
  }

  it("speaks wss:// to a backend whose certificate a private CA signed, given NODE_EXTRA_CA_CERTS", async () => {
    const { result, byId } = await run("tls-backend", { NODE_EXTRA_CA_CERTS: ca.caFile });
    expect(result.outputs.failed_checks).toBe("");
    expect(result.outputs.result).toBe("pass");
    expect(result.outputs.url).toMatch(/^https:\/\/127\.0\.0\.1:/);
    expect(byId("ws.connected")?.status).toBe("pass");
    expect(byId("ws.reply")?.status).toBe("pass");
  });

  it("says TLS, not 403, when the runner does not trust that CA", async () => {
    const { result, byId } = await run("tls-backend");
    expect(result.outputs.result).toBe("fail");
    expect(byId("ws.tls_error")?.message).toContain("TLS error");
    expect(byId("health.unreachable")?.found).toBe("tls");
  });

  it("reports a refused upgrade with the server's words, minus the token it echoed", async () => {
    const { result, byId } = await run("echoing-backend");
    expect(result.outputs.result).toBe("fail");
    expect(byId("ws.rejected")?.message).toContain("refused with HTTP 401");
    expect(byId("ws.rejected")?.message).toContain("invalid token [redacted]");
    expect(byId("diagnosis.token_requirements")?.status).toBe("fail");
  });

  it("waits for a warming revision (503, Retry-After) and passes", async () => {
    const { result, byId } = await run("warming-backend");
    expect(result.outputs.result).toBe("pass");
    expect(byId("health.status")?.status).toBe("pass");
  });

  it("fails an endpoint that lets anyone in", async () => {
    const { result, checks } = await run("open-backend");
    expect(result.outputs.result).toBe("fail");
    expect(result.outputs.failed_checks?.split(",")).toEqual(
      expect.arrayContaining(["diagnosis.open_endpoint", "ws.open_without_token", "ws.open_with_forged_token"]),
    );
    expect(checks[0]?.id).toBe("diagnosis.open_endpoint");
  });
});
