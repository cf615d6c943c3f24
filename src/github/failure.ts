// How a GitHub API failure is told apart and described. Octokit's errors carry
// the request (headers redacted by Octokit, but still more than a log needs),
// so only the status and GitHub's one-line message are ever printed.

import { deferCut } from "../cut.js";
import { foreignStatus } from "../errors.js";
import { certificateErrorCode, PROXY_HINT, proxyFailureOf, UNTRUSTED_CERTIFICATE_HINT } from "../proxy.js";

export function statusOf(error: unknown): number | undefined {
  return foreignStatus(error);
}

/**
 * The token cannot write here: a pull_request run from a fork (read-only
 * GITHUB_TOKEN), or a workflow without `pull-requests: write` / `checks: write`.
 */
export function isReadOnlyToken(error: unknown): boolean {
  return statusOf(error) === 403 && /not accessible by integration|must have (admin|push|write) access/i.test(gitHubMessage(error));
}

export function describeGitHubError(error: unknown): string {
  // Octokit reports a failed fetch as HTTP 500: the network path comes first, with what to check.
  const proxied = proxyFailureOf(error);
  if (proxied) return `${proxied.message}; ${PROXY_HINT}`;
  const certificate = certificateErrorCode(error);
  if (certificate) return `TLS error (${certificate}); ${UNTRUSTED_CERTIFICATE_HINT}`;
  const status = statusOf(error);
  // Cut after redaction (src/cut.ts): GitHub may echo what it was sent, and the log wrapper redacts first.
  const message = deferCut(gitHubMessage(error).split(/\r?\n/, 1)[0] ?? "", 200);
  if (status === undefined) return error instanceof Error && error.name === "AbortError" ? "timed out" : message || "network error";
  if (status === 500 && /abort|timeout/i.test(message)) return "timed out";
  return `HTTP ${status}${message ? `: ${message}` : ""}`;
}

function gitHubMessage(error: unknown): string {
  const data = (error as { response?: { data?: unknown } } | null)?.response?.data;
  const fromBody = (data as { message?: unknown } | null)?.message;
  if (typeof fromBody === "string") return fromBody;
  return error instanceof Error ? error.message : "";
}
