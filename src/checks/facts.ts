// What the collection stage learned about each secret a revision references.
// Checks see lengths and fingerprints, never the secret bytes.
import type { SecretState } from "../gcp/secret-manager.js";
import type { SecretRef } from "../model.js";

export interface SecretValueFacts {
  byteLength: number;
  /** Keyed HMAC of the value (per-run random key): equal values, equal fingerprints. */
  fingerprint: string;
  /** The value is a known development fallback or placeholder. */
  devFallback: boolean;
}

export interface SecretFact {
  state: SecretState;
  value?: SecretValueFacts;
  /** The value could not be read by the gate (its own identity lacks access). */
  valueError?: string;
}

/** One key per secret version, whichever project spelling the ref used. */
export function secretKey(ref: SecretRef, defaultProject: string): string {
  return `${ref.project ?? defaultProject}/${ref.secret}@${ref.version}`;
}

export type SecretFacts = ReadonlyMap<string, SecretFact>;
