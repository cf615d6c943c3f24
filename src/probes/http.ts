// One HTTP request with a per-call timeout inside the run's deadline and a cap
// on how much body we read, so a misbehaving backend can neither hang nor flood the gate.
import { type Agent, type ClientRequest, request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { createSecureContext, type SecureContext } from "node:tls";
import { proxyFailureOf } from "../proxy.js";
import { agentFor } from "../proxy-agent.js";
import { parseRetryAfter } from "../wait.js";

export type HttpOutcome =
  | {
      kind: "response";
      status: number;
      body: string;
      truncated: boolean;
      retryAfterMs: number | undefined;
      /** For a 3xx: the origin its Location pointed at (never followed). */
      redirectedTo?: string;
    }
  | { kind: "error"; failure: NetworkFailure };

/** Why a connection failed, in classes a user acts on differently. */
export interface NetworkFailure {
  /** `request`: refused before anything was sent (the manifest asked for a request that cannot be made). */
  class: "timeout" | "aborted" | "dns" | "refused" | "reset" | "tls" | "proxy" | "request" | "other";
  /** Short and safe: error codes only, never a message that could echo a URL's query or a body. */
  reason: string;
}

/**
 * `path` (from the manifest) resolved on the probed URL, or undefined when the result would land on
 * another origin: `//host/x`, `/\host/x`, a scheme. The manifest schema refuses such paths already;
 * this keeps the probe and its credentials (the ID token, the minted JWT) on the service whatever
 * path reaches it.
 */
export function urlOnService(baseUrl: string, path: string): URL | undefined {
  const base = new URL(`${baseUrl.replace(/\/+$/, "")}/`);
  let url: URL;
  try {
    url = new URL(path, base);
  } catch {
    return undefined;
  }
  return path.startsWith("/") && url.origin === base.origin && url.username === "" && url.password === "" ? url : undefined;
}

/** A redirect answer (3xx): probes never follow one, so the ID token and the JWT stay with the probed origin. */
export function isRedirect(status: number): boolean {
  return status >= 300 && status < 400;
}

/** Where a redirect pointed, as an origin only (its path or query may carry anything). */
export function redirectTarget(location: string | null | undefined, from: string): string {
  if (!location) return "no Location";
  try {
    const target = new URL(location, from);
    return target.origin === new URL(from).origin ? `${target.origin} (the same origin)` : target.origin;
  } catch {
    return "an invalid Location";
  }
}

/**
 * The context the probes' TLS connections verify with: the default trust (system CAs plus
 * NODE_EXTRA_CA_CERTS), which tls.connect would otherwise build again for every connection, built once.
 * Building it (loading the CA store) was a quarter of a wss:// handshake's CPU (bench, issue 14).
 */
let trusted: SecureContext | undefined;
export function trustedContext(): SecureContext {
  trusted ??= createSecureContext();
  return trusted;
}

const CALL_TIMEOUT_MS = 10_000;
/** Longest Retry-After we honour; longer waits are capped (and the run deadline still applies). */
const MAX_RETRY_AFTER_MS = 30_000;

/**
 * One request through node:http(s): a probe runs every `verify:` round, and fetch (undici, WHATWG
 * streams, a timeout signal that fires 10 s later) cost about four times its CPU per call (bench,
 * issue 14). Like fetch it never follows a redirect (the ID token would go along), trusts the
 * system CAs plus NODE_EXTRA_CA_CERTS, and keeps the connection alive for the next round.
 */
export async function boundedFetch(
  url: string,
  options: { headers: Record<string, string>; signal: AbortSignal; bodyCap: number; method?: string; timeoutMs?: number },
): Promise<HttpOutcome> {
  // The one proxy decision (HTTPS_PROXY / HTTP_PROXY / NO_PROXY, src/proxy.ts): a CONNECT tunnel
  // when proxied, else a direct keep-alive agent (never a global agent with other proxy rules).
  let agent: Agent;
  try {
    agent = await agentFor(url);
  } catch (error) {
    return { kind: "error", failure: classifyNetworkError(error, options.signal) };
  }
  return new Promise((resolve) => {
    let request: ClientRequest | undefined;
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    const settle = (outcome: HttpOutcome, keepConnection = false) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal.removeEventListener("abort", onAbort);
      if (!keepConnection) request?.destroy();
      resolve(outcome);
    };
    const fail = (error: unknown) => settle({ kind: "error", failure: classifyNetworkError(error, options.signal) });
    const onAbort = () => fail(options.signal.reason);
    if (options.signal.aborted) return onAbort();
    try {
      const target = new URL(url);
      const send = target.protocol === "https:" ? httpsRequest : target.protocol === "http:" ? httpRequest : undefined;
      if (!send) return fail(undefined);
      request = send(target, {
        method: options.method ?? "GET",
        headers: { accept: "*/*", ...options.headers },
        agent,
        ...(send === httpsRequest ? { secureContext: trustedContext() } : {}),
      });
    } catch (error) {
      // An invalid header value or URL: refused before anything is sent.
      return fail(error);
    }
    options.signal.addEventListener("abort", onAbort, { once: true });
    timer = setTimeout(() => fail(Object.assign(new Error("timed out"), { name: "TimeoutError" })), options.timeoutMs ?? CALL_TIMEOUT_MS);
    request.on("error", fail);
    request.on("response", (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const answer = (truncated: boolean) =>
        settle(
          {
            kind: "response",
            status: response.statusCode ?? 0,
            body: Buffer.concat(chunks).subarray(0, options.bodyCap).toString("utf8"),
            truncated,
            retryAfterMs: parseRetryAfter(header(response.headers["retry-after"]), MAX_RETRY_AFTER_MS),
            ...(isRedirect(response.statusCode ?? 0) ? { redirectedTo: redirectTarget(header(response.headers.location), url) } : {}),
          },
          // A body read to its end leaves the connection reusable; one cut short does not.
          !truncated,
        );
      response.on("data", (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        if (size > options.bodyCap) answer(true);
      });
      response.on("end", () => answer(false));
      response.on("error", fail);
      response.on("aborted", () => fail(Object.assign(new Error("aborted"), { code: "ECONNRESET" })));
    });
    request.end();
  });
}

const header = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/** Classify node:http and ws errors alike (and fetch's, undici's codes); their codes sit on the error, its cause, or an AggregateError's first error. */
export function classifyNetworkError(error: unknown, runSignal?: AbortSignal): NetworkFailure {
  type Coded = { name?: string; code?: string; cause?: Coded; errors?: Coded[] };
  const e = error as Coded | undefined;
  if (runSignal?.aborted) return { class: "aborted", reason: "aborted (the run's deadline was reached)" };
  if (e?.name === "TimeoutError" || e?.cause?.name === "TimeoutError") return { class: "timeout", reason: "timed out" };
  if (e?.name === "AbortError") return { class: "aborted", reason: "aborted" };
  const proxied = proxyFailureOf(error);
  if (proxied) return { class: "proxy", reason: proxied.message };
  const code = e?.cause?.code ?? e?.code ?? e?.errors?.[0]?.code ?? e?.cause?.errors?.[0]?.code;
  switch (code) {
    case "ENOTFOUND":
    case "EAI_AGAIN":
    case "EAI_NONAME":
      return { class: "dns", reason: `DNS lookup failed (${code})` };
    case "ECONNREFUSED":
      return { class: "refused", reason: "connection refused (ECONNREFUSED)" };
    case "ECONNRESET":
    case "EPIPE":
    case "UND_ERR_SOCKET":
      return { class: "reset", reason: `connection reset (${code})` };
    case "ETIMEDOUT":
    case "UND_ERR_CONNECT_TIMEOUT":
    case "UND_ERR_HEADERS_TIMEOUT":
      return { class: "timeout", reason: `timed out (${code})` };
    case undefined:
      return { class: "other", reason: "request failed" };
    default:
      if (/CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|EPROTO|ALTNAME/.test(code)) return { class: "tls", reason: `TLS error (${code})` };
      return { class: "other", reason: /^[A-Z0-9_]{2,40}$/.test(code) ? `network error (${code})` : "request failed" };
  }
}
