// gaxios errors carry the request (with its Authorization header) and the
// response body. We keep only the HTTP status and Google's status word, so no
// token or payload can ride an error message out of the gate.
import { GateError, GcpError } from "../errors.js";
import { certificateErrorCode, PROXY_HINT, proxyFailureOf, UNTRUSTED_CERTIFICATE_HINT } from "../proxy.js";

export interface ApiFailure {
  status: number | undefined;
  /** Google's canonical status (`NOT_FOUND`, `PERMISSION_DENIED`, ...) when the body had one. */
  reason: string | undefined;
  timedOut: boolean;
}

export function apiFailure(error: unknown): ApiFailure {
  const e = error as { status?: unknown; code?: unknown; name?: unknown; response?: { status?: unknown; data?: unknown } };
  const status = typeof e?.response?.status === "number" ? e.response.status : typeof e?.status === "number" ? e.status : undefined;
  const data = e?.response?.data as { error?: { status?: unknown } } | undefined;
  const reason = typeof data?.error?.status === "string" && /^[A-Z_]{1,40}$/.test(data.error.status) ? data.error.status : undefined;
  const timedOut = e?.name === "AbortError" || e?.code === "ETIMEDOUT" || e?.code === "ABORT_ERR";
  return { status, reason, timedOut };
}

/** Wrap a failed call as the gate's own error, naming what was being read. */
export function apiError(error: unknown, what: string, principalHint?: string): GateError {
  if (error instanceof GateError) return error;
  const path = networkPathError(error, what);
  if (path) return path;
  const { status, reason, timedOut } = apiFailure(error);
  // A 2xx that still failed: the body was too large (maxContentLength) or could not be read.
  const detail =
    status && status < 300
      ? `HTTP ${status} with an unreadable or oversized body`
      : status
        ? `HTTP ${status}${reason ? ` ${reason}` : ""}`
        : timedOut
          ? "timed out"
          : networkCode(error);
  if (status === 404)
    return new GcpError(`${what}: not found (${detail})`, { code: "GCP_NOT_FOUND", hint: "check the name, project and region" });
  if (status === 401 || status === 403) {
    return new GcpError(`${what}: permission denied (${detail})`, {
      code: "GCP_PERMISSION_DENIED",
      hint: principalHint ?? "grant the gate's identity read access (roles/run.viewer, roles/secretmanager.viewer)",
    });
  }
  return new GcpError(`${what}: ${detail}`, { code: "GCP_UNAVAILABLE", hint: "retry; if it persists check the endpoint and network" });
}

function networkCode(error: unknown): string {
  const code = (error as { code?: unknown; cause?: { code?: unknown } })?.code ?? (error as { cause?: { code?: unknown } })?.cause?.code;
  return typeof code === "string" && /^[A-Z_]{2,30}$/.test(code) ? `network error ${code}` : "request failed";
}

/** The runner's proxy or an untrusted certificate: the network between the gate and Google, not Google's answer. */
export function networkPathError(error: unknown, what: string): GateError | undefined {
  const proxied = proxyFailureOf(error);
  if (proxied) return new GcpError(`${what}: ${proxied.message}`, { code: "GCP_UNAVAILABLE", hint: PROXY_HINT });
  const certificate = certificateErrorCode(error);
  if (certificate)
    return new GcpError(`${what}: TLS error (${certificate})`, { code: "GCP_UNAVAILABLE", hint: UNTRUSTED_CERTIFICATE_HINT });
  return undefined;
}
