// Incident 3: the tests signed with a 49-char development fallback while the
// backend verified with the 86-char staging secret. Read the secret the tests
// use (`jwt.compare_with`: an env var of the job or a Secret Manager version)
// and record it beside the deployed one by keyed fingerprint, so the check
// (checks/test-secret.ts) sees fingerprints, never bytes.
import { describeError } from "../errors.js";
import type { TestSecretFacts } from "../facts.js";
import { isHmacAlgorithm, type JwtRequirement, type TestSecretSource } from "../manifest/schema.js";
import type { SecretRef } from "../model.js";
import { isDevFallback } from "../secret-shapes.js";

export interface TestSecretContext {
  /** The job's environment, for `compare_with: { env }`. */
  env: Readonly<Record<string, string | undefined>>;
  /** Reads a Secret Manager version in the service's project, for `compare_with: { secret }`. */
  readSecret: ((ref: SecretRef, signal: AbortSignal) => Promise<Uint8Array>) | undefined;
  /** The run's keyed fingerprint, so these match the fingerprints in the other findings. */
  fingerprint: (value: Uint8Array) => string;
  mask: (value: string) => void;
  signal: AbortSignal;
}

/** `deployed` is the value the revision references; undefined when no `compare_with` asks for a comparison. */
export async function testSecretFacts(
  jwt: JwtRequirement,
  deployed: Uint8Array | undefined,
  context: TestSecretContext,
): Promise<TestSecretFacts | undefined> {
  const source = jwt.compare_with;
  if (!source) return undefined;
  const test = await readTestSecret(source, context);
  if (!("value" in test)) return test;
  // PEM and JWK text may differ in line endings and trailing newlines; HMAC secrets are compared byte for byte.
  const normalize = (value: Uint8Array) =>
    isHmacAlgorithm(jwt.alg) ? value : new TextEncoder().encode(Buffer.from(value).toString("utf8").replace(/\r\n/g, "\n").trim());
  return {
    fingerprint: context.fingerprint(normalize(test.value)),
    devFallback: isDevFallback(Buffer.from(test.value).toString("utf8")),
    deployed: deployed
      ? { fingerprint: context.fingerprint(normalize(deployed)), onlyWhitespaceDiffers: onlyWhitespaceDiffers(test.value, deployed) }
      : undefined,
  };
}

async function readTestSecret(
  source: TestSecretSource,
  context: TestSecretContext,
): Promise<{ value: Uint8Array } | Extract<TestSecretFacts, { unavailable: string }>> {
  if ("env" in source) {
    const value = context.env[source.env];
    if (!value) return { unavailable: "env_not_set", env: source.env };
    context.mask(value);
    return { value: new TextEncoder().encode(value) };
  }
  if (!context.readSecret) return { unavailable: "no_secret_manager" };
  const colon = source.secret.indexOf(":");
  const ref: SecretRef = {
    secret: colon < 0 ? source.secret : source.secret.slice(0, colon),
    version: colon < 0 ? "latest" : source.secret.slice(colon + 1),
    ...(source.project ? { project: source.project } : {}),
  };
  try {
    const value = await context.readSecret(ref, context.signal);
    context.mask(Buffer.from(value).toString("utf8"));
    return { value };
  } catch (error) {
    return { unavailable: "read_failed", error: describeError(error) };
  }
}

function onlyWhitespaceDiffers(a: Uint8Array, b: Uint8Array): boolean {
  const text = (value: Uint8Array) => Buffer.from(value).toString("utf8");
  return text(a).trim() === text(b).trim();
}
