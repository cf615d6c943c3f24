// The staging chat backend, for real: it serves /health and a /ws WebSocket
// that verifies JWTs with jose. Like the deployed app, it reads its
// configuration from the revision Cloud Run serves (the Scenario), so breaking
// the deploy in the scenario breaks this backend the way it broke in staging.
// Its modes are the ways real backends misbehave: each one a probe must classify.
import { execFileSync } from "node:child_process";
import { createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeJwt, decodeProtectedHeader, type JWTPayload, jwtVerify } from "jose";
import { WebSocketServer } from "ws";
import type { Scenario } from "./scenario.js";

export interface BackendBehaviour {
  /** Env var the backend reads its JWT secret (HS*) or PEM / JWK private key (RS256, ES256, EdDSA) from. */
  jwtSecretEnv: string;
  /** Env vars the backend needs while accepting a socket (incident 2: SERVICE_SECRET → auth call fails → 1006). */
  needsOnConnect: string[];
  /** Claims the backend requires (incident 4), e.g. { aud: "chat-backend" }. */
  requiredClaims: Record<string, string>;
  /** Claim → env var: when the revision sets the var, the claim must equal its value (incident 4, "its deployed env differed"). */
  requiredClaimsFromEnv: Record<string, string>;
  /** Accept every handshake without checking (an open endpoint). */
  open: boolean;
  /** Health JSON to serve. */
  health: Record<string, unknown>;
  /** Answer 503 to this many /health calls first (a warming revision). */
  healthFailures: number;
  /** Retry-After (seconds) sent with those 503s. */
  healthRetryAfter: string | undefined;
  /** Slow: wait this long before answering /health, and before answering an upgrade. */
  healthDelayMs: number;
  upgradeDelayMs: number;
  /** Accept the upgrade, then close: 1006 drops the TCP connection without a close frame; other codes send one. */
  closeAfterAccept: { code: number; reason?: string; afterMs?: number } | undefined;
  /** Status of a refused upgrade. */
  refuseStatus: number;
  /** A careless backend that puts the token it got into its error body. */
  echoTokenInError: boolean;
  /** Where the token is read from: header (Bearer), query parameter, or subprotocol pair [prefix, token]. */
  tokenNames: { header: string; query: string; subprotocol: string };
  /** Checks a careless backend skips: accepts expired tokens, or takes `alg: none` from the token (unsigned). */
  skipChecks: { exp?: boolean; algNone?: boolean };
  /** When set, an upgrade whose Origin header is not one of these is refused 403 (the header absent: allowed, as non-browser clients send none). */
  allowedOrigins: string[] | undefined;
  /**
   * The token comes in the first message `{"type":"auth","token":"…"}` after the upgrade (browser clients):
   * valid → reply `{"type":"auth_ok"}` then echo; invalid → close 4401, an error reply, or silence.
   */
  authByMessage: { onInvalid: "close" | "error" | "silent" } | undefined;
  /** Routes beyond /health: `verify` answers 401 without a valid token and 200 JSON with one; `open` answers 200 to anyone (auth bypassed). */
  routes: Record<string, "verify" | "open">;
  /** Cloud Run's front end: a path ending in `z` (/healthz) gets Google's own HTML 404 before the container sees it. */
  googleFrontEnd: boolean;
  /**
   * Speak graphql-transport-ws with the real graphql-ws server (npm): the token comes in connection_init's
   * payload.token; onConnect verifies it like the upgrade check, and graphql-ws closes 4403 when it fails.
   */
  graphql: boolean;
  /** Serve a real Socket.IO v4 server (npm) at /socket.io/ whose middleware verifies `auth.token` (CONNECT_ERROR when it fails). */
  socketIo: boolean;
  /** Serve HTTPS with this certificate (see makeTestCa). */
  tls: { key: string; cert: string } | undefined;
  /** A private service: like Cloud Run's IAM front, refuse (403) any request without X-Serverless-Authorization. */
  private: boolean;
  /** A hostile or careless /health: this status and body (built from the serving env: a debug page that dumps config). */
  healthAnswer: ((env: Map<string, string>) => { status: number; body: string }) | undefined;
  /** The body of a refused upgrade, likewise built from the serving env. */
  refuseBody: ((env: Map<string, string>) => string) | undefined;
}

export interface Backend {
  url: string;
  behaviour: BackendBehaviour;
  healthCalls: number;
  upgrades: number;
  /** The X-Serverless-Authorization headers received, for tests to inspect the ID token. */
  serverlessAuthorizations: string[];
  /** The Origin header of each upgrade that reached the app (undefined: none sent). */
  origins: (string | undefined)[];
  close(): Promise<void>;
}

export async function startBackend(scenario: Scenario, serviceName: string, behaviour: Partial<BackendBehaviour> = {}): Promise<Backend> {
  const state: Backend = {
    url: "",
    healthCalls: 0,
    upgrades: 0,
    serverlessAuthorizations: [],
    origins: [],
    behaviour: {
      jwtSecretEnv: "JWT_SECRET_STAGING",
      needsOnConnect: [],
      requiredClaims: {},
      requiredClaimsFromEnv: {},
      open: false,
      health: { status: "healthy", database_status: "connected" },
      healthFailures: 0,
      healthRetryAfter: "0",
      healthDelayMs: 0,
      upgradeDelayMs: 0,
      closeAfterAccept: undefined,
      refuseStatus: 403,
      echoTokenInError: false,
      tokenNames: { header: "authorization", query: "token", subprotocol: "bearer" },
      skipChecks: {},
      graphql: false,
      socketIo: false,
      routes: {},
      googleFrontEnd: false,
      allowedOrigins: undefined,
      authByMessage: undefined,
      tls: undefined,
      private: false,
      healthAnswer: undefined,
      refuseBody: undefined,
      ...behaviour,
    },
    close: async () => undefined,
  };
  const env = () => servingEnv(scenario, serviceName);
  /** Cloud Run IAM stands before the app: no ID token, no request reaches it. */
  const allowedByIam = (req: IncomingMessage): boolean => {
    const header = req.headers["x-serverless-authorization"];
    if (typeof header === "string") state.serverlessAuthorizations.push(header);
    return !state.behaviour.private || (typeof header === "string" && header.startsWith("Bearer "));
  };
  const onRequest = async (req: IncomingMessage, res: ServerResponse) => {
    if (!allowedByIam(req)) return void res.writeHead(403).end("Forbidden: Your client does not have permission to get URL");
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (state.behaviour.googleFrontEnd && path.endsWith("z")) {
      return void res
        .writeHead(404, { "content-type": "text/html; charset=UTF-8", "referrer-policy": "no-referrer" })
        .end(googleNotFound(path));
    }
    const route = state.behaviour.routes[path];
    if (route) {
      const header = req.headers.authorization;
      const token = header?.startsWith("Bearer ") ? header.slice(7) : undefined;
      if (route === "verify" && !(await verifies(token, env(), state.behaviour)))
        return void res.writeHead(401, { "content-type": "application/json" }).end('{"error":"unauthorized"}');
      return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ user: "deploy-gate", route: path }));
    }
    if (req.url !== "/health") return void res.writeHead(404).end("not found");
    state.healthCalls += 1;
    await delay(state.behaviour.healthDelayMs);
    if (state.healthCalls <= state.behaviour.healthFailures) {
      const retry = state.behaviour.healthRetryAfter;
      return void res.writeHead(503, retry === undefined ? {} : { "retry-after": retry }).end("warming up");
    }
    const answer = state.behaviour.healthAnswer?.(env());
    if (answer) return void res.writeHead(answer.status, { "content-type": "text/plain" }).end(answer.body);
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(state.behaviour.health));
  };
  const tls = state.behaviour.tls;
  const server = tls ? createTlsServer({ key: tls.key, cert: tls.cert }, onRequest) : createServer(onRequest);
  const wss = new WebSocketServer({ noServer: true });
  const graphqlWss = state.behaviour.graphql ? await graphqlServer(state.behaviour, env) : undefined;
  if (state.behaviour.socketIo) await attachSocketIo(server, state.behaviour, env);
  server.on("upgrade", async (req: IncomingMessage, socket: Socket, head: Buffer) => {
    // Socket.IO's engine takes its own path's upgrades.
    if (state.behaviour.socketIo && req.url?.startsWith("/socket.io/")) return;
    state.upgrades += 1;
    const b = state.behaviour;
    const token = tokenOf(req, b.tokenNames);
    const refuse = (status: number, text: string) => {
      const body = b.refuseBody ? b.refuseBody(env()) : b.echoTokenInError && token ? `${text}: invalid token ${token}` : text;
      socket.end(`HTTP/1.1 ${status} ${text}\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n${body}`);
    };
    if (!allowedByIam(req)) return refuse(403, "Forbidden");
    await delay(b.upgradeDelayMs);
    if (!req.url?.startsWith("/ws")) return refuse(404, "Not Found");
    const origin = req.headers.origin;
    if (b.allowedOrigins && origin !== undefined && !b.allowedOrigins.includes(origin)) return refuse(403, "Forbidden");
    state.origins.push(origin);
    const config = env();
    if (graphqlWss) return graphqlWss.handleUpgrade(req, socket, head, (ws) => graphqlWss.emit("connection", ws, req));
    if (!b.open && !b.authByMessage && !(await verifies(token, config, b))) return refuse(b.refuseStatus, "Forbidden");
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (b.authByMessage) {
        const onInvalid = b.authByMessage.onInvalid;
        ws.once("message", async (data) => {
          let sent: string | undefined;
          try {
            sent = (JSON.parse(String(data)) as { token?: string }).token || undefined;
          } catch {}
          if (b.open || (await verifies(sent, config, b))) {
            ws.send(JSON.stringify({ type: "auth_ok" }));
            ws.on("message", (next, isBinary) => ws.send(next, { binary: isBinary }));
          } else if (onInvalid === "close") ws.close(4401, "unauthorized");
          else if (onInvalid === "error") ws.send(JSON.stringify({ type: "error", message: "unauthorized" }));
        });
        return;
      }
      // Accepting needs a call to the auth service; without its config the backend dies mid-connection.
      if (b.needsOnConnect.some((name) => !config.has(name))) return void ws.terminate();
      const closing = b.closeAfterAccept;
      if (closing) {
        setTimeout(() => (closing.code === 1006 ? ws.terminate() : ws.close(closing.code, closing.reason)), closing.afterMs ?? 0);
        return;
      }
      ws.on("message", (data, isBinary) => ws.send(data, { binary: isBinary }));
    });
  });
  const sockets = new Set<Socket>();
  server.on(tls ? "secureConnection" : "connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.url = `${tls ? "https" : "http"}://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      for (const client of wss.clients) client.terminate();
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  return state;
}

/** A real Socket.IO server on the backend's HTTP server, checking the CONNECT packet's auth like the upgrade check. */
async function attachSocketIo(server: import("node:http").Server, b: BackendBehaviour, env: () => Map<string, string>): Promise<void> {
  const { Server } = await import("socket.io");
  const io = new Server(server, { path: "/socket.io/", transports: ["websocket"], destroyUpgrade: false, serveClient: false });
  io.use(async (socket, next) => {
    const token = (socket.handshake.auth as { token?: unknown }).token;
    if (b.open || (await verifies(typeof token === "string" ? token : undefined, env(), b))) return next();
    next(new Error("unauthorized"));
  });
  io.on("connection", (socket) => socket.on("message", (data: unknown) => socket.send(data)));
}

/** A real graphql-ws server (loaded only by the tests that ask for it) whose onConnect checks the token. */
async function graphqlServer(b: BackendBehaviour, env: () => Map<string, string>): Promise<WebSocketServer> {
  const [{ useServer }, { buildSchema }] = await Promise.all([import("graphql-ws/use/ws"), import("graphql")]);
  const server = new WebSocketServer({ noServer: true });
  useServer(
    {
      schema: buildSchema("type Query { hello: String }"),
      onConnect: async (ctx) => b.open || verifies(String(ctx.connectionParams?.token ?? ""), env(), b),
    },
    server,
  );
  return server;
}

/** The backend's token check: signature (algorithms pinned), exp, and the claims it requires. */
async function verifies(token: string | undefined, config: Map<string, string>, b: BackendBehaviour): Promise<boolean> {
  const secret = config.get(b.jwtSecretEnv);
  if (!secret || !token) return false;
  let payload: JWTPayload;
  try {
    if (b.skipChecks.algNone && decodeProtectedHeader(token).alg === "none") payload = decodeJwt(token);
    else {
      ({ payload } = await jwtVerify(token, verificationKey(secret), {
        algorithms: ["HS256", "HS384", "HS512", "RS256", "ES256", "EdDSA"],
        // A backend that never looks at exp: any age passes.
        ...(b.skipChecks.exp ? { currentDate: new Date(0) } : {}),
      }));
    }
  } catch {
    return false;
  }
  const fromEnv = Object.entries(b.requiredClaimsFromEnv).flatMap(([claim, name]) => {
    const value = config.get(name);
    return value ? [[claim, value] as const] : [];
  });
  for (const [claim, value] of [...Object.entries(b.requiredClaims), ...fromEnv]) {
    const actual = payload[claim];
    if (actual !== value && !(Array.isArray(actual) && actual.includes(value))) return false;
  }
  return true;
}

/** The page Google's front end serves for a reserved path (the shape of the real one, abridged). */
function googleNotFound(path: string): string {
  return `<!DOCTYPE html>\n<html lang=en>\n  <meta charset=utf-8>\n  <title>Error 404 (Not Found)!!1</title>\n  <a href=//www.google.com/><span id=logo aria-label=Google></span></a>\n  <p><b>404.</b> <ins>That\u2019s an error.</ins>\n  <p>The requested URL <code>${path}</code> was not found on this server.  <ins>That\u2019s all we know.</ins>\n`;
}

const delay = (ms: number) => (ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve());

/** HS*: the secret bytes. Otherwise the env holds the private key (PEM or JWK); verify with its public half. */
function verificationKey(secret: string): Uint8Array | KeyObject {
  const text = secret.trim();
  if (text.startsWith("{")) return createPublicKey(createPrivateKey({ key: JSON.parse(text), format: "jwk" }));
  if (text.includes("-----BEGIN")) return createPublicKey(createPrivateKey(text));
  return new TextEncoder().encode(secret);
}

function tokenOf(req: IncomingMessage, names: BackendBehaviour["tokenNames"]): string | undefined {
  const header = req.headers[names.header.toLowerCase()];
  const value = Array.isArray(header) ? header[0] : header;
  if (value) return names.header.toLowerCase() === "authorization" ? (value.startsWith("Bearer ") ? value.slice(7) : undefined) : value;
  const query = new URL(req.url ?? "/", "http://x").searchParams.get(names.query);
  if (query) return query;
  const protocols = (req.headers["sec-websocket-protocol"] ?? "").split(",").map((part) => part.trim());
  return protocols.length === 2 && protocols[0] === names.subprotocol ? protocols[1] : undefined;
}

/** The env the serving revision runs with, secret refs resolved as Cloud Run would at start-up. */
export function servingEnv(scenario: Scenario, serviceName: string): Map<string, string> {
  const entry = scenario.services.get(serviceName);
  const revisionName = entry?.service.latestReadyRevision;
  const revision = revisionName ? entry?.revisions.get(revisionName.slice(revisionName.lastIndexOf("/") + 1)) : undefined;
  const env = new Map<string, string>();
  for (const variable of revision?.containers?.[0]?.env ?? []) {
    if (!variable.name) continue;
    const ref = variable.valueSource?.secretKeyRef;
    if (!ref?.secret) {
      env.set(variable.name, variable.value ?? "");
      continue;
    }
    const versions = scenario.secrets.get(`${scenario.project}/${ref.secret}`);
    const version = ref.version === "latest" || !ref.version ? versions?.at(-1) : versions?.[Number(ref.version) - 1];
    if (version?.state === "ENABLED") env.set(variable.name, version.data);
  }
  return env;
}

export interface TestCa {
  /** PEM of the CA: give it to the gate as NODE_EXTRA_CA_CERTS. */
  caFile: string;
  /** Server key and certificate for 127.0.0.1 / localhost, signed by the CA. */
  key: string;
  cert: string;
}

/** A throwaway CA and server certificate, made with the openssl CLI at test time so no key is ever committed. */
export function makeTestCa(): TestCa {
  const dir = mkdtempSync(join(tmpdir(), "gate-tls-"));
  const at = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync("openssl", args, { stdio: "ignore" });
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  openssl(
    "req",
    "-x509",
    ...ec,
    "-keyout",
    at("ca.key"),
    "-out",
    at("ca.pem"),
    "-days",
    "2",
    "-subj",
    "/CN=deploy-gate test CA",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  );
  openssl("req", ...ec, "-keyout", at("server.key"), "-out", at("server.csr"), "-subj", "/CN=127.0.0.1");
  writeFileSync(at("ext.cnf"), "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
  openssl(
    "x509",
    "-req",
    "-in",
    at("server.csr"),
    "-CA",
    at("ca.pem"),
    "-CAkey",
    at("ca.key"),
    "-CAcreateserial",
    "-out",
    at("server.pem"),
    "-days",
    "2",
    "-extfile",
    at("ext.cnf"),
  );
  return { caFile: at("ca.pem"), key: readFileSync(at("server.key"), "utf8"), cert: readFileSync(at("server.pem"), "utf8") };
}
