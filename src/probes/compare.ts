// Incident 3: the tests signed with a 49-char development fallback while the
// backend verified with the 86-char staging secret, and everyone blamed the
// deploy. Compare the secret the tests use with the deployed one by keyed
// fingerprint. Their diagnostics printed prefixes and lengths; we print neither.
import { describeError } from "../errors.js";
import type { Located } from "../manifest/load.js";
import { isHmacAlgorithm, type JwtRequirement, type TestSecretSource } from "../manifest/schema.js";
import type { Finding, SecretRef } from "../model.js";
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

export function describeSource(source: TestSecretSource): string {
  return "env" in source ? `env ${source.env}` : `secret ${source.project ? `projects/${source.project}/secrets/` : ""}${source.secret}`;
}

/** `deployed` is the value the revision references; undefined when it could not be read (reported elsewhere). */
export async function compareTestSecret(
  service: string,
  jwt: Located<JwtRequirement>,
  deployed: Uint8Array | undefined,
  context: TestSecretContext,
): Promise<Finding[]> {
  const source = jwt.compare_with;
  if (!source) return [];
  const base = { subject: `${jwt.secret_env} vs ${describeSource(source)}`, location: jwt.location };
  const test = await readTestSecret(source, context);
  if ("unavailable" in test) {
    return [{ ...base, id: "jwt.test_secret_unavailable", status: "error", message: test.unavailable, hint: test.hint }];
  }
  if (!deployed) {
    return [
      {
        ...base,
        id: "jwt.test_secret_unverifiable",
        status: "skip",
        message: `cannot compare the test secret: ${service} has no readable ${jwt.secret_env} (see the findings on it)`,
      },
    ];
  }
  // PEM and JWK text may differ in line endings and trailing newlines; HMAC secrets are compared byte for byte.
  const normalize = (value: Uint8Array) =>
    isHmacAlgorithm(jwt.alg) ? value : new TextEncoder().encode(Buffer.from(value).toString("utf8").replace(/\r\n/g, "\n").trim());
  const [testPrint, deployedPrint] = [context.fingerprint(normalize(test.value)), context.fingerprint(normalize(deployed))];
  if (testPrint === deployedPrint) {
    return [
      {
        ...base,
        id: "jwt.test_secret_matches",
        status: "pass",
        message: `the secret your tests use (${describeSource(source)}) is the one ${service} uses in ${jwt.secret_env} (fingerprint ${deployedPrint})`,
      },
    ];
  }
  const notes = [
    isDevFallback(Buffer.from(test.value).toString("utf8")) ? "the test secret looks like a development fallback or placeholder" : "",
    onlyWhitespaceDiffers(test.value, deployed) ? "the two differ only in leading or trailing whitespace (a newline added by echo?)" : "",
  ].filter(Boolean);
  return [
    {
      ...base,
      id: "jwt.test_secret_differs",
      status: "fail",
      message: `test secret differs from the secret ${service} uses: ${describeSource(source)} does not hold the value of ${jwt.secret_env}${notes.length ? `; ${notes.join("; ")}` : ""}`,
      hint: `tokens your tests mint with it are refused (403) even though the deploy is fine: make the tests read the same secret as ${service} (${jwt.secret_env})`,
      expected: deployedPrint,
      found: testPrint,
    },
  ];
}

type TestSecret = { value: Uint8Array } | { unavailable: string; hint: string };

async function readTestSecret(source: TestSecretSource, context: TestSecretContext): Promise<TestSecret> {
  if ("env" in source) {
    const value = context.env[source.env];
    if (!value) {
      return {
        unavailable: `compare_with names env ${source.env}, which is not set in the job`,
        hint: `pass it to this step: env: { ${source.env}: \${{ secrets.${source.env} }} }`,
      };
    }
    context.mask(value);
    return { value: new TextEncoder().encode(value) };
  }
  if (!context.readSecret) {
    return {
      unavailable: `compare_with names ${describeSource(source)}, but Secret Manager is not available in this run`,
      hint: "use compare_with: { env: NAME }",
    };
  }
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
    return {
      unavailable: `cannot read ${describeSource(source)} to compare it: ${describeError(error)}`,
      hint: "grant the gate's identity roles/secretmanager.secretAccessor on that secret",
    };
  }
}

function onlyWhitespaceDiffers(a: Uint8Array, b: Uint8Array): boolean {
  const text = (value: Uint8Array) => Buffer.from(value).toString("utf8");
  return text(a).trim() === text(b).trim();
}
