// One HTTP request with a per-call timeout inside the run's deadline and a cap
// on how much body we read, so a misbehaving backend can neither hang nor flood the gate.
import { gateFetch } from "../fetch.js";
import { proxyFailureOf } from "../proxy.js";
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
  class: "timeout" | "aborted" | "dns" | "refused" | "reset" | "tls" | "proxy" | "other";
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

const CALL_TIMEOUT_MS = 10_000;
/** Longest Retry-After we honour; longer waits are capped (and the run deadline still applies). */
const MAX_RETRY_AFTER_MS = 30_000;

export async function boundedFetch(
  url: string,
  options: { headers: Record<string, string>; signal: AbortSignal; bodyCap: number; method?: string; timeoutMs?: number },
): Promise<HttpOutcome> {
  const signal = AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs ?? CALL_TIMEOUT_MS)]);
  try {
    // Never follow a redirect: fetch would carry the ID token header to wherever it points.
    const response = await gateFetch(url, { method: options.method ?? "GET", headers: options.headers, signal, redirect: "manual" });
    const { body, truncated } = await readCapped(response, options.bodyCap);
    return {
      kind: "response",
      status: response.status,
      body,
      truncated,
      retryAfterMs: parseRetryAfter(response.headers.get("retry-after"), MAX_RETRY_AFTER_MS),
      ...(isRedirect(response.status) ? { redirectedTo: redirectTarget(response.headers.get("location"), url) } : {}),
    };
  } catch (error) {
    return { kind: "error", failure: classifyNetworkError(error, options.signal) };
  }
}

async function readCapped(response: Response, cap: number): Promise<{ body: string; truncated: boolean }> {
  if (!response.body) return { body: "", truncated: false };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  while (true) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size > cap) {
      truncated = true;
      break;
    }
  }
  await reader.cancel().catch(() => undefined);
  return { body: Buffer.concat(chunks).subarray(0, cap).toString("utf8"), truncated };
}

/** Classify fetch (undici) and ws errors alike; their codes sit on the error, its cause, or an AggregateError's first error. */
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
