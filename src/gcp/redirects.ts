// A credential goes only to the endpoint it was minted for. Every request to
// Google carries one (a bearer token, the GitHub OIDC subject token, a signed
// key assertion). gaxios's default fetch (node-fetch) follows 3xx: it keeps the
// Authorization header when only the port changes and re-posts the body on
// 307/308. The gate's transport (./transport.ts) follows none, and this says so
// to gaxios too, whatever fetch it is given. No Google endpoint the gate calls answers with a redirect,
// so one means a proxy, a hijacked DNS name or a wrong *_endpoint input: the
// gate never follows it, and says where it was sent.
import type { gaxios } from "google-auth-library";

/** The fetch option that returns a 3xx as it is instead of following it. */
export const NO_REDIRECTS = { redirect: "manual" } as const;

/**
 * Make a client's transporter refuse every redirect, whatever options a request
 * (ours or google-auth-library's own token calls) brings: the interceptor runs
 * on the merged options, just before the request is sent.
 */
export function refuseRedirects(transporter: gaxios.Gaxios): void {
  transporter.interceptors.request.add({
    resolved: async (config) => {
      config.redirect = NO_REDIRECTS.redirect;
      const accept = config.validateStatus;
      // A 3xx is then the answer; make sure it fails the call rather than passing as data.
      config.validateStatus = (status) => !isRedirectStatus(status) && (accept ? accept(status) : status >= 200 && status < 300);
      return config;
    },
  });
}

export interface Redirect {
  status: number;
  /** Origin of the endpoint that answered (scheme://host:port): it is ours, from the inputs or Google's. */
  from: string;
  /** Origin the answer pointed at, or a phrase when it had no usable Location. Never its path or query. */
  to: string;
}

/** The redirect a failed call got, if that is why it failed. */
export function redirectOf(error: unknown): Redirect | undefined {
  const e = error as { config?: { url?: unknown }; response?: { status?: unknown; headers?: unknown } } | undefined;
  const status = e?.response?.status;
  if (typeof status !== "number" || !isRedirectStatus(status)) return undefined;
  const from = originOf(e?.config?.url);
  const headers = e?.response?.headers as { get?: (name: string) => unknown } | Record<string, unknown> | undefined;
  const location =
    typeof (headers as { get?: unknown })?.get === "function"
      ? (headers as { get: (name: string) => unknown }).get("location")
      : (headers as Record<string, unknown> | undefined)?.location;
  let to = "no Location";
  if (typeof location === "string" && location !== "") {
    to = originOf(location, from) ?? "an invalid Location";
    if (from !== undefined && to === from) to = `${to} (the same origin)`;
  }
  return { status, from: from ?? "the endpoint", to };
}

/** `HTTP 302 redirect to http://host:port`, for messages: origins only, so no token in a query rides along. */
export function describeRedirect(redirect: Redirect): string {
  return `HTTP ${redirect.status}, a redirect to ${redirect.to}; the gate never follows a redirect with credentials, so nothing was sent there`;
}

function isRedirectStatus(status: number): boolean {
  return status >= 300 && status < 400;
}

function originOf(url: unknown, base?: string): string | undefined {
  if (typeof url !== "string" && !(url instanceof URL)) return undefined;
  try {
    const parsed = new URL(url, base);
    return parsed.origin === "null" ? undefined : parsed.origin;
  } catch {
    return undefined;
  }
}
