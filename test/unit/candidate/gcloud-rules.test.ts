// Tables of what deploy-cloudrun v3 + gcloud run deploy really do, checked against their
// sources: actions-utils parseKVString/joinKVStringForGCloud, gcloud's UpdateAction
// (arg_parsers.py), EnvVarKeyType, and config_changes.py's env var type rules.
import type { run_v2 } from "@googleapis/run/build/v2.js";
import { describe, expect, it } from "vitest";
import { candidateFromDeployInputs, type DeployInputs } from "../../../src/candidate/deploy-inputs.js";
import { InputError } from "../../../src/errors.js";
import { revisionConfig } from "../../../src/gcp/cloud-run.js";
import type { RevisionConfig } from "../../../src/model.js";

const target = { project: "chat-staging", region: "us-central1", service: "backend-staging" };
const revision = (containers: run_v2.Schema$GoogleCloudRunV2Container[]): run_v2.Schema$GoogleCloudRunV2Revision => ({
  name: "projects/chat-staging/locations/us-central1/services/backend-staging/revisions/backend-staging-00007-abc",
  serviceAccount: "backend-runtime@chat-staging.iam.gserviceaccount.com",
  containers,
});
/** The live service as the Cloud Run reader labels it: one container without a name. */
const unnamedLive = revisionConfig(
  target,
  revision([
    {
      image: "img",
      ports: [{ containerPort: 8080 }],
      env: [
        { name: "ENVIRONMENT", value: "staging" },
        { name: "JWT_SECRET_KEY", valueSource: { secretKeyRef: { secret: "jwt-secret", version: "3" } } },
      ],
    },
  ]),
  undefined,
);

const base: DeployInputs = { ...target, envVarsUpdateStrategy: "merge", secretsUpdateStrategy: "merge" };
const run = (args: Partial<DeployInputs>) => candidateFromDeployInputs({ ...base, ...args });
const envOf = (config: RevisionConfig) =>
  config.env.map(
    (entry) => `${entry.container}/${entry.name}${entry.secret ? `→${entry.secret.secret}:${entry.secret.version}` : `=${entry.value}`}`,
  );
const ids = (config: RevisionConfig) => (config.notes ?? []).map((finding) => `${finding.id}:${finding.status}`);

describe("merge onto a live service whose single container has no name", () => {
  it("the reader labels the container the same way in env and in the container list", () => {
    expect(unnamedLive.containers).toEqual([""]);
    expect(new Set(unnamedLive.env.map((entry) => entry.container))).toEqual(new Set([""]));
  });

  it("replaces the old value instead of keeping it next to the new one", () => {
    const candidate = run({ live: unnamedLive, envVars: "ENVIRONMENT=production" });
    expect(envOf(candidate)).toEqual(["/ENVIRONMENT=production", "/JWT_SECRET_KEY→jwt-secret:3"]);
    expect(candidate.containers).toEqual([""]);
  });

  it("--remove-env-vars removes it", () => {
    expect(envOf(run({ live: unnamedLive, flags: "--remove-env-vars=ENVIRONMENT" }))).toEqual(["/JWT_SECRET_KEY→jwt-secret:3"]);
  });

  it("a secret over the live plain value of the same name is refused, as gcloud does", () => {
    const candidate = run({ live: unnamedLive, secrets: "ENVIRONMENT=env-secret:latest" });
    expect(ids(candidate)).toEqual(["candidate.env_type_conflict:fail"]);
    expect(candidate.notes?.[0]?.message).toContain(
      "Cannot update environment variable [ENVIRONMENT] to the given type because it has already been set with a different type",
    );
  });

  it("a plain value over the live secret of the same name is refused with gcloud's words", () => {
    const candidate = run({ live: unnamedLive, envVars: "JWT_SECRET_KEY=oops" });
    expect(candidate.notes?.[0]?.message).toContain(
      "Cannot update environment variable [JWT_SECRET_KEY] to string literal because it has already been set with a different type",
    );
  });

  it("removing the plain value in the same deploy lets the secret take the name", () => {
    const candidate = run({ live: unnamedLive, secrets: "ENVIRONMENT=env-secret:latest", flags: "--remove-env-vars=ENVIRONMENT" });
    expect(ids(candidate)).toEqual([]);
    expect(envOf(candidate)).toEqual(["/JWT_SECRET_KEY→jwt-secret:3", "/ENVIRONMENT→env-secret:latest"]);
  });
});

describe("the ingress container gets the changes, wherever it is listed", () => {
  const live = revisionConfig(
    target,
    revision([
      { name: "proxy", image: "envoy", env: [{ name: "LOG_LEVEL", value: "warn" }] },
      { name: "app", image: "app", ports: [{ containerPort: 8080 }], env: [{ name: "LOG_LEVEL", value: "info" }] },
    ]),
    undefined,
  );
  it("merge changes the container with ports, not the first one", () => {
    expect(envOf(run({ live, envVars: "LOG_LEVEL=debug" }))).toEqual(["proxy/LOG_LEVEL=warn", "app/LOG_LEVEL=debug"]);
  });
  it("overwrite clears only the ingress container's plain values; the sidecar keeps its own", () => {
    expect(envOf(run({ live, envVars: "A=1", envVarsUpdateStrategy: "overwrite" }))).toEqual(["proxy/LOG_LEVEL=warn", "app/A=1"]);
  });
});

describe("a key given in two instances of one flag is an error (gcloud UpdateAction)", () => {
  it.each([
    ["secrets input and --update-secrets in flags", { secrets: "A=a:1", flags: "--update-secrets=A=b:2" }, "--update-secrets", "A"],
    ["the same value twice is still refused", { secrets: "A=a:1", flags: "--update-secrets=A=a:1" }, "--update-secrets", "A"],
    [
      "secrets overwrite and --set-secrets",
      { secrets: "A=a:1", secretsUpdateStrategy: "overwrite" as const, flags: "--set-secrets=A=b:2" },
      "--set-secrets",
      "A",
    ],
    ["two --set-env-vars", { flags: "--set-env-vars=A=1 --set-env-vars=B=2,A=3" }, "--set-env-vars", "A"],
    ["env_vars input and --update-env-vars", { envVars: "LOG=1", flags: "--update-env-vars=LOG=2" }, "--update-env-vars", "LOG"],
    ["two --remove-env-vars", { flags: "--remove-env-vars=A --remove-env-vars=A" }, "--remove-env-vars", "A"],
  ])("%s", (_name, args, flag, key) => {
    let caught: unknown;
    try {
      run({ live: unnamedLive, ...args });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InputError);
    const message = (caught as InputError).message;
    expect(message).toContain(`"${key}" cannot be specified multiple times`);
    expect(message).toContain(flag);
    // gcloud's own message quotes both values; ours never does.
    expect(message).not.toMatch(/\b[ab]:[12]\b|=[123]\b/);
  });

  it("within one flag value a repeated key is allowed and the last one wins (ArgDict)", () => {
    expect(envOf(run({ flags: "--set-env-vars=A=1,A=2", envVarsUpdateStrategy: "overwrite" }))).toEqual(["/A=2"]);
  });

  it("different keys across instances merge", () => {
    expect(envOf(run({ envVars: "A=1", flags: "--update-env-vars=B=2" }))).toEqual(["/A=1", "/B=2"]);
  });
});

describe("reserved names", () => {
  it.each([
    ["X_GOOGLE_FOO=1", {}],
    ["PORT=8080", {}],
    ["K_SERVICE=x", {}],
    ["K_REVISION=x", {}],
    ["K_CONFIGURATION=x", {}],
  ])("%s is refused", (envVars) => {
    expect(ids(run({ live: unnamedLive, envVars }))).toEqual(["candidate.reserved_env_name:fail"]);
  });
  it("X_GOOGLE_ in flags and as a secret env name too, with gcloud's reason", () => {
    const fromFlags = run({ live: unnamedLive, flags: "--update-env-vars=X_GOOGLE_A=1" });
    expect(fromFlags.notes?.[0]?.message).toMatch(/X_GOOGLE_.*reserved for use by deployment tools/);
    expect(ids(run({ live: unnamedLive, secrets: "X_GOOGLE_TOKEN=tok:1" }))).toEqual(["candidate.reserved_env_name:fail"]);
  });
  it("names reserved only for Cloud Run jobs are fine on a service", () => {
    expect(ids(run({ live: unnamedLive, envVars: "CLOUD_RUN_JOB=x,CLOUD_RUN_TASK_INDEX=1" }))).toEqual([]);
  });
});

describe('an escaped "=" in a name, as deploy-cloudrun joins it for gcloud', () => {
  it("FOO\\=X=bar reaches gcloud as FOO=X=bar, which sets FOO to X=bar", () => {
    const candidate = run({ envVars: "FOO\\=X=bar", envVarsUpdateStrategy: "overwrite" });
    expect(envOf(candidate)).toEqual(["/FOO=X=bar"]);
    expect(ids(candidate)).toContain("candidate.equals_in_name:warn");
    expect(JSON.stringify(candidate.notes)).not.toContain("bar");
  });
  it("and collides with a plain FOO in the same input: the later one wins in gcloud's dict", () => {
    expect(envOf(run({ envVars: "FOO\\=X=bar,FOO=baz", envVarsUpdateStrategy: "overwrite" }))).toEqual(["/FOO=baz"]);
  });
  it("a comma kept with \\, is safe: deploy-cloudrun picks another delimiter", () => {
    expect(envOf(run({ envVars: "A=x\\,y,B=2", envVarsUpdateStrategy: "overwrite" }))).toEqual(["/A=x,y", "/B=2"]);
  });
  it("in secrets, the name is cut the same way, so the reference gcloud reads is not a secret name", () => {
    expect(() => run({ secrets: "TOKEN\\=V=tok:1", secretsUpdateStrategy: "overwrite" })).toThrow(/"TOKEN".*not a valid Secret Manager id/);
  });
});

describe("what the gate says it cannot predict", () => {
  it("a first deploy (the service does not exist) needs no live config and says nothing", () => {
    expect(ids(run({ envVars: "A=1", firstDeploy: true }))).toEqual([]);
  });
  it("--container in flags is not followed: a warning says so", () => {
    expect(ids(run({ live: unnamedLive, flags: "--container=sidecar --update-env-vars=A=1" }))).toEqual([
      "candidate.container_flag_unread:warn",
    ]);
  });
});
