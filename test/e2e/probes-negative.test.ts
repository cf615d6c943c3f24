// The tokens a backend must refuse although it accepts the valid one: expired,
// alg none, another aud / iss, a foreign Origin; and the token in the first
// message (token_in: message). Through the built action, against the
// JWT-verifying backend with the checks a careless backend skips turned off.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BackendBehaviour } from "../emulators/backend.js";
import { checksOf, runAction } from "./harness.js";
import { startWorldWithSecret, type World } from "./world.js";

const SECRET = "canary-negative-e2e-3b5d7f9a1c3e5a7b9d1f3a5c7e9b1d3f5a7c9e1b";
const JWT_SHAPED = /eyJ[A-Za-z0-9_-]{10,}\.eyJ/;
const SITE = "https://chat.example.com";
const NEGATIVE_IDS = ["ws.accepted_expired", "ws.accepted_alg_none", "ws.accepted_wrong_audience", "ws.accepted_foreign_origin"];

const CLAIMS = { aud: "chat-backend", iss: "https://auth.example.com" };
const backends: Record<string, Partial<BackendBehaviour>> = {
  "strict-backend": { requiredClaims: CLAIMS, allowedOrigins: [SITE] },
  // Verifies the signature only: exp ignored, alg none taken from the token, no aud/iss, no Origin check.
  "lax-backend": { skipChecks: { exp: true, algNone: true } },
  "message-close": { authByMessage: { onInvalid: "close" }, requiredClaims: CLAIMS },
  "message-error": { authByMessage: { onInvalid: "error" }, requiredClaims: CLAIMS },
  "message-silent": { authByMessage: { onInvalid: "silent" }, requiredClaims: CLAIMS },
  "message-lax": { authByMessage: { onInvalid: "close" }, skipChecks: { exp: true } },
  "graphql-backend": { graphql: true, requiredClaims: CLAIMS },
  "socketio-backend": { socketIo: true, requiredClaims: CLAIMS },
  "socketio-lax": { socketIo: true, skipChecks: { algNone: true }, requiredClaims: CLAIMS },
  "graphql-lax": { graphql: true, skipChecks: { exp: true }, requiredClaims: CLAIMS },
};

const manifest = (service: string, websocket: string) => `
region: us-central1
services:
  ${service}:
    secrets:
      JWT_SECRET_STAGING: { secret: jwt-secret-staging }
    jwt: { secret_env: JWT_SECRET_STAGING, claims: { sub: deploy-gate, aud: chat-backend, iss: "https://auth.example.com" } }
    websocket: ${websocket}
`;
const HEADER_WS = `{ path: /ws, allowed_origins: ["${SITE}"] }`;
const MESSAGE_WS = `{ path: /ws, token_in: message, message: '{"type":"auth","token":"{token}"}', expect_reply: auth_ok, timeout_ms: 1500 }`;

describe("negative probes through the action", () => {
  let world: World;

  beforeAll(async () => {
    world = await startWorldWithSecret(backends, { id: "jwt-secret-staging", value: SECRET, env: "JWT_SECRET_STAGING" });
  });
  afterAll(() => world.close());

  async function run(service: string, websocket: string) {
    const result = await runAction(world.inputs(await world.writeManifest(manifest(service, websocket))));
    // Every token it signed (valid, expired, wrong aud/iss) and the unsigned one stay out of every output.
    expect(result.everything).not.toContain(SECRET);
    expect(result.everything).not.toMatch(JWT_SHAPED);
    const checks = checksOf(result.outputs);
    return { result, checks, byId: (id: string) => checks.filter((check) => check.id === id) };
  }

  it("passes a backend that refuses each of them, and sends the allowed Origin on the valid handshake", async () => {
    const { result, byId } = await run("strict-backend", HEADER_WS);
    expect(result.outputs.failed_checks).toBe("");
    expect(result.outputs.result).toBe("pass");
    for (const id of NEGATIVE_IDS) expect(byId(`${id}.refused`).length, id).toBeGreaterThan(0);
    // aud and iss each get their own wrong token.
    expect(byId("ws.accepted_wrong_audience.refused")).toHaveLength(2);
    expect(world.backends.get("strict-backend")!.origins).toContain(SITE);
  });

  it("fails a backend that checks only the signature, naming what it should check", async () => {
    const { result, byId } = await run("lax-backend", HEADER_WS);
    expect(result.outputs.result).toBe("fail");
    expect(result.outputs.failed_checks?.split(",")).toEqual(expect.arrayContaining(NEGATIVE_IDS));
    expect(byId("ws.connected")[0]?.status).toBe("pass");
    expect(byId("ws.accepted_alg_none")[0]?.hint).toContain("RFC 8725 §3.1");
    expect(byId("ws.accepted_expired")[0]?.hint).toContain("exp");
    expect(byId("ws.accepted_wrong_audience").map((check) => check.message)).toEqual([
      expect.stringContaining("another audience (aud)"),
      expect.stringContaining("another issuer (iss)"),
    ]);
    expect(byId("ws.accepted_foreign_origin")[0]?.hint).toContain("cross-site WebSocket hijacking");
  });

  it("turns each negative probe off with websocket.negative", async () => {
    const off = `{ path: /ws, allowed_origins: ["${SITE}"], negative: { expired: false, alg_none: false, wrong_audience: false, foreign_origin: false } }`;
    const { result, checks } = await run("lax-backend", off);
    expect(result.outputs.result).toBe("pass");
    expect(checks.some((check) => check.id.startsWith("ws.accepted_"))).toBe(false);
  });

  it.each([
    ["message-close", "close 4401"],
    ["message-error", "an error reply"],
    ["message-silent", "no reply"],
  ])("token_in: message: %s accepts the auth message and refuses the bad ones (%s)", async (service, refusal) => {
    const { result, byId } = await run(service, MESSAGE_WS);
    expect(result.outputs.failed_checks).toBe("");
    expect(result.outputs.result).toBe("pass");
    expect(byId("ws.connected")[0]?.status).toBe("pass");
    expect(byId("ws.reply")[0]?.status).toBe("pass");
    expect(byId("ws.open_without_token.refused")[0]?.found).toBe(refusal);
    expect(byId("ws.accepted_expired.refused")[0]?.found).toBe(refusal);
    expect(byId("ws.accepted_wrong_audience.refused")[0]?.status).toBe("pass");
  });

  it("token_in: message: fails a backend that lets an expired token in after the upgrade", async () => {
    const { result, byId } = await run("message-lax", MESSAGE_WS);
    expect(result.outputs.result).toBe("fail");
    expect(byId("ws.accepted_expired")[0]?.message).toContain("answered as to a valid token");
    expect(byId("ws.open_without_token.refused")[0]?.status).toBe("pass");
  });

  it("graphql-transport-ws: connection_ack for the valid token, close 4403 for the others (the real graphql-ws server)", async () => {
    const { result, byId } = await run("graphql-backend", "{ path: /ws/graphql, protocol: graphql-transport-ws, timeout_ms: 1500 }");
    expect(result.outputs.failed_checks).toBe("");
    expect(result.outputs.result).toBe("pass");
    expect(byId("ws.reply")[0]?.status).toBe("pass");
    expect(byId("ws.open_without_token.refused")[0]?.found).toBe("close 4403");
    expect(byId("ws.accepted_alg_none.refused")[0]?.found).toBe("close 4403");
  });

  it("graphql-transport-ws: fails a server whose onConnect lets an expired token in", async () => {
    const { result, byId } = await run("graphql-lax", "{ path: /ws/graphql, protocol: graphql-transport-ws, timeout_ms: 1500 }");
    expect(result.outputs.result).toBe("fail");
    expect(byId("ws.accepted_expired")[0]?.status).toBe("fail");
  });

  it("socket.io: CONNECT for the valid token, CONNECT_ERROR for the others (the real socket.io server)", async () => {
    const { result, byId } = await run("socketio-backend", "{ path: /socket.io/, protocol: socket.io, timeout_ms: 1500 }");
    expect(result.outputs.failed_checks).toBe("");
    expect(result.outputs.result).toBe("pass");
    expect(byId("ws.reply")[0]?.status).toBe("pass");
    expect(byId("ws.open_without_token.refused")[0]?.found).toBe("an error reply");
    expect(byId("ws.accepted_wrong_audience.refused")).toHaveLength(2);
  });

  it("socket.io: fails a server whose middleware lets an unsigned token in", async () => {
    const { result, byId } = await run("socketio-lax", "{ path: /socket.io/, protocol: socket.io, timeout_ms: 1500 }");
    expect(result.outputs.result).toBe("fail");
    expect(byId("ws.accepted_alg_none")[0]?.message).toContain("answered as to a valid token");
    expect(byId("ws.accepted_expired.refused")[0]?.status).toBe("pass");
  });

  it("refuses a message template without {token}, with its line", async () => {
    const bad = `{ path: /ws, token_in: message, message: '{"type":"auth"}' }`;
    const { result } = await run("strict-backend", bad);
    expect(result.outputs.result).toBe("error");
    expect(result.everything).toContain("must contain {token}");
  });
});
