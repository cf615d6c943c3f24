// The tokens the probes send: one signed with the secret the revision itself
// references (what a real client holds), and one signed with a random key
// (what a client with the wrong secret holds, incident 3).
import { randomBytes } from "node:crypto";
import { findEnv } from "../checks/env.js";
import { secretKey, type SecretValueFacts } from "../checks/facts.js";
import { isDevFallback } from "../checks/jwt-secret.js";
import type { SecretVault } from "../collect/secrets.js";
import type { ServiceRequirement } from "../manifest/load.js";
import type { RevisionConfig } from "../model.js";
import { mintToken } from "./jwt.js";

/** The JWT signing secret as the revision holds it: a Secret Manager value or a plain env value. */
export function jwtSecretValue(
  config: RevisionConfig,
  envName: string,
  vault: SecretVault,
  mask: (value: string) => void,
): { bytes: Uint8Array; facts: SecretValueFacts } | undefined {
  const entry = findEnv(config, envName);
  if (entry?.secret) {
    const key = secretKey(entry.secret, config.project);
    const bytes = vault.values.get(key);
    const facts = vault.facts.get(key)?.value;
    return bytes && facts ? { bytes, facts } : undefined;
  }
  if (entry?.value) {
    mask(entry.value);
    const bytes = new TextEncoder().encode(entry.value);
    return {
      bytes,
      facts: { byteLength: bytes.byteLength, fingerprint: vault.fingerprint(bytes), devFallback: isDevFallback(entry.value) },
    };
  }
  return undefined;
}

export async function tokensFor(requirement: ServiceRequirement, secret: Uint8Array | undefined, mask: (value: string) => void) {
  const jwt = requirement.jwt;
  if (!jwt) return { token: undefined, tokenNote: "no jwt section in the manifest: sent no token", forgedToken: undefined };
  // A token signed with a random key: what a client holding the wrong secret sends (incident 3).
  const forged = await mintToken(randomBytes(64), jwt);
  mask(forged.token);
  if (!secret) {
    return {
      token: forged.token,
      tokenNote: `the revision has no readable ${jwt.secret_env}, so no valid token exists; sent one signed with a random key`,
      forgedToken: undefined,
    };
  }
  const minted = await mintToken(secret, jwt);
  mask(minted.token);
  return {
    token: minted.token,
    tokenNote: `token signed with the revision's ${jwt.secret_env}, claims: ${minted.claimNames.join(", ")}`,
    forgedToken: forged.token,
  };
}
