// A Google-signed ID token, for calling a private Cloud Run URL (the service
// checks `aud` is its URL). Keys sign for themselves at the OAuth endpoint;
// federated identities ask IAM Credentials generateIdToken for the service
// account they impersonate.
import { AuthError, DeadlineError, GateError } from "../../errors.js";
import { untilAborted } from "./clients.js";
import { authError } from "./credential-file.js";
import { authFailure } from "./failures.js";
import type { GcpCredentials } from "./types.js";

export async function fetchIdToken(creds: GcpCredentials, audience: string, signal: AbortSignal): Promise<string> {
  const source = creds.idTokens;
  if (source === undefined || source.kind === "none") {
    throw authError(
      `cannot get an ID token for ${audience}: ${source?.reason ?? "these credentials cannot mint one"}`,
      "make the service public, or authenticate as a service account with roles/run.invoker",
    );
  }
  const context = {
    stages: source.kind === "service_account_key" ? ([["oauth", source.tokenUrl]] as Array<["oauth", string]>) : [],
    serviceAccount: source.kind === "service_account_key" ? source.jwt.email : source.serviceAccount,
    provider: source.kind === "impersonated" ? source.provider : undefined,
    repository: source.kind === "impersonated" ? source.repository : undefined,
    timeoutMs: source.timeoutMs,
  };
  let token: string;
  try {
    if (source.kind === "service_account_key") {
      token = await untilAborted(source.jwt.fetchIdToken(audience), signal);
    } else {
      token = await untilAborted(source.client.fetchIdToken(audience, { includeEmail: true }), signal);
    }
  } catch (error) {
    if (error instanceof GateError) throw error;
    const failure = authFailure(error, context, signal);
    // authFailure gives a deadline or an auth error here (a GateError was rethrown above): keep its family.
    const Family = failure instanceof DeadlineError ? DeadlineError : AuthError;
    throw new Family(`ID token for ${audience}: ${failure.message}`, { hint: failure.hint });
  }
  if (typeof token !== "string" || token.split(".").length !== 3) {
    throw authError(`Google returned no ID token for ${audience}`, "retry; if it persists check the endpoints");
  }
  return token;
}
