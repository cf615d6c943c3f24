// Cloud Run's own ways of breaking a probe that the container never sees: its
// front end answers paths ending in `z` itself, a port named h2c carries no
// WebSocket upgrade, and the request timeout cuts every session. Named, with
// the fix, so nobody debugs the app for them.
import type { ServiceRequirement } from "../manifest/load.js";
import type { Finding, RevisionConfig } from "../model.js";

/**
 * Google's front end reserves paths ending in `z` (/healthz, /readyz) and answers them with its
 * own HTML 404 ("That’s an error."), before any container sees the request.
 */
export function isGoogleFrontEnd404(path: string, status: number, body: string): boolean {
  const pathname = path.split(/[?#]/, 1)[0] ?? "";
  return (
    status === 404 && pathname.endsWith("z") && /That(?:’|&#8217;|')s an error\./.test(body) && /was not found on this server/.test(body)
  );
}

export function reservedPathHint(path: string): string {
  const pathname = path.split(/[?#]/, 1)[0] ?? path;
  return `Cloud Run's front end reserves paths ending in z and answered ${pathname} with Google's own 404; the container never saw it: serve the check on another path (e.g. ${pathname.replace(/z$/, "")} or ${pathname}/) and point the manifest at it`;
}

/** WebSocket failures a port named h2c explains: Cloud Run speaks HTTP/2 to the container, and an upgrade needs HTTP/1.1. */
const UPGRADE_FAILURES = new Set(["ws.rejected", "ws.closed", "ws.connection_reset", "ws.network", "ws.timeout"]);

export function cloudRunTraps(config: RevisionConfig, requirement: ServiceRequirement, websocket: readonly Finding[]): Finding[] {
  const ws = requirement.websocket;
  if (!ws) return [];
  const base = { subject: ws.path, location: ws.location };
  const findings: Finding[] = [];
  const failed = websocket.find((finding) => UPGRADE_FAILURES.has(finding.id) && finding.status === "fail");
  if (config.ingressPortName === "h2c" && failed) {
    findings.push({
      ...base,
      id: "ws.h2c_port",
      status: "fail",
      message: `the WebSocket upgrade failed (${failed.id}) and the revision's port is named h2c: Cloud Run sends requests to the container over HTTP/2 cleartext, which has no Upgrade`,
      hint: "WebSockets need HTTP/1.1 to the container: deploy with --no-use-http2 (the port named http1), or drop `name: h2c` from the service YAML's port",
      found: "h2c",
    });
  }
  const timeout = config.requestTimeoutSeconds;
  if (timeout !== undefined && timeout * 1000 < ws.observe_ms) {
    findings.push({
      ...base,
      id: "ws.request_timeout_short",
      status: "warn",
      message: `the revision's request timeout (${timeout}s) is shorter than the WebSocket session the manifest expects (observe_ms ${ws.observe_ms} ms): Cloud Run closes every socket at the timeout`,
      hint: "raise it with --timeout (up to 3600s) and have clients reconnect, or lower websocket.observe_ms",
      expected: `>= ${Math.ceil(ws.observe_ms / 1000)}s`,
      found: `${timeout}s`,
    });
  }
  return findings;
}
