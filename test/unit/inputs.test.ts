import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { inputReader, parseInputs } from "../../src/inputs.js";

const parse = (inputs: Record<string, string>, env: Record<string, string> = {}) => {
  const all = { ...env, ...Object.fromEntries(Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value])) };
  return parseInputs(inputReader(all), all);
};

describe("parseInputs", () => {
  it("applies the documented defaults", () => {
    const inputs = parse({});
    expect(inputs).toMatchObject({
      manifest: ".github/deploy-gate.yml",
      mode: "live",
      revision: { kind: "latest-ready" },
      comment: "always",
      failOn: "error",
      timeoutSeconds: 120,
    });
  });

  it("reads services in every documented form", () => {
    expect(
      parse({ services: "backend-staging, auth-staging@europe-west1\nprojects/other-proj/locations/us-east1/services/api" }).services,
    ).toEqual([
      { name: "backend-staging", region: undefined, project: undefined },
      { name: "auth-staging", region: "europe-west1", project: undefined },
      { name: "api", region: "us-east1", project: "other-proj" },
    ]);
  });

  it("takes the project from CLOUDSDK_CORE_PROJECT as google-github-actions/auth exports it", () => {
    expect(parse({}, { CLOUDSDK_CORE_PROJECT: "chat-staging" }).projectId).toBe("chat-staging");
  });

  it("reads the project variables in gcloud's order, as the credentials do, skipping blank ones", () => {
    expect(parse({}, { GCP_PROJECT: "gcp-project", CLOUDSDK_PROJECT: "sdk-project" }).projectId).toBe("sdk-project");
    expect(parse({}, { CLOUDSDK_CORE_PROJECT: "  ", GOOGLE_CLOUD_PROJECT: "google-project" }).projectId).toBe("google-project");
    expect(parse({ project_id: "input-project" }, { CLOUDSDK_CORE_PROJECT: "env-project" }).projectId).toBe("input-project");
  });

  it.each([
    [{ revision: "serving" }, { kind: "serving" }],
    [{ revision: "backend-00042-abc" }, { kind: "named", name: "backend-00042-abc" }],
    [{ tag: "candidate-pr-12" }, { kind: "tag", tag: "candidate-pr-12" }],
  ])("revision %o", (given, expected) => {
    expect(parse(given).revision).toEqual(expected);
  });

  it.each([
    [{ mode: "dry-run" }, "mode must be one of live, candidate"],
    [{ timeout: "0" }, "timeout must be a number of seconds between 1 and 3600"],
    [{ timeout: "soon" }, "timeout must be"],
    [{ region: "us-central1/../x" }, "region"],
    [{ services: "../../etc" }, "services"],
    [{ services: "backend%2Fx" }, "services"],
    [{ revision: "rev?x=1" }, "revision"],
    [{ cloud_run_endpoint: "not a url" }, "cloud_run_endpoint must be an absolute URL"],
    [{ cloud_run_endpoint: "file:///etc/passwd" }, "must be an http(s) URL"],
    [{ tag: "t", revision: "latest-created" }, "revision and tag both select"],
    [{ workload_identity_provider: "projects/1/locations/global/workloadIdentityPools/p/providers/gh" }, "go together"],
    [{ fail_on: "sometimes" }, "fail_on must be one of error, warning, never"],
  ])("%o → InputError", (given, message) => {
    expect(() => parse(given)).toThrow(InputError);
    expect(() => parse(given)).toThrow(message);
  });
});

describe("whole-number inputs", () => {
  it.each([
    ["max_concurrency", "", 16],
    ["max_concurrency", "1", 1],
    ["max_concurrency", " 256 ", 256],
    ["promote_percent", "", 100],
    ["promote_percent", "25", 25],
  ])("%s %o → %d", (name, text, value) => {
    const inputs = parse({ [name]: text });
    expect(name === "max_concurrency" ? inputs.maxConcurrency : inputs.promotePercent).toBe(value);
  });

  // Number() reads all of these as numbers; a person typing them meant something else.
  it.each([
    ["max_concurrency", "1e1"],
    ["max_concurrency", "0x10"],
    ["max_concurrency", "0"],
    ["max_concurrency", "257"],
    ["max_concurrency", "16.0"],
    ["promote_percent", "0"],
    ["promote_percent", "101"],
    ["promote_percent", "50%"],
    ["promote_percent", "1_0"],
  ])("%s %o → InputError naming the input and its range", (name, text) => {
    expect(() => parse({ [name]: text })).toThrow(InputError);
    expect(() => parse({ [name]: text })).toThrow(new RegExp(`^${name} must be a whole number from 1 to`));
  });
});
