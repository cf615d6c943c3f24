// The runtime probes of one service: /health, then the WebSocket with a token
// and without one. Each handshake outcome becomes a finding with its likely cause.
import type { ServiceRequirement } from "../manifest/load.js";
import type { Finding } from "../model.js";
import { probeHealth } from "./health.js";
import { type HandshakeOutcome, handshake, websocketUrl } from "./websocket.js";

export interface ProbeTarget {
  baseUrl: string;
  /** Token signed with the secret the revision references; undefined when it could not be minted. */
  token: string | undefined;
  /** Why there is no token (shown in the finding). */
  tokenNote: string | undefined;
  /** Token signed with a random key: a backend that accepts it does not verify signatures. */
  forgedToken: string | undefined;
}

export async function probeService(requirement: ServiceRequirement, target: ProbeTarget, signal: AbortSignal): Promise<Finding[]> {
  const findings: Finding[] = [];
  if (requirement.health) findings.push(...(await probeHealth(target.baseUrl, requirement.health, { signal })));
  const ws = requirement.websocket;
  if (!ws) return findings;
  const url = websocketUrl(target.baseUrl, ws.path);
  const location = { location: ws.location, subject: ws.path };
  const [withToken, withoutToken, forged] = await Promise.all([
    timed(() => handshake(url, ws, target.token, { signal })),
    ws.expect_refused_without_token ? handshake(url, ws, undefined, { signal }) : undefined,
    ws.expect_refused_without_token && target.forgedToken ? handshake(url, ws, target.forgedToken, { signal }) : undefined,
  ]);
  findings.push({ ...describeAuthorized(ws.path, withToken.outcome, target.tokenNote), ...location, duration_ms: withToken.ms });
  if (withoutToken)
    findings.push({ ...describeUnauthorized(ws.path, withoutToken, "without a token", "ws.open_without_token"), ...location });
  if (forged)
    findings.push({
      ...describeUnauthorized(ws.path, forged, "with a token signed by a wrong key", "ws.open_with_forged_token"),
      ...location,
    });
  return findings;
}

async function timed<T>(action: () => Promise<T>): Promise<{ outcome: T; ms: number }> {
  const started = performance.now();
  const outcome = await action();
  return { outcome, ms: Math.round(performance.now() - started) };
}

type Described = Pick<Finding, "id" | "status" | "message" | "hint" | "expected" | "found">;

function describeAuthorized(path: string, outcome: HandshakeOutcome, tokenNote: string | undefined): Described {
  const sent = tokenNote ? ` (${tokenNote})` : "";
  switch (outcome.kind) {
    case "open":
      return {
        id: "ws.connected",
        status: "pass",
        message: `WebSocket ${path} accepted the token and stayed open`,
        expected: "101",
        found: "101",
      };
    case "refused":
      return {
        id: "ws.rejected",
        status: "fail",
        message: `WebSocket ${path} upgrade was refused with HTTP ${outcome.status}${sent}`,
        hint: refusalCause(outcome.status),
        expected: "101 Switching Protocols",
        found: `HTTP ${outcome.status}`,
      };
    case "closed":
      return {
        id: "ws.closed",
        status: "fail",
        message: `WebSocket ${path} was accepted, then closed with code ${outcome.code}${outcome.reason ? ` ("${outcome.reason}")` : ""}${sent}`,
        hint: closeCause(outcome.code),
        expected: "stays open",
        found: `close ${outcome.code}`,
      };
    case "timeout":
      return {
        id: "ws.timeout",
        status: "fail",
        message: `WebSocket ${path} handshake timed out`,
        hint: "the backend is overloaded or the path is not a WebSocket endpoint; check the request timeout and concurrency",
      };
    case "network":
      return {
        id: "ws.network",
        status: "fail",
        message: `WebSocket ${path} could not connect: ${outcome.reason}`,
        hint: networkCause(outcome.reason),
      };
  }
}

function describeUnauthorized(path: string, outcome: HandshakeOutcome, how: string, failId: string): Described {
  if (outcome.kind === "open") {
    return {
      id: failId,
      status: "fail",
      message: `WebSocket ${path} accepted a handshake ${how}: the endpoint is open`,
      hint: "verify the token before accepting the upgrade",
    };
  }
  const found = outcome.kind === "refused" ? `HTTP ${outcome.status}` : outcome.kind === "closed" ? `close ${outcome.code}` : outcome.kind;
  return { id: `${failId}.refused`, status: "pass", message: `WebSocket ${path} refused a handshake ${how} (${found})`, found };
}

export function refusalCause(status: number): string {
  if (status === 401 || status === 403) {
    return "the backend did not accept the token: its JWT secret is missing or differs from the one the gate used, or it requires other claims (aud, iss); if Cloud Run IAM is on, the caller also needs roles/run.invoker";
  }
  if (status === 404) return "no WebSocket route at this path: check websocket.path and the deployed image";
  if (status === 426) return "the server wants a different protocol version or the upgrade was stripped by a proxy";
  if (status >= 500) return "the backend crashed handling the upgrade: check its logs for the revision";
  return "the backend refused the upgrade";
}

export function closeCause(code: number): string {
  if (code === 1006)
    return "closed without a close frame: the backend dropped the connection, typically after a failed call it makes while accepting (e.g. to an auth service without SERVICE_SECRET)";
  if (code === 1008) return "policy violation: the backend rejected the token after accepting (claims or signature)";
  if (code === 1011) return "the backend hit an internal error after accepting";
  return "the backend closed the socket right after accepting";
}

function networkCause(reason: string): string {
  if (reason.startsWith("DNS")) return "the host does not resolve: check the service URL or url input";
  if (reason.startsWith("TLS")) return "the certificate is not trusted: a custom domain without a valid certificate, or a proxy";
  if (reason.startsWith("connection refused")) return "nothing listens there: wrong URL or port";
  return "check the URL and network path";
}
