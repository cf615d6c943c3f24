// The `http:` checks: routes beyond /health, with the token signed by the
// deployed key or without any. "401 without a token, 200 with one" catches an
// auth layer that is not mounted or is bypassed. Same request machinery as
// /health (bounded, never following a redirect, excerpts redacted), no retries:
// /health already waited for the revision to warm up.
import type { Located } from "../manifest/load.js";
import type { HttpCheck } from "../manifest/schema.js";
import type { Finding } from "../model.js";
import { probeHealth } from "./health.js";

export interface HttpCheckToken {
  /** Signed with the deployed key; undefined when none could be (the check is skipped rather than sent a token that proves nothing). */
  token: string | undefined;
  tokenNote: string | undefined;
}

export async function probeHttpChecks(
  checks: readonly Located<HttpCheck>[],
  baseUrl: string,
  auth: HttpCheckToken,
  headers: Record<string, string>,
  signal: AbortSignal,
): Promise<Finding[]> {
  const results = await Promise.all(
    checks.map(async (check): Promise<Finding[]> => {
      const subject = `${check.method} ${check.path}`;
      if (check.with_token && auth.token === undefined) {
        return [
          {
            id: "http.no_token",
            status: "skip",
            subject,
            location: check.location,
            message: `${subject} needs a valid token and none exists (${auth.tokenNote ?? "no jwt section in the manifest"}): not checked`,
            hint: "add a jwt section whose secret_env the revision sets, or set with_token: false",
          },
        ];
      }
      // The check's own headers first: neither the ID token (X-Serverless-Authorization) nor the minted token can be replaced by them.
      const sent: Record<string, string> = { ...check.headers, ...headers };
      if (check.with_token && auth.token) sent.Authorization = `Bearer ${auth.token}`;
      const findings = await probeHealth(
        baseUrl,
        {
          path: check.path,
          method: check.method,
          expect_status: check.expect_status,
          ...(check.expect_json ? { expect_json: check.expect_json } : {}),
          retries: 0,
          id_prefix: "http",
          location: check.location,
        },
        { signal, headers: sent, redact: auth.token ? [auth.token] : [] },
      );
      const how = check.with_token ? "with the token" : "without a token";
      return findings.map((finding) => ({
        ...finding,
        subject,
        message: `${finding.message} (${how})`,
        ...(finding.id === "http.status" && finding.status === "fail" && !finding.hint ? { hint: statusHint(check, finding.found) } : {}),
      }));
    }),
  );
  return results.flat();
}

function statusHint(check: HttpCheck, found: string | undefined): string {
  const status = Number(found);
  if (!check.with_token && status >= 200 && status < 300)
    return "the route answers without a token: its auth middleware is not mounted on it, or a rule lets the request past it";
  if (check.with_token && (status === 401 || status === 403))
    return "the route refused the token signed with the deployed secret: check the claims it requires (aud, iss, scopes) and the secret it verifies with";
  return "compare expect_status with what the deployed route answers";
}
