// Which proxy a request goes through: the one decision every client the gate
// has (gaxios for Google, fetch for GitHub and the probes, ws for the socket)
// takes its agent from, so HTTPS_PROXY / HTTP_PROXY / NO_PROXY mean the same
// thing for every request on Node 20 and Node 24. The rules are those of
// Node 24's own NODE_USE_ENV_PROXY fetch (undici's EnvHttpProxyAgent), which
// is what a runner's other Node tools follow; gaxios's own NO_PROXY rules
// (substring matches, no ports) and Node 20's lack of any are never used.

type Env = Readonly<Record<string, string | undefined>>;

const DEFAULT_PORTS: Record<string, number> = { "http:": 80, "https:": 443, "ws:": 80, "wss:": 443 };

/** The variables the gate reads, lower case first: the lower-case name wins when both are set, as in curl, Node and undici. */
export const PROXY_VARIABLES = ["https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY", "no_proxy", "NO_PROXY"] as const;

/**
 * The proxy URL for a request to `url`, or undefined to connect directly.
 * - http:// and ws:// use http_proxy / HTTP_PROXY; https:// and wss:// use https_proxy / HTTPS_PROXY,
 *   falling back to the HTTP proxy. An empty variable counts as unset; `host:port` means `http://host:port`.
 * - NO_PROXY (no_proxy first), entries split on commas and white space, case-insensitive:
 *   `*` bypasses every host; `name` or an IP only that exact host; `.suffix` and `*.suffix` every host
 *   ending in `.suffix` (not `suffix` itself); `entry:port` only on that port (the scheme's default
 *   port counts); IPv6 with or without brackets (`[::1]`, `::1`, `[::1]:8080`).
 * - No implicit bypass, not even for loopback: NO_PROXY alone decides.
 */
export function proxyFor(url: string | URL, env: Env = process.env): string | undefined {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return undefined;
  }
  const secure = target.protocol === "https:" || target.protocol === "wss:";
  if (!secure && target.protocol !== "http:" && target.protocol !== "ws:") return undefined;
  const proxy = secure ? first(env.https_proxy, env.HTTPS_PROXY, env.http_proxy, env.HTTP_PROXY) : first(env.http_proxy, env.HTTP_PROXY);
  if (proxy === undefined) return undefined;
  const port = Number(target.port) || DEFAULT_PORTS[target.protocol] || 0;
  if (bypassed(target.hostname.toLowerCase(), port, first(env.no_proxy, env.NO_PROXY) ?? "")) return undefined;
  return withScheme(proxy);
}

/** `proxy.corp:3128` without a scheme means http://, as in curl. */
function withScheme(proxy: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(proxy) ? proxy : `http://${proxy}`;
}

function first(...values: Array<string | undefined>): string | undefined {
  return values.find((value) => value !== undefined && value.trim() !== "")?.trim();
}

function bypassed(hostname: string, port: number, noProxy: string): boolean {
  for (const raw of noProxy.split(/[,\s]+/)) {
    const entry = parseEntry(raw.toLowerCase());
    if (!entry) continue;
    if (entry.host === "*") return true;
    if (entry.port !== 0 && entry.port !== port) continue;
    if (entry.host.startsWith(".") || entry.host.startsWith("*")) {
      if (hostname.endsWith(entry.host.replace(/^\*/, ""))) return true;
    } else if (hostname === entry.host) return true;
  }
  return false;
}

/** `host`, `host:port`, `[v6]`, `[v6]:port` or a bare IPv6 address (more than one colon: no port). */
function parseEntry(entry: string): { host: string; port: number } | undefined {
  if (entry === "") return undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return { host: `[${bracketed[1]}]`, port: Number(bracketed[2] ?? 0) };
  if ((entry.match(/:/g) ?? []).length > 1) return { host: `[${entry}]`, port: 0 };
  const withPort = /^(.+):(\d+)$/.exec(entry);
  return withPort ? { host: withPort[1] ?? "", port: Number(withPort[2]) } : { host: entry, port: 0 };
}

/** `http://host:port` of a proxy URL: what a log or an error may say about it (its userinfo is a credential). */
export function proxyOrigin(proxy: string): string {
  try {
    const url = new URL(withScheme(proxy));
    return url.origin === "null" ? "the proxy" : url.origin;
  } catch {
    return "the proxy (an invalid URL)";
  }
}

/**
 * Refuse a proxy URL no client can use, as a ProxyFailure for `target` (every client's classifier
 * knows it): not a URL (`http://u:pa/ss@host`, a port past 65535) or not an http(s) proxy. Left to
 * the clients, the URL parser's TypeError escaped the WebSocket probe and ended the run, and Google's
 * calls blamed the endpoint. Neither the URL nor any part of it is shown: it may hold a password.
 */
export function checkProxyUrl(proxy: string, target: string | URL): void {
  let url: URL | undefined;
  try {
    url = new URL(withScheme(proxy));
  } catch {
    url = undefined;
  }
  if (url && (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "") return;
  let origin = "the endpoint";
  try {
    origin = new URL(target).origin;
  } catch {
    // the target's origin is only for the message
  }
  throw new ProxyFailure(
    origin,
    "(from HTTPS_PROXY / HTTP_PROXY)",
    url
      ? `only http:// and https:// proxies are supported, not ${url.protocol.slice(0, 20)}//`
      : "its URL is not a valid URL (not shown: it may hold a password)",
  );
}

/** The passwords inside the proxy URLs of `env` (as written and decoded), for the run's redactor. */
export function proxyPasswords(env: Env = process.env): string[] {
  const found = new Set<string>();
  for (const name of PROXY_VARIABLES.slice(0, 4)) {
    const value = env[name];
    if (!value) continue;
    try {
      const { password } = new URL(withScheme(value.trim()));
      if (password === "") continue;
      found.add(password);
      found.add(safeDecode(password));
    } catch {
      // Not a URL: the clients refuse it; nothing in it is shown either (see proxyOrigin).
    }
  }
  return [...found];
}

/** What the log says about the proxies in use (origins only): nothing when none is set. */
export function describeProxies(env: Env = process.env): string | undefined {
  const https = first(env.https_proxy, env.HTTPS_PROXY, env.http_proxy, env.HTTP_PROXY);
  const http = first(env.http_proxy, env.HTTP_PROXY);
  if (https === undefined && http === undefined) return undefined;
  const noProxy = first(env.no_proxy, env.NO_PROXY);
  const parts = [
    https === undefined ? "https:// directly" : `https:// via proxy ${proxyOrigin(https)}`,
    http === undefined ? "http:// directly" : `http:// via proxy ${proxyOrigin(http)}`,
  ];
  return `Network: ${parts.join(", ")}${
    noProxy === undefined
      ? ""
      : `; NO_PROXY hosts directly: ${noProxy
          .split(/[,\s]+/)
          .filter(Boolean)
          .join(", ")}`
  }`;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * A failure on the way through the proxy: it refused the connection, asked for credentials (407), or
 * would not open the tunnel. Carries `code` so every client's error classifier can tell it apart.
 */
export class ProxyFailure extends Error {
  readonly code = "EPROXY";
  constructor(
    /** The origin the request was for. */
    readonly target: string,
    /** The proxy's origin (no userinfo). */
    readonly proxy: string,
    /** What went wrong, short: `HTTP 407 (proxy authentication required)`, `connection refused (ECONNREFUSED)`. */
    readonly reason: string,
  ) {
    super(`the proxy ${proxy} failed the request to ${target}: ${reason}`);
    this.name = "ProxyFailure";
  }
}

/**
 * Failures the tunnel agent saw, by `host:port`: a fetch that keeps only an error's code when it
 * wraps it (node-fetch does) is matched back here by the URL its error carries. Google's transport
 * (gcp/transport.ts) keeps the failure itself as the error's `cause`.
 */
const recentFailures = new Map<string, ProxyFailure>();

export function recordProxyFailure(failure: ProxyFailure, hostPort: string): void {
  recentFailures.set(hostPort.toLowerCase(), failure);
}

/**
 * The proxy failure inside an error (on it or down its causes), if that is what it is. An error that
 * lost the failure but kept its code (EPROXY) is matched by its request's URL (`config.url`, gaxios).
 */
export function proxyFailureOf(error: unknown): ProxyFailure | undefined {
  let current = error as { cause?: unknown; error?: unknown; code?: unknown } | undefined;
  let coded = false;
  for (let depth = 0; depth < 6 && current && typeof current === "object"; depth++) {
    if (current instanceof ProxyFailure) return current;
    if (current.code === "EPROXY") {
      // One from dist/proxied-fetch.js is the same class from another bundle: known by its shape.
      const { target, proxy, reason } = current as { target?: unknown; proxy?: unknown; reason?: unknown };
      if (typeof target === "string" && typeof proxy === "string" && typeof reason === "string")
        return new ProxyFailure(target, proxy, reason);
      coded = true;
    }
    current = (current.cause ?? current.error) as typeof current;
  }
  if (!coded) return undefined;
  const url = (error as { config?: { url?: unknown } } | undefined)?.config?.url;
  let target: URL | undefined;
  try {
    target = url === undefined ? undefined : new URL(String(url));
  } catch {
    target = undefined;
  }
  if (!target) return new ProxyFailure("the endpoint", "(from HTTPS_PROXY)", "failed");
  const port = Number(target.port) || DEFAULT_PORTS[target.protocol] || 0;
  const recorded = recentFailures.get(`${target.hostname.toLowerCase()}:${port}`);
  if (recorded) return recorded;
  const proxy = proxyFor(target);
  return new ProxyFailure(target.origin, proxy === undefined ? "(from HTTPS_PROXY)" : proxyOrigin(proxy), "failed");
}

/** The code of a certificate failure (a private CA, a TLS-inspecting proxy), if that is what `error` is. */
export function certificateErrorCode(error: unknown): string | undefined {
  let current = error as { cause?: unknown; code?: unknown } | undefined;
  for (let depth = 0; depth < 6 && current && typeof current === "object"; depth++) {
    const code = current.code;
    if (typeof code === "string" && /^[A-Z0-9_]{2,60}$/.test(code) && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME/.test(code)) return code;
    current = current.cause as typeof current;
  }
  return undefined;
}

/** What to do about a certificate the runner does not trust. */
export const UNTRUSTED_CERTIFICATE_HINT =
  "the certificate is not trusted by the runner: a TLS-inspecting proxy or a private endpoint signed by your own CA (set NODE_EXTRA_CA_CERTS to that CA's PEM file), or a custom domain without a valid certificate";

/** What the user checks when the proxy is the problem. */
export const PROXY_HINT =
  "check HTTPS_PROXY / HTTP_PROXY (address, port, credentials) and NO_PROXY (hosts that must be reached directly) in the runner's environment";

/** The reason for a proxy's non-200 answer to CONNECT. */
export function proxyStatusReason(status: number): string {
  if (status === 407) return "HTTP 407 (the proxy wants credentials, or refused the ones in the proxy URL)";
  return `HTTP ${status} (the proxy refused to open a tunnel)`;
}
