// Every way a handshake can end, as a finding with a stable id and the cause a
// person should check first. "403" alone cost the team hours each time.
import type { Finding } from "../model.js";
import { PROXY_HINT, UNTRUSTED_CERTIFICATE_HINT } from "../proxy.js";
import type { NetworkFailure } from "./http.js";
import { type HandshakeOutcome, type HandshakeSpec, wasAccepted } from "./websocket.js";

export type Described = Pick<Finding, "id" | "status" | "message" | "hint" | "expected" | "found">;

/** The handshake a real client makes, with the token signed by the deployed secret. */
export function describeAuthorized(path: string, outcome: HandshakeOutcome, tokenNote: string | undefined): Described[] {
  const sent = tokenNote ? ` (${tokenNote})` : "";
  switch (outcome.kind) {
    case "open":
      return [
        {
          id: "ws.connected",
          status: "pass",
          message: `WebSocket ${path} accepted the token and stayed open`,
          expected: "101",
          found: "101",
        },
        ...describeReply(path, outcome),
      ];
    case "refused":
      return [
        {
          id: "ws.rejected",
          status: "fail",
          message: `WebSocket ${path} upgrade was refused with HTTP ${outcome.status}${outcome.redirectedTo ? `, a redirect to ${outcome.redirectedTo} (not followed: the tokens stay with the probed URL)` : ""}${sent}${outcome.bodyExcerpt ? `; the server said: "${outcome.bodyExcerpt}"` : ""}`,
          hint: refusalCause(outcome.status),
          expected: "101 Switching Protocols",
          found: `HTTP ${outcome.status}`,
        },
      ];
    case "closed":
      return [
        {
          id: "ws.closed",
          status: "fail",
          message: `WebSocket ${path} was accepted, then closed with code ${outcome.code}${outcome.reason ? ` ("${outcome.reason}")` : ""} after ${outcome.afterMs} ms${sent}`,
          hint: closeCause(outcome.code),
          expected: "stays open",
          found: `close ${outcome.code}`,
        },
      ];
    case "timeout":
      return [
        {
          id: "ws.timeout",
          status: "fail",
          message: `WebSocket ${path} handshake timed out`,
          hint: "the backend is overloaded or the path is not a WebSocket endpoint; check the request timeout and concurrency",
          found: "timeout",
        },
      ];
    case "network":
      return [networkFinding(path, outcome.failure)];
  }
}

function describeReply(path: string, outcome: Extract<HandshakeOutcome, { kind: "open" }>): Described[] {
  const findings: Described[] = [];
  if (outcome.reply?.kind === "matched") {
    findings.push({ id: "ws.reply", status: "pass", message: `WebSocket ${path} answered the first message as expected` });
  } else if (outcome.reply?.kind === "mismatch") {
    findings.push({
      id: "ws.reply_mismatch",
      status: "fail",
      message: `WebSocket ${path} answered the first message with "${outcome.reply.excerpt}", which lacks the expected text`,
      hint: "compare websocket.expect_reply with what the deployed backend sends",
    });
  } else if (outcome.reply?.kind === "none") {
    findings.push({
      id: "ws.no_reply",
      status: "fail",
      message: `WebSocket ${path} sent no reply to the first message within the timeout`,
      hint: "the backend accepted the socket but does not process messages: check its logs (a dependency it calls per message?)",
    });
  }
  if (!outcome.cleanClose) {
    findings.push({
      id: "ws.close_unclean",
      status: "warn",
      message: `WebSocket ${path} did not answer the close frame; clients will see 1006 when they disconnect`,
    });
  }
  return findings;
}

/**
 * A probe that must be refused (no token, a forged or expired token, …): being let in is the failure.
 * `spec` decides what "let in" means for token_in: message (wasAccepted); `hint` says what to check.
 */
export function describeUnauthorized(
  path: string,
  outcome: HandshakeOutcome,
  how: string,
  failId: string,
  more: { spec?: HandshakeSpec; hint?: string } = {},
): Described {
  if (outcome.kind === "open" && (!more.spec || wasAccepted(outcome, more.spec))) {
    const replied = outcome.reply?.kind === "matched" ? "answered as to a valid token" : "stayed open";
    return {
      id: failId,
      status: "fail",
      // The refusals without a valid token find an open endpoint; the negative ones, one check skipped.
      message: `WebSocket ${path} accepted a handshake ${how}: ${more.hint ? "it" : "the endpoint is open, it"} ${replied}`,
      hint: more.hint ?? "verify the token (signature, exp, claims) before accepting the upgrade",
      expected: "refused",
      found: `101, ${replied}`,
    };
  }
  if (outcome.kind === "open") {
    const found = outcome.reply?.kind === "mismatch" ? "an error reply" : "no reply";
    return { id: `${failId}.refused`, status: "pass", message: `WebSocket ${path} refused a handshake ${how} (${found})`, found };
  }
  if (outcome.kind === "refused" || outcome.kind === "closed") {
    const found = outcome.kind === "refused" ? `HTTP ${outcome.status}` : `close ${outcome.code}`;
    return { id: `${failId}.refused`, status: "pass", message: `WebSocket ${path} refused a handshake ${how} (${found})`, found };
  }
  return {
    id: `${failId}.unknown`,
    status: "skip",
    message: `could not tell whether WebSocket ${path} refuses a handshake ${how}: ${outcome.kind === "timeout" ? "timed out" : outcome.failure.reason}`,
  };
}

function networkFinding(path: string, failure: NetworkFailure): Described {
  const ids: Record<NetworkFailure["class"], string> = {
    dns: "ws.dns_error",
    tls: "ws.tls_error",
    refused: "ws.connection_refused",
    reset: "ws.connection_reset",
    timeout: "ws.timeout",
    aborted: "ws.aborted",
    proxy: "ws.proxy_error",
    request: "ws.request_invalid",
    other: "ws.network",
  };
  const hints: Record<NetworkFailure["class"], string> = {
    dns: "the host does not resolve: check the service URL, the tag, or the url input",
    tls: UNTRUSTED_CERTIFICATE_HINT,
    refused: "nothing listens there: wrong URL or port",
    reset: "the connection was cut: a proxy or load balancer in the path, or the instance crashed",
    timeout: "the backend did not answer in time",
    aborted: "the run's timeout was reached; raise the timeout input",
    proxy: PROXY_HINT,
    request:
      "check websocket.token_name: as a header name or a subprotocol it must be an HTTP token (letters, digits and !#$%&'*+-.^_`|~, no spaces)",
    other: "check the URL and network path",
  };
  return {
    id: ids[failure.class],
    // A deadline, the runner's proxy or a request never sent: nothing was learnt about the revision.
    status: failure.class === "aborted" || failure.class === "proxy" || failure.class === "request" ? "error" : "fail",
    message: `WebSocket ${path} could not connect: ${failure.reason}`,
    hint: hints[failure.class],
    found: failure.class,
  };
}

export function refusalCause(status: number): string {
  if (status === 401 || status === 403) {
    return "the backend did not accept the token: its JWT secret is missing or differs from the one the gate used, or it requires other claims (aud, iss); if Cloud Run IAM is on, the caller also needs roles/run.invoker";
  }
  if (status === 404) return "no WebSocket route at this path: check websocket.path and the deployed image";
  if (status === 426) return "the server wants a different protocol version or the upgrade was stripped by a proxy";
  if (status >= 300 && status < 400) return "the upgrade was redirected (a login page or a trailing-slash redirect?): probe the final URL";
  if (status >= 500) return "the backend failed handling the upgrade: check its logs for this revision";
  return "the backend refused the upgrade";
}

export function closeCause(code: number): string {
  if (code === 1006)
    return "closed without a close frame: the backend dropped the connection, typically after a failed call it makes while accepting (e.g. to an auth service without SERVICE_SECRET)";
  if (code === 1008) return "policy violation: the backend rejected the token after accepting (claims or signature)";
  if (code === 1011) return "the backend hit an internal error after accepting";
  if (code === 1000 || code === 1001)
    return "the backend ended the session right after accepting: it may expect a first message or reject the session in app logic";
  return "the backend closed the socket right after accepting";
}
