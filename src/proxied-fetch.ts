// Its own bundle (dist/proxied-fetch.js), loaded by ./fetch.ts only when a
// request goes through a proxy: undici's fetch with undici's ProxyAgent (one
// version, never Node's bundled fetch with npm undici's dispatcher).
// proxyTunnel: every request, http:// too, goes through a CONNECT tunnel, so
// the proxy never sees a request's headers (Authorization, the ID token).
import { fetch, ProxyAgent } from "undici";
import { checkProxyUrl, ProxyFailure, proxyOrigin, proxyStatusReason } from "./proxy.js";

const agents = new Map<string, ProxyAgent>();

export async function proxiedFetch(url: string, init: RequestInit | undefined, proxy: string): Promise<Response> {
  try {
    checkProxyUrl(proxy, url);
  } catch (failure) {
    throw new TypeError("fetch failed", { cause: failure });
  }
  let agent = agents.get(proxy);
  if (!agent) {
    agent = new ProxyAgent({ uri: proxy, proxyTunnel: true });
    agents.set(proxy, agent);
  }
  try {
    const response = await fetch(url, { ...(init as Parameters<typeof fetch>[1]), dispatcher: agent });
    return response as unknown as Response;
  } catch (error) {
    const failure = proxyFailure(error, url, proxy);
    if (!failure) throw error;
    // Shaped as fetch's own failures (TypeError, the reason as cause), so callers classify it as they do those.
    throw new TypeError("fetch failed", { cause: failure });
  }
}

/** A failure of the proxy hop (refused, 407, no tunnel), as opposed to the target's (TLS, reset) or our own abort. */
function proxyFailure(error: unknown, url: string, proxy: string): ProxyFailure | undefined {
  const target = new URL(url).origin;
  const shown = proxyOrigin(proxy);
  const proxyUrl = new URL(proxy);
  const proxyPort = Number(proxyUrl.port) || (proxyUrl.protocol === "https:" ? 443 : 80);
  type Cause = { cause?: unknown; code?: unknown; message?: unknown; port?: unknown; hostname?: unknown };
  // fetch's TypeError → (a DOMException) → undici's own error: the reason sits a level or two down.
  let cause = (error as Cause | undefined)?.cause as Cause | undefined;
  for (let depth = 0; depth < 4 && cause && typeof cause === "object"; depth++, cause = cause.cause as Cause | undefined) {
    const status = /Proxy response \((\d{3})\) !== 200/.exec(String(cause.message ?? ""));
    if (status) return new ProxyFailure(target, shown, proxyStatusReason(Number(status[1])));
    const code = typeof cause.code === "string" ? cause.code : undefined;
    const atProxy = cause.port === proxyPort || (code === "ENOTFOUND" && cause.hostname === proxyUrl.hostname);
    if (code && atProxy && /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH)$/.test(code)) {
      return new ProxyFailure(target, shown, code === "ECONNREFUSED" ? "connection refused (ECONNREFUSED)" : `network error (${code})`);
    }
  }
  return undefined;
}
