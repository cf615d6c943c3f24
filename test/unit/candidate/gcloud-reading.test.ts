// How gcloud itself reads what deploy-cloudrun hands it, checked against googlecloudsdk's
// sources: command_lib/run/flags.py (_GetEnvChanges, _GetSecretsChanges, StripKeys,
// MapLStrip, _ValidatedMountPoint), calliope/arg_parsers.py (argparse `--flag=value`), and
// command_lib/run/config_changes.py (SecretVolumeChanges._UpdateManagedVolumes).
import { describe, expect, it } from "vitest";
import { candidateFromDeployInputs, type DeployInputs } from "../../../src/candidate/deploy-inputs.js";
import { InputError } from "../../../src/errors.js";
import type { RevisionConfig } from "../../../src/model.js";

const live: RevisionConfig = {
  source: "live",
  project: "chat-staging",
  region: "us-central1",
  service: "backend-staging",
  revision: "backend-staging-00041-abc",
  containers: ["backend"],
  env: [
    { name: "ENVIRONMENT", container: "backend", value: "staging" },
    { name: "JWT_SECRET_KEY", container: "backend", secret: { secret: "jwt-secret", version: "3" } },
  ],
  secretVolumes: [
    {
      volume: "tls",
      mounts: [{ container: "backend", mountPath: "/secrets/tls" }],
      ref: { secret: "tls-key", version: "1" },
      path: "key.pem",
    },
  ],
};

const run = (args: Partial<DeployInputs>) =>
  candidateFromDeployInputs({
    service: "backend-staging",
    project: "chat-staging",
    region: "us-central1",
    envVarsUpdateStrategy: "merge",
    secretsUpdateStrategy: "merge",
    live,
    ...args,
  });
const envOf = (config: RevisionConfig) =>
  Object.fromEntries(config.env.map((e) => [e.name, e.secret ? `${e.secret.secret}:${e.secret.version}` : `=${e.value}`]));
const ids = (config: RevisionConfig) => (config.notes ?? []).map((finding) => `${finding.id}:${finding.status}`);
const mounts = (config: RevisionConfig) =>
  config.secretVolumes.map((v) => `${v.mounts.map((m) => m.mountPath).join("+")}|${v.path}|${v.ref.secret}:${v.ref.version}`);

describe("gcloud trims the names it is given in flags (flags.py StripKeys / MapLStrip)", () => {
  it("strips names of --update-env-vars items", () => {
    const env = envOf(run({ flags: '--update-env-vars="NEW=1, SPACED=2 "' }));
    expect(env).toMatchObject({ NEW: "=1", SPACED: "=2 " });
    expect(Object.keys(env)).not.toContain(" SPACED");
  });

  it("strips names of --update-secrets items", () => {
    expect(envOf(run({ flags: '--update-secrets="A=a:1, B=b:2"' }))).toMatchObject({ A: "a:1", B: "b:2" });
  });

  it("refuses a name that is only spaces: it is empty once gcloud strips it", () => {
    expect(() => run({ flags: '--update-env-vars="A=1, =2"' })).toThrow(/empty name/);
  });

  it("left-strips --remove-env-vars items", () => {
    expect(envOf(run({ flags: '--remove-env-vars=" ENVIRONMENT"' }))).not.toHaveProperty("ENVIRONMENT");
  });

  it("checks repeated names before stripping them, so the later one wins", () => {
    // UpdateAction sees "A" and " A" as different keys; StripKeys then keeps the last.
    expect(envOf(run({ flags: '--update-env-vars=A=1 --update-env-vars=" A=2"' }))).toMatchObject({ A: "=2" });
  });
});

describe("argparse reads a quoted --flag=value word as the flag and its value", () => {
  // deploy-cloudrun's README: 'Flags that include other flags must quote the entire outer flag value'.
  it.each([
    ['"--set-env-vars=ONLY=1"', { JWT_SECRET_KEY: "jwt-secret:3", ONLY: "=1" }],
    ["'--update-env-vars=A=x y'", { ENVIRONMENT: "=staging", JWT_SECRET_KEY: "jwt-secret:3", A: "=x y" }],
    ['"--remove-env-vars=ENVIRONMENT"', { JWT_SECRET_KEY: "jwt-secret:3" }],
    ['"--update-secrets=JWT_SECRET_KEY=jwt-secret:4"', { ENVIRONMENT: "=staging", JWT_SECRET_KEY: "jwt-secret:4" }],
  ])("%s", (flags, env) => {
    expect(envOf(run({ flags }))).toEqual(env);
  });

  it("reads the service account and --container from the same form", () => {
    expect(run({ flags: '"--service-account=other@p.iam.gserviceaccount.com"' }).serviceAccount).toBe("other@p.iam.gserviceaccount.com");
    expect(ids(run({ flags: '"--container=proxy" --update-env-vars=A=1' }))).toContain("candidate.container_flag_unread:warn");
  });

  it("still refuses the combinations gcloud refuses", () => {
    expect(() => run({ envVars: "A=1", flags: '"--set-env-vars=B=2"' })).toThrow(/mutually exclusive/);
  });
});

describe("secret mount keys are split at the last '/' (flags.py _ValidatedMountPoint, config_changes.py)", () => {
  it("has no DIR:FILE form: the colon stays in the file name", () => {
    const candidate = run({ secrets: "/secrets/api:config.json=api-config:1" });
    expect(mounts(candidate)).toContain("/secrets|api:config.json|api-config:1");
    expect(ids(candidate)).toEqual(["candidate.colon_in_mount_key:warn"]);
  });

  it.each(["/secrets:key=k:1", "/key=k:1"])("refuses %j like gcloud (mount path must be /<mountPath>/<path>)", (secrets) => {
    expect(() => run({ secrets })).toThrow(/\/<mountPath>\/<path>/);
    expect(() => run({ secrets })).toThrow(InputError);
  });

  it("refuses a second secret in a directory whose live files it does not all replace", () => {
    // _UpdateManagedVolumes: "Multiple secrets are specified for directory [...]"
    expect(() => run({ secrets: "/secrets/tls/cert.pem=tls-cert:1" })).toThrow(/only supports one secret per directory/);
  });

  it("lets another secret replace every live file of a directory", () => {
    expect(mounts(run({ secrets: "/secrets/tls/key.pem=tls-cert:1" }))).toEqual(["/secrets/tls|key.pem|tls-cert:1"]);
  });

  it("lets another secret into a directory that --remove-secrets empties first", () => {
    const candidate = run({ secrets: "/secrets/tls/cert.pem=tls-cert:1", flags: "--remove-secrets=/secrets/tls/key.pem" });
    expect(mounts(candidate)).toEqual(["/secrets/tls|cert.pem|tls-cert:1"]);
  });
});

describe("--remove-secrets removes one file, split at the last '/' (_PruneManagedVolumeMapping)", () => {
  it("removes the named file, and the mount once it holds no file", () => {
    expect(mounts(run({ flags: "--remove-secrets=/secrets/tls/key.pem" }))).toEqual([]);
  });

  it("reads a directory as a file in its parent, so the live mount stays", () => {
    expect(mounts(run({ flags: "--remove-secrets=/secrets/tls" }))).toEqual(["/secrets/tls|key.pem|tls-key:1"]);
  });
});

describe("words gcloud cannot place", () => {
  // gcloud run deploy takes one positional (SERVICE, which deploy-cloudrun passes): any other word
  // is refused ("unrecognized arguments"). After a value flag's value, a word without "-" is one.
  it.each([
    ["--update-env-vars=GREETING=hello world", /unrecognized arguments/],
    ["--update-env-vars A=1 B=2", /unrecognized arguments/],
    ["--set-secrets=A=a:1 B=b:2", /unrecognized arguments/],
    // store_true switches take no value; deploy-cloudrun splits "--clear-env-vars=true" into two words.
    ["--clear-env-vars=true", /unrecognized arguments/],
    ["--clear-secrets yes", /unrecognized arguments/],
  ])("refuses %j", (flags, pattern) => {
    expect(() => run({ flags })).toThrow(pattern);
    expect(() => run({ flags })).toThrow(InputError);
  });

  it("does not quote the stray word, which may be part of a value", () => {
    expect(() => run({ flags: "--update-env-vars=TOKEN=abc def-secret-tail" })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining("def-secret-tail") }),
    );
  });

  it("leaves words after flags it does not know alone (they may be those flags' values)", () => {
    expect(() => run({ flags: "--cpu 2 --memory 1Gi --update-env-vars=A=1 --port 8080" })).not.toThrow();
  });
});

describe("names gcloud cannot read", () => {
  it("an env_vars name written as \\=X reaches gcloud as an item with no name: refused", () => {
    // deploy-cloudrun re-joins the pair as "=X=1"; ArgDict's ([^=]+)(=?)(.*) does not match it.
    expect(ids(run({ envVars: "\\=X=1" }))).toContain("candidate.empty_key:fail");
  });
});

describe("a secret reference given in env_vars", () => {
  it.each(["jwt-secret:latest", "projects/123456789012/secrets/jwt-secret:3", "projects/123456789012/secrets/jwt/versions/2"])(
    "warns that %j is set as plain text, without quoting it",
    (value) => {
      const candidate = run({ envVars: `JWT_SIGNING_KEY=${value}` });
      expect(ids(candidate)).toEqual(["candidate.secret_ref_in_env_vars:warn"]);
      expect(JSON.stringify(candidate.notes)).not.toContain(value);
      expect(envOf(candidate).JWT_SIGNING_KEY).toBe(`=${value}`);
    },
  );

  it.each(["redis:6379", "https://auth.example/x:1", "v1:2"])("does not warn about %j", (value) => {
    expect(ids(run({ envVars: `UPSTREAM=${value}` }))).toEqual([]);
  });
});
