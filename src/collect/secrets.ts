// Gather Secret Manager facts for every ref the checked revisions use: each
// distinct secret version is inspected once, concurrently; values are read
// only where a check needs them (strength, consistency, JWT minting).
import { createHmac, randomBytes } from "node:crypto";
import { isDevFallback } from "../checks/jwt-secret.js";
import { type SecretFact, secretKey } from "../checks/facts.js";
import { describeError } from "../errors.js";
import type { SecretManager } from "../gcp/secret-manager.js";
import type { RevisionConfig, SecretRef } from "../model.js";

export interface SecretVault {
  facts: Map<string, SecretFact>;
  /** Secret bytes by key, for minting tokens; never rendered. */
  values: Map<string, Uint8Array>;
  fingerprint(value: Uint8Array): string;
}

/** Keyed so a fingerprint in a report cannot be brute-forced offline into a short secret. */
export function fingerprinter(key = randomBytes(32)): (value: Uint8Array) => string {
  return (value) => `hmac:${createHmac("sha256", key).update(value).digest("hex").slice(0, 12)}`;
}

export async function collectSecrets(
  manager: SecretManager,
  configs: RevisionConfig[],
  needsValue: (config: RevisionConfig, envName: string) => boolean,
  mask: (value: string) => void,
  signal: AbortSignal,
): Promise<SecretVault> {
  const fingerprint = fingerprinter();
  const wanted = new Map<string, { ref: SecretRef; project: string; readValue: boolean }>();
  for (const config of configs) {
    const refs = [
      ...config.env.flatMap((entry) => (entry.secret ? [{ ref: entry.secret, readValue: needsValue(config, entry.name) }] : [])),
      ...config.secretVolumes.map((volume) => ({ ref: volume.ref, readValue: false })),
    ];
    for (const { ref, readValue } of refs) {
      const key = secretKey(ref, config.project);
      const known = wanted.get(key);
      wanted.set(key, { ref, project: config.project, readValue: readValue || (known?.readValue ?? false) });
    }
  }
  const facts = new Map<string, SecretFact>();
  const values = new Map<string, Uint8Array>();
  await Promise.all(
    [...wanted].map(async ([key, { ref, project, readValue }]) => {
      const state = await manager.inspect(ref, project, signal);
      const fact: SecretFact = { state };
      if (readValue && state.status === "ok") {
        try {
          const value = await manager.access(ref, project, signal);
          const text = Buffer.from(value).toString("utf8");
          mask(text);
          values.set(key, value);
          fact.value = { byteLength: value.byteLength, fingerprint: fingerprint(value), devFallback: isDevFallback(text) };
        } catch (error) {
          fact.valueError = describeError(error);
        }
      }
      facts.set(key, fact);
    }),
  );
  return { facts, values, fingerprint };
}
