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

async function mintForged(jwt: JwtRequirement, mask: (value: string) => void): Promise<string> {
  const { token } = await mintToken(randomSigningKey(jwt.alg), jwt);
  mask(token);
  return token;
}

export async function tokensFor(
  requirement: ServiceRequirement,
  secret: Uint8Array | undefined,
  mask: (value: string) => void,
  forged?: string,
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
  const forgedOne = forged ?? (await mintForged(jwt, mask));
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
    minted = await mintToken(key.key, jwt);
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
    negatives: await negativeProbes(key.key, jwt, requirement.websocket, minted.token, mask),
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
