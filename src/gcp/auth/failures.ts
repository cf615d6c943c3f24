// Turning a failed token call into a message that names the fix. gaxios errors
// carry the request (headers, form body with the subject token or assertion)
// and the response body, so we read only numbers and Google's short error
// codes out of them, and never keep the error itself as a cause.
import { DeadlineError, GateError } from "../../errors.js";
import { certificateErrorCode, PROXY_HINT, proxyFailureOf, UNTRUSTED_CERTIFICATE_HINT } from "../../proxy.js";
import { describeRedirect, redirectOf } from "../redirects.js";
import { authError } from "./credential-file.js";

export type AuthStage = "oidc" | "sts" | "impersonation" | "oauth" | "id_token";

export interface FailureContext {
  /** The URLs this attempt calls, so a failure can be pinned to its step. */
  stages: Array<[AuthStage, string]>;
  serviceAccount: string | undefined;
  /** `projects/N/locations/global/workloadIdentityPools/P/providers/X`, when known. */
  provider: string | undefined;
  /** `owner/repo` (GITHUB_REPOSITORY), for the IAM binding hint. */
  repository: string | undefined;
  timeoutMs: number;
}

interface Facts {
  status: number | undefined;
  /** OAuth `error` (invalid_grant) or Google `error.status` (PERMISSION_DENIED), when well-formed. */
  reason: string | undefined;
  timedOut: boolean;
  network: string | undefined;
  url: URL | undefined;
}

export function authFailure(error: unknown, context: FailureContext, signal: AbortSignal): GateError {
  if (error instanceof GateError) return error;
  if (signal.aborted) {
    return new DeadlineError("authentication to Google Cloud did not finish before the deadline", {
      hint: "raise timeout, or check the STS / IAM Credentials endpoints are reachable",
    });
  }
  const facts = factsOf(error);
  const stage = stageOf(facts.url, context.stages);
  const proxied = proxyFailureOf(error);
  if (proxied) return authError(`${STAGE_NAMES[stage ?? "unknown"][0]}: ${proxied.message}`, PROXY_HINT);
  const certificate = certificateErrorCode(error);
  if (certificate) {
    return authError(
      `${STAGE_NAMES[stage ?? "unknown"][0]} at ${facts.url?.host ?? "the endpoint"}: TLS error (${certificate})`,
      UNTRUSTED_CERTIFICATE_HINT,
    );
  }
  const redirect = redirectOf(error);
  if (redirect) {
    return authError(
      `${STAGE_NAMES[stage ?? "unknown"][0]} at ${redirect.from} answered ${describeRedirect(redirect)}`,
      `token endpoints never redirect: check ${STAGE_NAMES[stage ?? "unknown"][1]} and the runner's proxy (HTTPS_PROXY)`,
    );
  }
  const detail = describe(facts, context.timeoutMs);
  const host = facts.url?.host ?? "the endpoint";
  const sa = context.serviceAccount ?? "the service account";
  const transient = facts.status === undefined || facts.status >= 500 || facts.status === 429;

  switch (stage) {
    case "oidc":
      if (facts.status === 401 || facts.status === 403) {
        return authError(
          `GitHub refused to issue an OIDC token (${detail})`,
          "the job needs `permissions: id-token: write`; if it has it, re-run the job (the request token expires)",
        );
      }
      return authError(
        `requesting the GitHub OIDC token from ${host} failed (${detail})`,
        "retry; GitHub's token service may be unavailable",
      );
    case "sts": {
      const provider = context.provider ?? "the workload identity provider";
      if (facts.reason === "invalid_target" || (facts.status === 404 && !transient)) {
        return authError(
          `STS does not know workload identity provider ${provider} (${detail})`,
          "set workload_identity_provider to the full name projects/PROJECT_NUMBER/locations/global/workloadIdentityPools/POOL/providers/PROVIDER (project number, not id); the provider must exist and be enabled",
        );
      }
      if (
        facts.reason === "invalid_grant" ||
        facts.reason === "unauthorized_client" ||
        facts.status === 400 ||
        facts.status === 401 ||
        facts.status === 403
      ) {
        return authError(
          `STS rejected the GitHub OIDC token for ${provider} (${detail})`,
          "check the provider's issuer (https://token.actions.githubusercontent.com), allowed audiences and attribute condition accept this repository and workflow",
        );
      }
      return authError(`STS token exchange at ${host} failed (${detail})`, "retry; if you set sts_endpoint, check it");
    }
    case "impersonation":
    case "id_token": {
      const action = stage === "impersonation" ? "impersonate" : "mint an ID token as";
      if (facts.status === 403) {
        return authError(`not allowed to ${action} ${sa} (${detail})`, grantHint(context, stage));
      }
      if (facts.status === 404)
        return authError(`service account ${sa} was not found (${detail})`, "check service_account: the email and its project");
      if (facts.status === 401) {
        return authError(
          `IAM Credentials did not accept the federated token to ${action} ${sa} (${detail})`,
          "check the workload identity provider and retry",
        );
      }
      return authError(
        `IAM Credentials at ${host} failed to ${action} ${sa} (${detail})`,
        "retry; if you set iam_credentials_endpoint, check it; the IAM Credentials API must be enabled",
      );
    }
    case "oauth":
      if (!transient) {
        return authError(
          `the OAuth token endpoint rejected the service account key for ${sa} (${detail})`,
          "the key may be deleted or disabled, or the runner's clock is off; create a new key, or better, use Workload Identity Federation",
        );
      }
      return authError(`the OAuth token endpoint at ${host} failed (${detail})`, "retry; if you set oauth_endpoint, check it");
    default:
      return authError(
        `authentication to Google Cloud failed (${detail})`,
        "check the credentials and endpoints; retry if it was a network error",
      );
  }
}

/** Each token call, and where its address comes from. */
const STAGE_NAMES: Record<AuthStage | "unknown", [name: string, setBy: string]> = {
  oidc: ["the GitHub OIDC token endpoint", "ACTIONS_ID_TOKEN_REQUEST_URL (or the credentials file's credential_source.url)"],
  sts: ["STS (the token exchange)", "sts_endpoint (or the credentials file's token_url)"],
  impersonation: [
    "IAM Credentials generateAccessToken",
    "iam_credentials_endpoint (or the credentials file's service_account_impersonation_url)",
  ],
  id_token: ["IAM Credentials generateIdToken", "iam_credentials_endpoint"],
  oauth: ["the OAuth token endpoint", "oauth_endpoint"],
  unknown: ["a token endpoint", "the *_endpoint inputs and the credentials file's URLs"],
};

function grantHint(context: FailureContext, stage: AuthStage): string {
  const sa = context.serviceAccount ?? "the service account";
  const pool = context.provider?.replace(/\/providers\/[^/]+$/, "");
  const member = pool
    ? `principalSet://iam.googleapis.com/${pool}/attribute.repository/${context.repository ?? "OWNER/REPO"}`
    : "the identity the credentials stand for";
  const role = pool ? "roles/iam.workloadIdentityUser" : "roles/iam.serviceAccountTokenCreator";
  const idTokenNote = stage === "id_token" ? " (ID tokens also need roles/iam.serviceAccountOpenIdTokenCreator when not federated)" : "";
  return `grant ${role} (or roles/iam.serviceAccountTokenCreator) on ${sa} to ${member}, and enable the IAM Credentials API${idTokenNote}`;
}

function factsOf(error: unknown): Facts {
  const e = (typeof error === "object" && error !== null ? error : {}) as {
    status?: unknown;
    code?: unknown;
    name?: unknown;
    config?: { url?: unknown };
    response?: { status?: unknown; data?: unknown };
    cause?: { code?: unknown; name?: unknown };
  };
  const status = typeof e.response?.status === "number" ? e.response.status : typeof e.status === "number" ? e.status : undefined;
  const data = e.response?.data as { error?: unknown } | undefined;
  let reason: string | undefined;
  if (typeof data?.error === "string" && /^[a-z_]{1,40}$/.test(data.error)) reason = data.error;
  const googleStatus = (data?.error as { status?: unknown } | undefined)?.status;
  if (typeof googleStatus === "string" && /^[A-Z_]{1,40}$/.test(googleStatus)) reason = googleStatus;
  const names = [e.code, e.name, e.cause?.code, e.cause?.name];
  // The caller's signal is checked before this, so an abort here is our per-call timeout.
  const timedOut = names.some(
    (name) => name === "TimeoutError" || name === "AbortError" || name === "ETIMEDOUT" || name === "UND_ERR_CONNECT_TIMEOUT",
  );
  const network = names.find((name): name is string => typeof name === "string" && /^E[A-Z_]{2,30}$/.test(name));
  let url: URL | undefined;
  try {
    url = e.config?.url === undefined ? undefined : new URL(String(e.config.url));
  } catch {
    url = undefined;
  }
  return { status, reason, timedOut, network, url };
}

function stageOf(url: URL | undefined, stages: Array<[AuthStage, string]>): AuthStage | undefined {
  if (!url) return undefined;
  const key = `${url.origin}${url.pathname}`;
  for (const [stage, known] of stages) {
    const knownUrl = new URL(known);
    if (`${knownUrl.origin}${knownUrl.pathname}` === key) return stage;
  }
  if (url.pathname.endsWith(":generateAccessToken")) return "impersonation";
  if (url.pathname.endsWith(":generateIdToken")) return "id_token";
  return undefined;
}

function describe(facts: Facts, timeoutMs: number): string {
  if (facts.status !== undefined) return `HTTP ${facts.status}${facts.reason ? ` ${facts.reason}` : ""}`;
  if (facts.timedOut) return `timed out after ${timeoutMs} ms`;
  if (facts.network) return `network error ${facts.network}`;
  return "request failed";
}
