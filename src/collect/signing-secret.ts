// The JWT signing secret as the revision holds it, read once the vault has
// loaded the revision's secrets: the bytes the probes sign with (the gate
// hands them over) and the facts the strength check judges.
import { findEnv } from "../containers.js";
import { type SecretValueFacts, secretKey } from "../facts.js";
import type { ServiceRequirement } from "../manifest/load.js";
import type { RevisionConfig } from "../model.js";
import type { SecretVault } from "./secrets.js";

/** A Secret Manager value or a plain env value; undefined when the revision has none the gate could read. */
export function jwtSecretValue(
  config: RevisionConfig,
  envName: string,
  vault: SecretVault,
  mask: (value: string) => void,
  requirement?: Pick<ServiceRequirement, "container">,
): { bytes: Uint8Array; facts: SecretValueFacts } | undefined {
  // The container the requirements apply to: a sidecar's secret signs nothing the app verifies.
  const entry = findEnv(config, envName, requirement);
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
      // The manifest's own fallbacks count for a plain value as for a secret-backed one.
      facts: { byteLength: bytes.byteLength, fingerprint: vault.fingerprint(bytes), devFallback: vault.isDevFallback(entry.value) },
    };
  }
  return undefined;
}
