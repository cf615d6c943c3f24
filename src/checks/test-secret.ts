// Incident 3: the tests signed with a development fallback while the backend
// verified with the staging secret, and everyone blamed the deploy. Is the
// secret the tests use the deployed one? Judged by keyed fingerprint: their
// diagnostics printed prefixes and lengths; we print neither. Pure.
import type { TestSecretFacts } from "../facts.js";
import type { Located } from "../manifest/load.js";
import type { JwtRequirement, TestSecretSource } from "../manifest/schema.js";
import type { Finding } from "../model.js";

export function describeSource(source: TestSecretSource): string {
  return "env" in source ? `env ${source.env}` : `secret ${source.project ? `projects/${source.project}/secrets/` : ""}${source.secret}`;
}

/** `facts` from collect/test-secret.ts; undefined (no `compare_with`) asks for nothing. */
export function checkTestSecret(service: string, jwt: Located<JwtRequirement>, facts: TestSecretFacts | undefined): Finding[] {
  const source = jwt.compare_with;
  if (!source || !facts) return [];
  const base = { subject: `${jwt.secret_env} vs ${describeSource(source)}`, location: jwt.location };
  if ("unavailable" in facts) {
    return [{ ...base, id: "jwt.test_secret_unavailable", status: "error", ...unavailable(source, facts) }];
  }
  if (!facts.deployed) {
    return [
      {
        ...base,
        id: "jwt.test_secret_unverifiable",
        status: "skip",
        message: `cannot compare the test secret: ${service} has no readable ${jwt.secret_env} (see the findings on it)`,
      },
    ];
  }
  const [testPrint, deployedPrint] = [facts.fingerprint, facts.deployed.fingerprint];
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
    facts.devFallback ? "the test secret looks like a development fallback or placeholder" : "",
    facts.deployed.onlyWhitespaceDiffers ? "the two differ only in leading or trailing whitespace (a newline added by echo?)" : "",
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

function unavailable(
  source: TestSecretSource,
  facts: Extract<TestSecretFacts, { unavailable: string }>,
): { message: string; hint: string } {
  switch (facts.unavailable) {
    case "env_not_set":
      return {
        message: `compare_with names env ${facts.env}, which is not set in the job`,
        hint: `pass it to this step: env: { ${facts.env}: \${{ secrets.${facts.env} }} }`,
      };
    case "no_secret_manager":
      return {
        message: `compare_with names ${describeSource(source)}, but Secret Manager is not available in this run`,
        hint: "use compare_with: { env: NAME }",
      };
    case "read_failed":
      return {
        message: `cannot read ${describeSource(source)} to compare it: ${facts.error}`,
        hint: "grant the gate's identity roles/secretmanager.secretAccessor on that secret",
      };
  }
}
