// Bad inputs through dist/index.js, as a runner runs it: every one ends in
// result=error, exit 1, one ::error:: line naming the input and the fix, no
// stack trace, and not one request to Google when the input decides it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorld, type World } from "../e2e/world.js";
import { addSecret, deploy } from "../emulators/scenario.js";
import { CANARY, expectCleanError, gate } from "./support.js";

const GOOD_MANIFEST = `region: us-central1
services:
  backend-staging:
    secrets:
      JWT_SECRET_STAGING: { secret: jwt-secret-staging }
`;

const manifestWith = (service: string, extra = "") => `region: us-central1
services:
  ${service}:
    secrets:
      JWT_SECRET_STAGING: { secret: jwt-secret-staging${extra} }
`;

/** label, inputs to set, words the ::error:: line must hold (the input's name and the fix). */
type Case = [string, Record<string, string>, ...(string | RegExp)[]];

const INPUT_CASES: Case[] = [
  ["project_id with ../", { project_id: "../other-project" }, "project_id", "fix the project_id input"],
  ["project_id with %2F", { project_id: "chat%2Fstaging" }, "project_id", "a project id like"],
  ["project_id with ?", { project_id: "chat-staging?alt=media" }, "project_id"],
  ["region with ../", { region: "us-central1/../../x" }, "region", "a region like us-central1"],
  ["region with #", { region: "us-central1#x" }, "region"],
  ["services with ?", { services: "backend-staging?fields=x" }, "services", "Cloud Run service name"],
  ["services with %2F", { services: "backend%2F..%2Fx" }, "services"],
  ["services full name with ../", { services: "projects/chat-staging/locations/us-central1/services/../x" }, "services"],
  ["services with two @", { services: "backend-staging@us-central1@x" }, "services", "name@region"],
  ["services with a bad region", { services: "backend-staging@../x" }, "services", "region like us-central1"],
  ["revision with ../", { revision: "../../secrets/x" }, "revision", "latest-ready"],
  ["revision with %2F", { revision: "backend-00001%2F..%2Fx" }, "revision"],
  ["tag with uppercase and _", { tag: "Green_Tag" }, "tag", "traffic tag"],
  ["revision and tag together", { revision: "latest-created", tag: "green" }, "revision and tag", "set only tag"],
  ["workload_identity_provider without service_account", { workload_identity_provider: "projects/1/x" }, "service_account", "set both"],
  ["timeout 0", { timeout: "0" }, "timeout", "for example timeout: 120"],
  ["timeout negative", { timeout: "-5" }, "timeout"],
  ["timeout absurd", { timeout: "999999" }, "timeout", "between 1 and 3600"],
  ["timeout not a number", { timeout: "2m" }, "timeout"],
  ["mode unknown", { mode: "dry-run" }, "mode must be one of live, candidate"],
  ["fail_on unknown", { fail_on: "sometimes" }, "fail_on must be one of"],
  ["comment unknown", { comment: "maybe" }, "comment must be one of"],
  ["max_concurrency 0", { max_concurrency: "0" }, "max_concurrency", "whole number"],
  ["cloud_run_endpoint not a URL", { cloud_run_endpoint: "run.googleapis.com" }, "cloud_run_endpoint must be an absolute URL"],
  ["secret_manager_endpoint ftp://", { secret_manager_endpoint: "ftp://secretmanager.example" }, "secret_manager_endpoint", "https://"],
  ["sts_endpoint with user:password@", { sts_endpoint: "https://user:pw@sts.example" }, "sts_endpoint", "remove user:password@"],
  ["url not a URL", { url: "javascript:alert(1)" }, "url must be an http(s) URL"],
];

const CREDENTIAL_CASES: Case[] = [
  ["credentials_json not JSON", { credentials_json: `{"private_key": "${CANARY.keyMaterial}"` }, "credentials_json is not a JSON object"],
  ["credentials_json a JSON array", { credentials_json: `["${CANARY.keyMaterial}"]` }, "credentials_json", "content not shown"],
  [
    "credentials_json of a user account",
    { credentials_json: JSON.stringify({ type: "authorized_user", refresh_token: CANARY.keyMaterial }) },
    'type "authorized_user"',
    "service_account",
  ],
  ["credentials_json with an invented type", { credentials_json: JSON.stringify({ type: `x${CANARY.keyMaterial}` }) }, "an unknown type"],
  [
    "credentials_json key without a PEM",
    {
      credentials_json: JSON.stringify({
        type: "service_account",
        client_email: "a@b.iam.gserviceaccount.com",
        private_key: CANARY.keyMaterial,
      }),
    },
    "private_key is not a PEM private key",
  ],
  [
    "credentials_json token_uri on a foreign host",
    {
      credentials_json: JSON.stringify({
        type: "service_account",
        client_email: "a@chat-staging.iam.gserviceaccount.com",
        private_key: `-----BEGIN PRIVATE KEY-----\n${CANARY.keyMaterial}\n-----END PRIVATE KEY-----\n`,
        token_uri: "https://evil.example/token",
      }),
    },
    "evil.example",
  ],
  [
    "credentials_json external_account token_url on a foreign host",
    {
      credentials_json: JSON.stringify({
        type: "external_account",
        audience: "//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/providers/x",
        subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
        token_url: "https://sts.evil.example/v1/token",
        credential_source: { file: "/tmp/token" },
      }),
    },
    "sts.evil.example",
  ],
  [
    "workload_identity_provider that is not a provider name",
    { workload_identity_provider: "my-pool/my-provider", service_account: "gate@chat-staging.iam.gserviceaccount.com" },
    "workload_identity_provider is not a provider resource name",
  ],
];

describe("bad inputs through the action", () => {
  let world: World;
  let base: (extra?: Record<string, string>) => Record<string, string>;
  const manifests = new Map<string, string>();

  beforeAll(async () => {
    world = await startWorld();
    world.scenario.accessTokens.add(CANARY.accessToken);
    addSecret(world.scenario, "jwt-secret-staging", CANARY.secret);
    deploy(world.scenario, "backend-staging", { secrets: { JWT_SECRET_STAGING: "jwt-secret-staging:latest" } });
    const good = await world.writeManifest(GOOD_MANIFEST);
    base = (extra = {}) =>
      world.inputs(good, { access_token: CANARY.accessToken, timeout: "10", github_token: CANARY.githubToken, ...extra });
    for (const [name, text] of Object.entries(MANIFESTS)) manifests.set(name, await world.writeManifest(text));
  });
  afterAll(() => world.close());

  describe.concurrent("action inputs", () => {
    it.each(INPUT_CASES)("%s", async (_label, inputs, ...words) => {
      const run = await gate(base(inputs));
      expectCleanError(run, ...words);
    });
  });

  describe.concurrent("credentials", () => {
    it.each(CREDENTIAL_CASES)("%s", async (_label, inputs, ...words) => {
      const run = await gate(base({ access_token: "", ...inputs }));
      expectCleanError(run, ...words);
    });

    it("no credentials at all names the auth step to add", async () => {
      const run = await gate(base({ access_token: "" }));
      expectCleanError(run, "no Google Cloud credentials", "google-github-actions/auth");
    });

    it("GOOGLE_APPLICATION_CREDENTIALS pointing nowhere", async () => {
      const run = await gate(base({ access_token: "" }), { GOOGLE_APPLICATION_CREDENTIALS: "/nonexistent/adc.json" });
      expectCleanError(run, "GOOGLE_APPLICATION_CREDENTIALS", "cannot be read");
    });
  });

  describe.concurrent("manifest", () => {
    it.each(MANIFEST_CASES)("%s", async (label, ...words) => {
      const run = await gate(base({ manifest: manifests.get(label) ?? "" }));
      expectCleanError(run, ...words);
    });

    it("a manifest that does not exist", async () => {
      const run = await gate(base({ manifest: "no/such/deploy-gate.yml" }));
      expectCleanError(run, "cannot read the manifest no/such/deploy-gate.yml", "actions/checkout");
    });

    it("a manifest over 1 MiB", async () => {
      const huge = await world.writeManifest(`${GOOD_MANIFEST}# ${"x".repeat(1024 * 1024)}\n`);
      const run = await gate(base({ manifest: huge }));
      expectCleanError(run, "larger than 1 MiB");
    });
  });

  describe.concurrent("candidate inputs", () => {
    const candidate = (secrets: string) =>
      base({ mode: "candidate", secrets, secrets_update_strategy: "overwrite", env_vars_update_strategy: "overwrite" });
    it.each([
      ["a secret id with ../", "JWT_SECRET_STAGING=../../other:latest", "secret name is not a valid Secret Manager id"],
      ["a secret id with %2F", "JWT_SECRET_STAGING=jwt%2F..%2Fx:latest", "not a valid Secret Manager id"],
      ["a version with ?", "JWT_SECRET_STAGING=jwt-secret-staging:latest?alt=json", "secret version"],
      ["a version with #", "JWT_SECRET_STAGING=jwt-secret-staging:1#x", "secret version"],
      ["a remote ref with a project id", "JWT_SECRET_STAGING=projects/chat-staging/secrets/x:1", "project number"],
      ["a mount path with ..", "/secrets/../etc/passwd=jwt-secret-staging:latest", "mount"],
    ])("secrets input: %s", async (_label, secrets, words) => {
      const run = await gate(candidate(secrets));
      expectCleanError(run, "secrets", words);
    });

    it("a service_yaml that does not exist", async () => {
      const run = await gate(base({ mode: "candidate", service_yaml: "deploy/missing.yaml" }));
      expectCleanError(run, "service_yaml deploy/missing.yaml", "actions/checkout");
    });
  });

  // Runs last: whatever the inputs above tried, no request to Google carried a path they smuggled in.
  it("no request ever reached Google with an injected path", () => {
    const paths = [world.cloudRun, world.secretManager, world.resourceManager].flatMap((server) => server.requests.map((r) => r.path));
    for (const path of paths) expect(path).not.toMatch(/\.\.|%2F|%25|#|alt=|fields=|set-output|other/i);
  });
});

const MANIFESTS: Record<string, string> = {
  "empty manifest": "",
  "only a comment": "# nothing here\n",
  "not YAML": "services:\n  backend-staging:\n    secrets: { JWT: {}\n  - broken\n",
  "a YAML list at the top": "- backend-staging\n- auth-staging\n",
  "an anchors bomb": [
    "a: &a [x, x, x, x, x, x, x, x, x, x]",
    "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]",
    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]",
    "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]",
    "e: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]",
    "services: {}",
  ].join("\n"),
  "an unknown field (typo)": `region: us-central1\nservices:\n  backend-staging:\n    secret:\n      JWT: {}\n`,
  "min_bytes as a string": manifestWith("backend-staging", ', min_bytes: "32"'),
  "secret id with ../": manifestWith("backend-staging", "/../../x"),
  "service name with ../": manifestWith("../../projects/other"),
  "service name with %2F": manifestWith("backend%2F..%2Fx"),
  "service name with ?": manifestWith("backend?alt=media"),
  "service name with #": manifestWith('"backend#x"'),
  "service name with a workflow command": manifestWith('"::set-output name=result::pass"'),
  "project_id with ../": `project_id: ../other\n${GOOD_MANIFEST}`,
  "region with ?": GOOD_MANIFEST.replace("region: us-central1", 'region: "us-central1?x=1"'),
  "secret project with ../": manifestWith("backend-staging", ", project: ../../x"),
  "services is a list": "region: us-central1\nservices:\n  - backend-staging\n",
  "no services": "region: us-central1\nservices: {}\n",
  "consistent names an unknown service": `${GOOD_MANIFEST}consistent:\n  - [backend-staging.JWT_SECRET_STAGING, auth.JWT_SECRET_STAGING]\n`,
  "env name with =": 'region: us-central1\nservices:\n  backend-staging:\n    env:\n      "A=B": {}\n',
};

const MANIFEST_CASES: [string, ...(string | RegExp)[]][] = [
  ["empty manifest", "is empty", "services:"],
  ["only a comment", "is empty"],
  ["not YAML", "is not valid YAML", "indentation"],
  ["a YAML list at the top", "manifest is invalid", "(top level)"],
  ["an anchors bomb", "aliases", "write the entries out"],
  ["an unknown field (typo)", 'unknown field "secret"', 'did you mean "secrets"'],
  ["min_bytes as a string", "min_bytes", /expected number/i],
  ["secret id with ../", "must be a Secret Manager secret id"],
  ["service name with ../", "service name", "lowercase"],
  ["service name with %2F", "service name"],
  ["service name with ?", "service name"],
  ["service name with #", "service name"],
  ["service name with a workflow command", "service name"],
  ["project_id with ../", "project_id"],
  ["region with ?", "region"],
  ["secret project with ../", "project"],
  ["services is a list", "services"],
  ["no services", "lists no services"],
  ["consistent names an unknown service", 'service "auth"', "add auth to services:"],
  ["env name with =", "environment variable name"],
];
