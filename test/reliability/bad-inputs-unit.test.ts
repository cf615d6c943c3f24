// More bad inputs, straight into parseInputs and parseManifest (the same code
// the action runs, without a process per case): each is an InputError whose
// message names the input or manifest line and whose hint says the fix.
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { inputReader, parseInputs } from "../../src/inputs.js";
import { parseManifest } from "../../src/manifest/load.js";

function inputError(values: Record<string, string>, env: Record<string, string> = {}): InputError {
  const all = { ...env, ...Object.fromEntries(Object.entries(values).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value])) };
  try {
    parseInputs(inputReader(all), all);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error("expected an InputError");
}

function manifestError(text: string): InputError {
  try {
    parseManifest(text, ".github/deploy-gate.yml");
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).code).toBe("MANIFEST_INVALID");
    return error as InputError;
  }
  throw new Error("expected an InputError");
}

const SERVICE = "region: us-central1\nservices:\n  backend-staging:\n";

describe("bad action inputs (unit)", () => {
  it.each<[string, Record<string, string>, Record<string, string>, string]>([
    ["CLOUDSDK_CORE_PROJECT with ../", {}, { CLOUDSDK_CORE_PROJECT: "../other" }, "project_id"],
    ["GOOGLE_CLOUD_PROJECT with ?", {}, { GOOGLE_CLOUD_PROJECT: "p?x=1" }, "project_id"],
    // The same lookup as the credentials': every variable google-github-actions/auth exports is validated as an input.
    ["GCLOUD_PROJECT with ../", {}, { GCLOUD_PROJECT: "../other" }, "project_id"],
    ["GCP_PROJECT with /", {}, { GCP_PROJECT: "p/x" }, "project_id"],
    ["project_id of 100 characters", { project_id: "a".repeat(100) }, {}, "project_id"],
    ["region in upper case", { region: "US-CENTRAL1" }, {}, "region"],
    [
      "services full name with an extra segment",
      { services: "projects/p-12345/locations/us-central1/services/x/revisions/y" },
      {},
      "services",
    ],
    ["services with a newline-smuggled command", { services: "ok-service\n::set-output name=x::y" }, {}, "services"],
    ["timeout 1e9", { timeout: "1e9" }, {}, "timeout"],
    ["timeout NaN", { timeout: "NaN" }, {}, "timeout"],
    ["timeout Infinity", { timeout: "Infinity" }, {}, "timeout"],
    ["max_concurrency 1.5", { max_concurrency: "1.5" }, {}, "max_concurrency"],
    ["max_concurrency 257", { max_concurrency: "257" }, {}, "max_concurrency"],
    ["tag of 50 characters", { tag: "t".repeat(50) }, {}, "tag"],
    ["service_account without workload_identity_provider", { service_account: "a@b.iam.gserviceaccount.com" }, {}, "service_account"],
    [
      "iam_credentials_endpoint with a path of spaces",
      { iam_credentials_endpoint: "https://exa mple.com" },
      {},
      "iam_credentials_endpoint",
    ],
  ])("%s", (_label, inputs, env, name) => {
    const error = inputError(inputs, env);
    expect(error.message).toContain(name);
    expect(error.hint).toBeTruthy();
    expect(error.message).not.toMatch(/[\r\n]/);
  });
});

describe("bad manifests (unit)", () => {
  it.each<[string, string, string | RegExp]>([
    [
      "a misspelt health field, with did-you-mean",
      `${SERVICE}    health: { expect_jsn: { status: ok } }\n`,
      /"expect_jsn" \(did you mean "expect_json"\?\)/,
    ],
    ["a misspelt top-level field", `regoin: us-central1\nservices:\n  backend-staging: {}\n`, /did you mean "region"/],
    ["duplicate keys", `${SERVICE}    env: {}\n    env: {}\n`, "not valid YAML"],
    ["tab indentation", `region: us-central1\nservices:\n\tbackend-staging: {}\n`, "not valid YAML"],
    ["a service region with ../", `${SERVICE}    region: ../us-central1\n`, "services.backend-staging.region"],
    [
      "compare_with in a project with ?",
      `${SERVICE}    jwt: { secret_env: JWT, compare_with: { secret: s, project: "p?x" } }\n`,
      "compare_with.project",
    ],
    ["a consistent member without a dot", `${SERVICE}    env: { A: {} }\nconsistent:\n  - [backend-staging, other]\n`, "service.ENV_NAME"],
    ["a number as service name", "region: us-central1\nservices:\n  123: {}\n", "service name"],
    ["__proto__ as service name", "region: us-central1\nservices:\n  __proto__: {}\n", /service name|lists no services/],
    ["ttl of a year", `${SERVICE}    jwt: { secret_env: JWT, ttl: 31536000 }\n`, "ttl"],
    ["an unknown jwt alg", `${SERVICE}    jwt: { secret_env: JWT, alg: none }\n`, "alg"],
    ["a health path without a slash", `${SERVICE}    health: { path: "health" }\n`, "health.path"],
    ["token_in cookie", `${SERVICE}    websocket: { token_in: cookie }\n`, "token_in"],
    ["a secret id of 300 characters", `${SERVICE}    secrets: { A: { secret: ${"s".repeat(300)} } }\n`, "Secret Manager secret id"],
    ["a non-UTF-8-looking control character in a key", `${SERVICE}    env: { "A\\u0007": {} }\n`, "environment variable name"],
  ])("%s", (_label, text, expected) => {
    const error = manifestError(text);
    if (typeof expected === "string") expect(error.message).toContain(expected);
    else expect(error.message).toMatch(expected);
    expect(error.message).toMatch(/\.github\/deploy-gate\.yml/);
    expect(error.hint).toBeTruthy();
  });
});
