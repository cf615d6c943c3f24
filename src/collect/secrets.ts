// Secret Manager facts for the refs a revision uses. Each distinct secret
// version is inspected once per run, however many services share it, and
// services do not wait for each other; values are read only where a check
// needs them (strength, consistency, JWT minting).
import { createHmac, randomBytes } from "node:crypto";
import { describeError } from "../errors.js";
import { type SecretFact, secretKey } from "../facts.js";
import type { SecretManager } from "../gcp/secret-manager.js";
import type { RevisionConfig } from "../model.js";
import { memo } from "../memo.js";
import { isDevFallback } from "../secret-shapes.js";

export interface SecretVault {
  /** Facts of every secret loaded so far, by secretKey(). */
  facts: ReadonlyMap<string, SecretFact>;
  /** Secret bytes by key, for minting tokens; never rendered. */
  values: ReadonlyMap<string, Uint8Array>;
  fingerprint(value: Uint8Array): string;
  /** A known development fallback or placeholder, the manifest's `dev_fallback_secrets` included (plain values too). */
  isDevFallback(text: string): boolean;
  /**
   * Inspect every secret `config` references; read the values `needsValue` asks for. Every value read
   * is masked, except one equal to the text `publicText` gives for that variable (the manifest's own
   * `equals`: it is in the repository already, and masking a word like "staging" garbles every line).
   */
  load(
    config: RevisionConfig,
    needsValue: (envName: string) => boolean,
    publicText?: (envName: string) => string | undefined,
  ): Promise<void>;
}

/** Keyed so a fingerprint in a report cannot be brute-forced offline into a short secret. */
export function fingerprinter(key = randomBytes(32)): (value: Uint8Array) => string {
  return (value) => `hmac:${createHmac("sha256", key).update(value).digest("hex").slice(0, 12)}`;
}

export function secretVault(
  manager: SecretManager,
  mask: (value: string) => void,
  signal: AbortSignal,
  devFallbacks: readonly string[] = [],
): SecretVault {
  const fingerprint = fingerprinter();
  const facts = new Map<string, SecretFact>();
  const values = new Map<string, Uint8Array>();
  const inspectOnce = memo<SecretFact>();
  type Read = { value: Uint8Array; resolvedVersion: string } | { error: string };
  const readOnce = memo<Read>();
  type Ref = NonNullable<RevisionConfig["env"][number]["secret"]>;

  const read = (key: string, ref: Ref, project: string): Promise<Read> =>
    readOnce(key, () =>
      manager.accessVersion(ref, project, signal).then(
        ({ value, resolvedVersion }) => ({ value, resolvedVersion }),
        (error: unknown) => ({ error: describeError(error) }),
      ),
    );

  // A successful read proves the version exists and is enabled: its metadata is read only when
  // no read succeeded (to say why), which keeps a run inside Secret Manager's read quota.
  const inspect = (key: string, ref: Ref, project: string) =>
    inspectOnce(key, async () => {
      // A read of the same version already under way settles it (or says it must be asked).
      const value = await readOnce.peek(key);
      const fact: SecretFact =
        value && "value" in value
          ? { state: { status: "ok", resolvedVersion: value.resolvedVersion } }
          : { state: await manager.inspect(ref, project, signal) };
      facts.set(key, fact);
      return fact;
    });

  const attach = (key: string, fact: SecretFact, read: { value: Uint8Array } | { error: string }) => {
    if (fact.value || fact.valueError) return;
    if ("error" in read) {
      fact.valueError = read.error;
      return;
    }
    values.set(key, read.value);
    const text = Buffer.from(read.value).toString("utf8");
    fact.value = {
      byteLength: read.value.byteLength,
      fingerprint: fingerprint(read.value),
      devFallback: isDevFallback(text, devFallbacks),
    };
  };

  return {
    facts,
    values,
    fingerprint,
    isDevFallback: (text) => isDevFallback(text, devFallbacks),
    async load(config, needsValue, publicText = () => undefined) {
      const refs = [
        ...config.env.flatMap((entry) =>
          entry.secret ? [{ ref: entry.secret, readValue: needsValue(entry.name), known: publicText(entry.name) }] : [],
        ),
        ...config.secretVolumes.map((volume) => ({ ref: volume.ref, readValue: false, known: undefined })),
      ];
      await Promise.all(
        refs.map(async ({ ref, readValue, known }) => {
          const key = secretKey(ref, config.project);
          const value = readValue ? await read(key, ref, config.project) : undefined;
          // Masked before anything else may print it; each caller decides, as the same version can back several variables.
          if (value && "value" in value) {
            const text = Buffer.from(value.value).toString("utf8");
            if (text !== known) mask(text);
          }
          const fact = await inspect(key, ref, config.project);
          // The value counts only if the version is enabled (inspect says why not otherwise).
          if (value && fact.state.status === "ok") attach(key, fact, value);
        }),
      );
    },
  };
}
