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

/** Reused until this long before its `exp`: a round that starts with it must not see it expire. */
const REFRESH_BEFORE_EXP_MS = 5 * 60_000;
/** Google's ID tokens last an hour: the lifetime assumed when one has no readable `exp`. */
const ASSUMED_LIFETIME_MS = 60 * 60_000;

/**
 * The ID tokens of one run, per audience (`fixedAudience`, id_token_audience, overrides the probed one):
 * concurrent callers share one mint, and a token is reused until shortly before it expires. A mint
 * that failed is not kept: the next caller (a later `verify:` round) asks again, so one transient
 * failure of the IAM Credentials or OAuth endpoint does not fail every round after it.
 */
export function idTokens(
  mint: (audience: string) => Promise<string>,
  fixedAudience: string | undefined,
  now: () => number = Date.now,
): (audience: string) => Promise<string> {
  const cached = new Map<string, { token: Promise<string>; reuseUntilMs: number }>();
  return (probed) => {
    const audience = fixedAudience ?? probed;
    const entry = cached.get(audience);
    if (entry && now() < entry.reuseUntilMs) return entry.token;
    const startedAt = now();
    const token = mint(audience);
    const fresh = { token, reuseUntilMs: Number.POSITIVE_INFINITY };
    cached.set(audience, fresh);
    token.then(
      (value) => {
        fresh.reuseUntilMs = (expiresAtMs(value) ?? startedAt + ASSUMED_LIFETIME_MS) - REFRESH_BEFORE_EXP_MS;
      },
      () => {
        if (cached.get(audience) === fresh) cached.delete(audience);
      },
    );
    return token;
  };
}

/** A JWT's `exp` in milliseconds, read without verifying it (Google signed it; we only schedule the next mint). */
function expiresAtMs(token: string): number | undefined {
  try {
    const payload: unknown = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8"));
    const exp = (payload as { exp?: unknown } | null)?.exp;
    return typeof exp === "number" && Number.isFinite(exp) ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}
