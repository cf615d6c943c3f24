// Every way a WebSocket handshake ends, against real local servers: the token
// in header, query or subprotocol; refusals with their status and a redacted
// excerpt; accept-then-close 1006 / 1008; timeout, TLS, DNS, refused.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";
import { handshake as rawHandshake, websocketUrl } from "../../src/probes/websocket.js";
import { mintToken } from "../../src/probes/jwt.js";
import { type Backend, type BackendBehaviour, makeTestCa, startBackend } from "../emulators/backend.js";
import { addSecret, deploy, newScenario } from "../emulators/scenario.js";
import { requirementOf } from "./fixtures.js";
import { shown } from "./shown.js";

const handshake = async (...args: Parameters<typeof rawHandshake>) => shown(await rawHandshake(...args));

const SECRET = "ws-unit-secret-0f1e2d3c4b5a69788796a5b4c3d2e1f0";
const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function backend(behaviour: Partial<BackendBehaviour> = {}): Promise<Backend> {
  const scenario = newScenario();
  addSecret(scenario, "jwt", SECRET);
  const started = await startBackend(scenario, "backend-staging", behaviour);
  deploy(scenario, "backend-staging", { url: started.url, secrets: { JWT_SECRET_STAGING: "jwt:latest" } });
  closers.push(() => started.close());
  return started;
}

async function token(claims: Record<string, unknown> = { sub: "gate" }): Promise<string> {
  const jwt = requirementOf(`jwt: { secret_env: JWT_SECRET_STAGING, claims: ${JSON.stringify(claims)} }`).jwt!;
  return (await mintToken(new TextEncoder().encode(SECRET), jwt)).token;
}

const spec = { token_in: "header" as const, token_name: undefined, observe_ms: 100, timeout_ms: 2_000 };
const options = () => ({ signal: AbortSignal.timeout(15_000) });
const url = (base: string, path = "/ws") => websocketUrl(base, path)!;

describe("handshake", () => {
  it.each([
    ["header", undefined, {}],
    ["query", undefined, {}],
    ["subprotocol", undefined, {}],
    ["header", "X-Auth-Token", { header: "x-auth-token", query: "token", subprotocol: "bearer" }],
    ["query", "access_token", { header: "authorization", query: "access_token", subprotocol: "bearer" }],
    ["subprotocol", "jwt", { header: "authorization", query: "token", subprotocol: "jwt" }],
  ] as const)("sends the token in the %s (name %s) and stays open, closing cleanly", async (tokenIn, name, tokenNames) => {
    const server = await backend("header" in tokenNames ? { tokenNames } : {});
    const outcome = await handshake(url(server.url), { ...spec, token_in: tokenIn, token_name: name }, await token(), options());
    expect(outcome).toEqual({ kind: "open", reply: undefined, cleanClose: true });
  });

  it("is refused with the backend's status when there is no token", async () => {
    const server = await backend();
    expect(await handshake(url(server.url), spec, undefined, options())).toEqual({
      kind: "refused",
      status: 403,
      bodyExcerpt: "Forbidden",
    });
  });

  it("is refused when the backend requires a claim the token lacks", async () => {
    const server = await backend({ requiredClaims: { aud: "chat-backend" } });
    expect(await handshake(url(server.url), spec, await token(), options())).toMatchObject({ kind: "refused", status: 403 });
    expect(await handshake(url(server.url), spec, await token({ sub: "gate", aud: "chat-backend" }), options())).toMatchObject({
      kind: "open",
    });
  });

  it("never reports the token a backend echoes in its error body", async () => {
    const server = await backend({ echoTokenInError: true, refuseStatus: 401, requiredClaims: { aud: "x" } });
    const sent = await token();
    const outcome = await handshake(url(server.url), spec, sent, options());
    expect(outcome).toMatchObject({ kind: "refused", status: 401 });
    expect(outcome.kind === "refused" && outcome.bodyExcerpt).toBe("Forbidden: invalid token [redacted]");
    for (const part of sent.split(".")) expect(JSON.stringify(outcome)).not.toContain(part.slice(0, 20));
  });

  it("sees 1006 when the backend drops the connection after accepting", async () => {
    const server = await backend({ closeAfterAccept: { code: 1006 } });
    expect(await handshake(url(server.url), spec, await token(), options())).toMatchObject({ kind: "closed", code: 1006, reason: "" });
  });

  it("sees 1008 and its reason when the backend rejects the session after accepting", async () => {
    const server = await backend({ closeAfterAccept: { code: 1008, reason: "token audience invalid" } });
    expect(await handshake(url(server.url), spec, await token(), options())).toMatchObject({
      kind: "closed",
      code: 1008,
      reason: "token audience invalid",
    });
  });

  it("sends the first message and checks the reply", async () => {
    const server = await backend();
    const matched = await handshake(url(server.url), { ...spec, send: '{"type":"ping"}', expect_reply: "ping" }, await token(), options());
    expect(matched).toMatchObject({ kind: "open", reply: { kind: "matched" }, cleanClose: true });
    const mismatch = await handshake(url(server.url), { ...spec, send: "hello", expect_reply: "pong" }, await token(), options());
    expect(mismatch).toMatchObject({ kind: "open", reply: { kind: "mismatch", excerpt: "hello" } });
  });

  it("reports no reply when an accepted socket never answers", async () => {
    const silent = await rawServer((server) => {
      const wss = new WebSocketServer({ server });
      closers.push(() => new Promise<void>((resolve) => wss.close(() => resolve())));
    });
    const outcome = await handshake(url(silent), { ...spec, send: "ping", timeout_ms: 300 }, undefined, options());
    expect(outcome).toMatchObject({ kind: "open", reply: { kind: "none" } });
  });

  it.each([404, 426, 502])("classifies a refused upgrade with HTTP %i and escapes the body", async (status) => {
    const server = await rawServer((http) =>
      http.on("upgrade", (_req, socket) => socket.end(`HTTP/1.1 ${status} No\r\nConnection: close\r\n\r\nline one\nline\u0007two`)),
    );
    expect(await handshake(url(server), spec, undefined, options())).toEqual({
      kind: "refused",
      status,
      bodyExcerpt: "line one\\nline\\u0007two",
    });
  });

  it("times out when the backend never answers the upgrade", async () => {
    const server = await backend({ upgradeDelayMs: 3_000 });
    expect(await handshake(url(server.url), { ...spec, timeout_ms: 200 }, await token(), options())).toEqual({ kind: "timeout" });
  });

  it("classifies an untrusted certificate as a TLS error", async () => {
    const server = await backend({ tls: makeTestCa() });
    expect(await handshake(url(server.url), spec, await token(), options())).toMatchObject({ kind: "network", failure: { class: "tls" } });
  });

  it("classifies DNS failure and connection refused", async () => {
    const dns = await handshake(new URL("ws://deploy-gate-nonexistent.invalid/ws"), spec, undefined, options());
    expect(dns).toMatchObject({ kind: "network", failure: { class: "dns" } });
    const server = await backend();
    const base = server.url;
    await server.close();
    expect(await handshake(url(base), spec, undefined, options())).toMatchObject({ kind: "network", failure: { class: "refused" } });
  });

  it("stops at once when the run's deadline passes", async () => {
    const server = await backend({ upgradeDelayMs: 3_000 });
    const outcome = await handshake(url(server.url), spec, await token(), { signal: AbortSignal.timeout(100) });
    expect(outcome).toMatchObject({ kind: "network", failure: { class: "aborted" } });
  });

  it("maps https to wss and keeps the path", () => {
    expect(websocketUrl("https://backend-staging-123.a.run.app/", "/ws")?.toString()).toBe("wss://backend-staging-123.a.run.app/ws");
    expect(websocketUrl("http://127.0.0.1:8080", "/chat/ws")?.toString()).toBe("ws://127.0.0.1:8080/chat/ws");
  });
});

async function rawServer(setup: (server: ReturnType<typeof createServer>) => void): Promise<string> {
  const server = createServer((_req, res) => res.writeHead(404).end());
  setup(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
