// Open the WebSocket as the browser does (with the token) and as an attacker
// would (without one), and say exactly how each handshake ended: refused with
// which status, accepted then closed with which code, or never connected and why.
import type { ClientRequest } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import type { WebsocketRequirement } from "../manifest/schema.js";
import { proxyFor } from "../proxy.js";
import { tunnelAgent } from "../proxy-agent.js";
import { excerpt } from "./excerpt.js";
import { classifyNetworkError, isRedirect, type NetworkFailure, redirectTarget, trustedContext, urlOnService } from "./http.js";

export type ReplyOutcome = { kind: "matched"; excerpt: string } | { kind: "mismatch"; excerpt: string } | { kind: "none" };

export type HandshakeOutcome =
  | { kind: "open"; reply: ReplyOutcome | undefined; cleanClose: boolean }
  /** `redirectedTo`: for a 3xx, the origin it pointed at; ws never follows it (followRedirects: false). */
  | { kind: "refused"; status: number; bodyExcerpt: string; redirectedTo?: string }
  | { kind: "closed"; code: number; reason: string; afterMs: number }
  | { kind: "timeout" }
  | { kind: "network"; failure: NetworkFailure };

export type HandshakeSpec = Pick<WebsocketRequirement, "token_in" | "token_name"> &
  Partial<Pick<WebsocketRequirement, "protocol" | "message" | "send" | "expect_reply" | "timeout_ms" | "observe_ms">>;

/** graphql-transport-ws (graphql-ws): the subprotocol it must be offered, and its auth message and acceptance. */
export const GRAPHQL_TRANSPORT_WS = "graphql-transport-ws";
const GRAPHQL_INIT = '{"type":"connection_init","payload":{"token":"{token}"}}';
const GRAPHQL_ACK = '"type":"connection_ack"';

/** Socket.IO v4 over Engine.IO v4: CONNECT (40) to the main namespace with the token as its auth; CONNECT answers with a sid, CONNECT_ERROR is 44. */
const SOCKET_IO_CONNECT = '40{"token":"{token}"}';
const SOCKET_IO_CONNECTED = '40{"sid":"';

/** The spec a handshake follows: a protocol's own auth message and acceptance in place of token_in. */
export function protocolSpec<T extends HandshakeSpec>(spec: T): T {
  if (spec.protocol === "graphql-transport-ws")
    return { ...spec, token_in: "message", message: spec.message ?? GRAPHQL_INIT, expect_reply: spec.expect_reply ?? GRAPHQL_ACK };
  if (spec.protocol === "socket.io")
    return {
      ...spec,
      token_in: "message",
      message: spec.message ?? SOCKET_IO_CONNECT,
      expect_reply: spec.expect_reply ?? SOCKET_IO_CONNECTED,
    };
  return spec;
}

/** Engine.IO's own packets are not the reply: its open packet (0…) is skipped, a ping (2) answered with a pong (3). */
function engineIoControl(text: string, socket: { send(data: string): void }): boolean {
  if (text === "2") socket.send("3");
  return text.startsWith("0") || text === "2" || text === "3";
}

export interface HandshakeOptions {
  signal: AbortSignal;
  /** Extra headers (the Cloud Run ID token); never placed in any excerpt. */
  headers?: Record<string, string>;
  /** Other credentials sent along, cut out of anything the server echoes. */
  redact?: readonly string[];
}

const BODY_EXCERPT_BYTES = 2048;
const CLOSE_WAIT_MS = 2_000;

/** The socket's URL on the service, or undefined when `path` would leave its origin (see urlOnService). */
export function websocketUrl(baseUrl: string, path: string): URL | undefined {
  const url = urlOnService(baseUrl, path);
  if (!url) return undefined;
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  // A fragment never goes on the wire (nor does /health send one); ws would throw on it rather than drop it.
  url.hash = "";
  return url;
}

/** Where the token goes: the three ways browsers and SDKs pass one on an upgrade (`message`: after it, see firstMessages). */
function placeToken(url: URL, spec: HandshakeSpec, token: string | undefined) {
  const target = new URL(url);
  const headers: Record<string, string> = {};
  const protocols: string[] = [];
  if (token === undefined) return { target, headers, protocols };
  if (spec.token_in === "header") {
    const name = spec.token_name ?? "Authorization";
    headers[name] = name.toLowerCase() === "authorization" ? `Bearer ${token}` : token;
  } else if (spec.token_in === "query") target.searchParams.set(spec.token_name ?? "token", token);
  else if (spec.token_in === "subprotocol") protocols.push(spec.token_name ?? "bearer", token);
  return { target, headers, protocols };
}

/**
 * What the socket sends once open: with token_in: message the auth message first (the token
 * JSON-escaped into the template, "" when the probe has none), then `send`.
 */
export function firstMessages(spec: HandshakeSpec, token: string | undefined): string[] {
  const auth =
    spec.token_in === "message" && spec.message !== undefined
      ? [spec.message.split("{token}").join(JSON.stringify(token ?? "").slice(1, -1))]
      : [];
  return [...auth, ...(spec.send !== undefined ? [spec.send] : [])];
}

/** With token_in: message a socket that opens is not yet let in: the backend says so in its reply, or by staying open. */
export function wasAccepted(outcome: HandshakeOutcome, given: HandshakeSpec): boolean {
  if (outcome.kind !== "open") return false;
  const spec = protocolSpec(given);
  if (spec.token_in !== "message" || spec.expect_reply === undefined) return true;
  return outcome.reply?.kind === "matched";
}

// Loaded on first use: ws and what it loads cost start-up that a run without a WebSocket probe need not pay.
// Kept once loaded: every `verify:` round opens several sockets.
let wsModule: Promise<typeof import("ws")> | undefined;
const loadWs = () => {
  wsModule ??= import("ws");
  wsModule.catch(() => {
    wsModule = undefined;
  });
  return wsModule;
};

/** Load ws while the gate waits on the network, so the first handshake after the secret arrives does not. */
export function preloadWebsocket(): void {
  loadWs().catch(() => undefined);
}

/**
 * A round opens several wss:// sockets to one host (the valid token, the refusals, the negative probes), and
 * every round again: this agent keeps the host's TLS session tickets, so the later ones resume the session
 * rather than make a full handshake. Not kept alive: an upgraded socket leaves the agent anyway, and a
 * refused one is closed by the server.
 */
const tlsSessions = new HttpsAgent({ keepAlive: false, maxCachedSessions: 100 });

export async function handshake(
  url: URL,
  spec: HandshakeSpec,
  token: string | undefined,
  options: HandshakeOptions,
): Promise<HandshakeOutcome> {
  const { default: WebSocket } = await loadWs();
  spec = protocolSpec(spec);
  const { target, headers, protocols } = placeToken(url, spec, token);
  if (spec.protocol === "graphql-transport-ws") protocols.unshift(GRAPHQL_TRANSPORT_WS);
  if (spec.protocol === "socket.io") {
    target.searchParams.set("EIO", "4");
    target.searchParams.set("transport", "websocket");
  }
  const sent = [...(token ? [token] : []), ...(options.redact ?? []), ...Object.values(options.headers ?? {})];
  const timeoutMs = spec.timeout_ms ?? 10_000;
  const messages = firstMessages(spec, token);
  // Through the runner's proxy, a CONNECT tunnel for ws:// and wss:// alike (ws's own connection
  // bypasses any global agent); otherwise ws connects directly, wss:// through the agent that keeps TLS sessions.
  const proxy = proxyFor(target);
  const direct = proxy === undefined && target.protocol === "wss:";
  let agent: Awaited<ReturnType<typeof tunnelAgent>> | undefined;
  try {
    agent = proxy !== undefined ? await tunnelAgent(proxy, target) : direct ? tlsSessions : undefined;
  } catch (error) {
    // An unusable proxy URL (a ProxyFailure): the runner's configuration, not the revision, and never a throw out of the probe.
    return { kind: "network", failure: classifyNetworkError(error, options.signal) };
  }
  // The auth message alone needs no answer: without expect_reply, staying open is the acceptance.
  const awaitingReply = spec.send !== undefined || spec.expect_reply !== undefined;
  return new Promise((resolve) => {
    let settled = false;
    let phase: "connecting" | "observing" | "closing" = "connecting";
    let openedAt = 0;
    let observed = false;
    let reply: ReplyOutcome | undefined;
    const timers: NodeJS.Timeout[] = [];
    const later = (ms: number, action: () => void) => timers.push(setTimeout(action, ms));
    let socket: InstanceType<typeof WebSocket>;
    try {
      socket = new WebSocket(target, protocols, {
        headers: { ...headers, ...options.headers },
        handshakeTimeout: timeoutMs,
        followRedirects: false,
        perMessageDeflate: false,
        maxPayload: 1024 * 1024,
        ...(agent ? { agent } : {}),
        ...(direct ? { secureContext: trustedContext() } : {}),
      });
    } catch (error) {
      // ws and node:http refuse some requests in the constructor, before anything is sent (a header
      // name or a subprotocol that is not an HTTP token): thrown out of here, it ended the whole run
      // as "unexpected SyntaxError". Its message is never kept: ws's "Invalid URL: …" quotes the URL,
      // and with token_in: query the URL carries the token.
      return resolve({ kind: "network", failure: unsendable(error) });
    }
    // The refused upgrade's request: ending it directly spares terminate() building an Error (with its stack) per refusal.
    let refusedRequest: ClientRequest | undefined;
    const finish = (outcome: HandshakeOutcome) => {
      if (settled) return;
      settled = true;
      for (const timer of timers) clearTimeout(timer);
      options.signal.removeEventListener("abort", onAbort);
      socket.removeAllListeners();
      socket.on("error", () => undefined);
      if (refusedRequest) {
        refusedRequest.on("error", () => undefined);
        refusedRequest.destroy();
      } else socket.terminate();
      resolve(outcome);
    };
    const onAbort = () => finish({ kind: "network", failure: classifyNetworkError(undefined, options.signal) });
    if (options.signal.aborted) return onAbort();
    options.signal.addEventListener("abort", onAbort, { once: true });

    // Close politely once the socket has stayed open long enough and any reply is in.
    const maybeClose = () => {
      if (phase !== "observing" || !observed || (awaitingReply && !reply)) return;
      phase = "closing";
      socket.close(1000, "deploy gate done");
      later(CLOSE_WAIT_MS, () => finish({ kind: "open", reply, cleanClose: false }));
    };

    socket.on("unexpected-response", (request, response) => {
      refusedRequest = request;
      const chunks: Buffer[] = [];
      let size = 0;
      response.on("data", (chunk: Buffer) => {
        if (size < BODY_EXCERPT_BYTES) chunks.push(chunk);
        size += chunk.length;
      });
      const status = response.statusCode ?? 0;
      const done = () =>
        finish({
          kind: "refused",
          status,
          bodyExcerpt: excerpt(Buffer.concat(chunks).subarray(0, BODY_EXCERPT_BYTES).toString("utf8"), sent),
          ...(isRedirect(status) ? { redirectedTo: redirectTarget(response.headers.location, url.href) } : {}),
        });
      response.on("end", done);
      response.on("error", done);
      later(1_000, done);
    });
    socket.on("open", () => {
      phase = "observing";
      openedAt = performance.now();
      for (const message of messages) socket.send(message);
      later(spec.observe_ms ?? 500, () => {
        observed = true;
        maybeClose();
      });
      if (awaitingReply) {
        later(timeoutMs, () => {
          reply ??= { kind: "none" };
          maybeClose();
        });
      }
    });
    socket.on("message", (data, isBinary) => {
      const text = isBinary ? `(${Buffer.from(data as Buffer).length} bytes of binary)` : Buffer.from(data as Buffer).toString("utf8");
      if (spec.protocol === "socket.io" && !isBinary && engineIoControl(text, socket)) return;
      if (reply || !awaitingReply) return;
      const matched = spec.expect_reply === undefined || text.includes(spec.expect_reply);
      reply = { kind: matched ? "matched" : "mismatch", excerpt: excerpt(text, sent, 100) };
      maybeClose();
    });
    socket.on("close", (code, reason) => {
      if (phase === "closing") return finish({ kind: "open", reply, cleanClose: true });
      finish({
        kind: "closed",
        code,
        reason: excerpt(reason.toString("utf8"), sent, 120),
        afterMs: Math.round(performance.now() - openedAt),
      });
    });
    socket.on("error", (error) => {
      if (phase === "closing") return finish({ kind: "open", reply, cleanClose: false });
      if (/handshake has timed out/i.test(String((error as Error).message))) return finish({ kind: "timeout" });
      if (/subprotocol/i.test(String((error as Error).message))) {
        // ws refuses a 101 that does not pick one of the offered subprotocols; so do browsers.
        return finish({
          kind: "network",
          failure: { class: "other", reason: "the server accepted without selecting one of the offered subprotocols" },
        });
      }
      finish({ kind: "network", failure: classifyNetworkError(error, options.signal) });
    });
  });
}

/** A handshake refused before anything was sent: the manifest asked for a request ws cannot make. Names and codes only. */
function unsendable(error: unknown): NetworkFailure {
  const { code, name } = (error ?? {}) as { code?: unknown; name?: unknown };
  const what = [code, name].find((value): value is string => typeof value === "string" && /^[A-Za-z_][A-Za-z0-9_]{1,40}$/.test(value));
  return {
    class: "request",
    reason: `the upgrade request could not be built from the manifest's websocket settings (token_name, path)${what ? ` (${what})` : ""}: nothing was sent`,
  };
}
