// The tokens the probes send: one signed with the key the revision itself
// references (what a real client holds), and one signed with a random key
// (what a client with the wrong secret holds, incident 3).
import type { ServiceRequirement } from "../manifest/load.js";
import type { JwtRequirement } from "../manifest/schema.js";
import type { Finding } from "../model.js";
import { importSigningKey, type MintedToken, mintToken, randomSigningKey } from "./jwt.js";
import { type NegativeProbe, negativeProbes } from "./negative.js";

export interface ProbeTokens {
  /** Sent on the authorized handshake; signed with the deployed secret when there is one. */
  token: string | undefined;
  /** How the token was made (shown in the WebSocket finding). */
  tokenNote: string | undefined;
  /** Signed with a random key of the same kind: a backend that accepts it verifies no signature. */
  forgedToken: string | undefined;
  /** Expired, alg none, wrong aud/iss, foreign Origin: only when a valid token exists (they need the deployed key). */
  negatives: NegativeProbe[];
  /** jwt.minted (the claim names it carried), jwt.key_invalid, jwt.mint_failed. */
  tokenFindings: Finding[];
}

/** What a client holding the wrong secret sends (incident 3): needs no deployed secret, so it is minted early. */
export async function forgedToken(requirement: ServiceRequirement, mask: (value: string) => void): Promise<string | undefined> {
  return requirement.jwt ? mintForged(requirement.jwt, mask) : undefined;
}

async function mintForged(jwt: JwtRequirement, mask: (value: string) => void, now = new Date()): Promise<string> {
  const { token } = await mintToken(randomSigningKey(jwt.alg), jwt, now);
  mask(token);
  return token;
}

export async function tokensFor(
  requirement: ServiceRequirement,
  secret: Uint8Array | undefined,
  mask: (value: string) => void,
  forged?: string,
  now = new Date(),
): Promise<ProbeTokens> {
  const jwt = requirement.jwt;
  if (!jwt)
    return {
      token: undefined,
      tokenNote: "no jwt section in the manifest: sent no token",
      forgedToken: undefined,
      negatives: [],
      tokenFindings: [],
    };
  const base = { subject: jwt.secret_env, location: jwt.location };
  const forgedOne = forged ?? (await mintForged(jwt, mask, now));
  const withForged = (tokenNote: string, tokenFindings: Finding[]): ProbeTokens => ({
    token: forgedOne,
    tokenNote,
    forgedToken: undefined,
    negatives: [],
    tokenFindings,
  });
  if (!secret)
    return withForged(`the revision has no readable ${jwt.secret_env}, so no valid token exists; sent one signed with a random key`, []);
  const key = importSigningKey(secret, jwt.alg);
  if (!key.ok) {
    return withForged(`${jwt.secret_env} cannot sign ${jwt.alg} tokens; sent one signed with a random key`, [
      {
        ...base,
        id: "jwt.key_invalid",
        status: "fail",
        message: `${jwt.secret_env} cannot sign ${jwt.alg} tokens: ${key.reason}`,
        hint: "store the private key as PKCS#8 PEM or a JWK in the secret, or fix jwt.alg",
      },
    ]);
  }
  let minted: MintedToken;
  try {
    minted = await mintToken(key.key, jwt, now);
  } catch (error) {
    const reason = error instanceof Error && "code" in error ? String((error as { code: unknown }).code) : "signing failed";
    return withForged(`no token could be signed with ${jwt.secret_env}`, [
      { ...base, id: "jwt.mint_failed", status: "error", message: `cannot sign a ${jwt.alg} token with ${jwt.secret_env} (${reason})` },
    ]);
  }
  mask(minted.token);
  const claims = minted.claimNames.join(", ");
  return {
    token: minted.token,
    tokenNote: `token signed with the revision's ${jwt.secret_env}, claims: ${claims}`,
    forgedToken: forgedOne,
    negatives: await negativeProbes(key.key, jwt, requirement.websocket, minted.token, mask, now),
    tokenFindings: [
      {
        ...base,
        id: "jwt.minted",
        status: "pass",
        message: `minted a ${jwt.alg} token signed with the revision's ${jwt.secret_env} (claims: ${claims})`,
        found: claims,
      },
    ],
  };
}

/** The token signed with the deployed key, if one could be: a forged one stands in otherwise, and proves nothing to a route. */
export function validToken(tokens: ProbeTokens): string | undefined {
  return tokens.forgedToken !== undefined ? tokens.token : undefined;
}

/** What a verification round sends: the forged token (also the refusals') and the rest, all minted at one instant. */
export interface RoundTokens {
  forged: string | undefined;
  tokens: ProbeTokens;
}

/**
 * The tokens of a `verify:` run's rounds: "the same token and negative probes" each round, so they
 * are minted (and masked) once, then again only when they would expire during a round: every one
 * that must be valid (the valid token, the forged one, alg none, wrong aud/iss) shares the same
 * exp, while the expired one stays expired. `marginMs`: the longest a round may still be using them.
 */
export function roundTokens(
  requirement: ServiceRequirement,
  secret: Uint8Array | undefined,
  mask: (value: string) => void,
  marginMs: number,
  now: () => number = Date.now,
): () => Promise<RoundTokens> {
  let current: { minted: Promise<RoundTokens>; expiresAtMs: number } | undefined;
  return () => {
    const at = now();
    if (!current || at + marginMs >= current.expiresAtMs) {
      const jwt = requirement.jwt;
      const issued = new Date(at);
      // mintToken's exp: whole seconds from the same instant.
      const expiresAtMs = jwt ? (Math.floor(at / 1000) + jwt.ttl) * 1000 : Number.POSITIVE_INFINITY;
      const minted = (async () => {
        const forged = jwt ? await mintForged(jwt, mask, issued) : undefined;
        return { forged, tokens: await tokensFor(requirement, secret, mask, forged, issued) };
      })();
      current = { minted, expiresAtMs };
      // A failed mint is not kept: the next round tries again.
      minted.catch(() => {
        if (current?.minted === minted) current = undefined;
      });
    }
    return current.minted;
  };
}

/** How long a round may still hold its tokens after it starts: the handshakes (and their reply wait) plus room for the other probes. */
export function roundTokenMarginMs(requirement: Pick<ServiceRequirement, "websocket">): number {
  return 30_000 + 2 * (requirement.websocket?.timeout_ms ?? 10_000);
}
