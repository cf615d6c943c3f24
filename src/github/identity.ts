// Which GitHub account the token acts as, so the gate adopts only comments it
// wrote itself. GraphQL `viewer` answers for every kind of token: GITHUB_TOKEN
// (github-actions[bot]), a GitHub App installation token (`<slug>[bot]`), a PAT
// (its user). REST `GET /user` is the fallback for a PAT where GraphQL is off;
// it is 403 for installation tokens, and `GET /app` would need the App's JWT.
import type { GitHubClient } from "./client.js";

/** The login, or undefined when GitHub would not say (the caller must then trust nothing it did not just write). */
export async function tokenLogin(api: GitHubClient): Promise<string | undefined> {
  try {
    const answer = await api.graphql<{ viewer?: { login?: unknown } }>("query { viewer { login } }");
    const login = answer.viewer?.login;
    if (isLogin(login)) return login;
  } catch {
    // GraphQL disabled or unreachable (some GitHub Enterprise set-ups, proxies): try REST.
  }
  try {
    const { data } = await api.rest.users.getAuthenticated();
    if (isLogin(data.login)) return data.login;
  } catch {
    // An installation token (GET /user is "not accessible by integration"), or GitHub is down.
  }
  return undefined;
}

/** GitHub logins are case-insensitive; the API may spell one differently in two places. */
export function sameLogin(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
}

/**
 * A login as GitHub shapes them (letters, digits, `-`; `_` for managed users;
 * `[bot]` for apps): the only form of another account's name the gate prints.
 */
export function isLogin(value: unknown): value is string {
  return typeof value === "string" && /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}(\[bot\])?$/.test(value);
}
