import { describe, expect, it } from "vitest";
import { candidateFromDeployInputs, type DeployInputs } from "../../../src/candidate/deploy-inputs.js";
import { InputError } from "../../../src/errors.js";
import type { RevisionConfig } from "../../../src/model.js";

const live: RevisionConfig = {
  source: "live",
  project: "chat-staging",
  region: "us-central1",
  service: "backend-staging",
  revision: "projects/chat-staging/locations/us-central1/services/backend-staging/revisions/backend-staging-00041-abc",
  serviceAccount: "backend-staging@chat-staging.iam.gserviceaccount.com",
  containers: ["backend", "proxy"],
  env: [
    { name: "AUTH_SERVICE_URL", container: "backend", value: "https://auth.example" },
    { name: "ENVIRONMENT", container: "backend", value: "staging" },
    { name: "JWT_SECRET_KEY", container: "backend", secret: { secret: "jwt-secret", version: "3" } },
    { name: "PROXY_TOKEN", container: "proxy", secret: { secret: "proxy-token", version: "latest" } },
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

const base: DeployInputs = {
  service: "backend-staging",
  project: "chat-staging",
  region: "us-central1",
  envVarsUpdateStrategy: "merge",
  secretsUpdateStrategy: "merge",
};

const run = (args: Partial<DeployInputs>) => candidateFromDeployInputs({ ...base, ...args });
const envOf = (config: RevisionConfig) =>
  Object.fromEntries(
    config.env.map((entry) => [
      `${entry.container}/${entry.name}`,
      entry.secret ? `${entry.secret.secret}:${entry.secret.version}` : `=${entry.value}`,
    ]),
  );
const ids = (config: RevisionConfig) => (config.notes ?? []).map((finding) => `${finding.id}:${finding.status}`);

describe("candidateFromDeployInputs with live config", () => {
  const cases: [name: string, args: Partial<DeployInputs>, env: Record<string, string>][] = [
    [
      "no inputs keep the live env (deploy-cloudrun emits no flag)",
      { live },
      {
        "backend/AUTH_SERVICE_URL": "=https://auth.example",
        "backend/ENVIRONMENT": "=staging",
        "backend/JWT_SECRET_KEY": "jwt-secret:3",
        "proxy/PROXY_TOKEN": "proxy-token:latest",
      },
    ],
    [
      "merge adds and replaces plain values",
      { live, envVars: "ENVIRONMENT=prod\nNEW=1" },
      {
        "backend/AUTH_SERVICE_URL": "=https://auth.example",
        "backend/ENVIRONMENT": "=prod",
        "backend/JWT_SECRET_KEY": "jwt-secret:3",
        "proxy/PROXY_TOKEN": "proxy-token:latest",
        "backend/NEW": "=1",
      },
    ],
    [
      "overwrite replaces plain values but keeps secret env vars",
      { live, envVars: "ONLY=1", envVarsUpdateStrategy: "overwrite" },
      { "backend/JWT_SECRET_KEY": "jwt-secret:3", "proxy/PROXY_TOKEN": "proxy-token:latest", "backend/ONLY": "=1" },
    ],
    [
      "overwrite with {} changes nothing (v3 emits no flag)",
      { live, envVars: "{}", envVarsUpdateStrategy: "overwrite", secrets: "{}", secretsUpdateStrategy: "overwrite" },
      {
        "backend/AUTH_SERVICE_URL": "=https://auth.example",
        "backend/ENVIRONMENT": "=staging",
        "backend/JWT_SECRET_KEY": "jwt-secret:3",
        "proxy/PROXY_TOKEN": "proxy-token:latest",
      },
    ],
    [
      "secrets overwrite replaces secret env vars of the target container only",
      { live, secrets: "SERVICE_SECRET=service-secret:latest", secretsUpdateStrategy: "overwrite" },
      {
        "backend/AUTH_SERVICE_URL": "=https://auth.example",
        "backend/ENVIRONMENT": "=staging",
        "proxy/PROXY_TOKEN": "proxy-token:latest",
        "backend/SERVICE_SECRET": "service-secret:latest",
      },
    ],
    [
      "flags --remove-env-vars and --remove-secrets",
      { live, flags: "--remove-env-vars=ENVIRONMENT --remove-secrets=JWT_SECRET_KEY" },
      { "backend/AUTH_SERVICE_URL": "=https://auth.example", "proxy/PROXY_TOKEN": "proxy-token:latest" },
    ],
    [
      "--clear-env-vars in flags",
      { live, flags: "--clear-env-vars" },
      { "backend/JWT_SECRET_KEY": "jwt-secret:3", "proxy/PROXY_TOKEN": "proxy-token:latest" },
    ],
    [
      "cross-project secret from flags",
      { live, flags: "--update-secrets=SHARED=projects/987654321098/secrets/shared:2" },
      {
        "backend/AUTH_SERVICE_URL": "=https://auth.example",
        "backend/ENVIRONMENT": "=staging",
        "backend/JWT_SECRET_KEY": "jwt-secret:3",
        "proxy/PROXY_TOKEN": "proxy-token:latest",
        "backend/SHARED": "shared:2",
      },
    ],
  ];
  it.each(cases)("%s", (_name, args, env) => {
    const candidate = run(args);
    expect(envOf(candidate)).toEqual(env);
    expect(candidate).toMatchObject({ source: "candidate", revision: "candidate", containers: ["backend", "proxy"] });
    expect(ids(candidate)).toEqual([]);
  });

  it("keeps the live service account unless flags set one", () => {
    expect(run({ live }).serviceAccount).toBe(live.serviceAccount);
    expect(run({ live, flags: "--service-account=other@p.iam.gserviceaccount.com" }).serviceAccount).toBe(
      "other@p.iam.gserviceaccount.com",
    );
  });

  it("records the project of a cross-project secret", () => {
    const entry = run({ live, secrets: "SHARED=projects/987654321098/secrets/shared" }).env.find((e) => e.name === "SHARED");
    expect(entry).toEqual({
      name: "SHARED",
      container: "backend",
      secret: { secret: "shared", project: "987654321098", version: "latest" },
    });
  });
});

describe("candidateFromDeployInputs secret volumes", () => {
  it("adds a mount from the secrets input", () => {
    const candidate = run({ live, secrets: "/secrets/api/key=api-key:2" });
    expect(candidate.secretVolumes).toContainEqual({
      volume: "api-key",
      mounts: [{ container: "backend", mountPath: "/secrets/api" }],
      ref: { secret: "api-key", version: "2" },
      path: "key",
    });
    expect(candidate.secretVolumes).toHaveLength(2);
  });

  it("replaces a different secret mounted in the same directory when it gives all its files", () => {
    const candidate = run({ live, secrets: "/secrets/tls/cert.pem=tls-cert:1,/secrets/tls/key.pem=tls-cert:2" });
    expect(candidate.secretVolumes).toEqual([
      {
        volume: "tls-cert",
        mounts: [{ container: "backend", mountPath: "/secrets/tls" }],
        ref: { secret: "tls-cert", version: "1" },
        path: "cert.pem",
      },
      {
        volume: "tls-cert",
        mounts: [{ container: "backend", mountPath: "/secrets/tls" }],
        ref: { secret: "tls-cert", version: "2" },
        path: "key.pem",
      },
    ]);
  });

  it("adds another version of the same secret next to the live one", () => {
    const candidate = run({ live, secrets: "/secrets/tls/key.next=tls-key:2" });
    expect(candidate.secretVolumes.map((v) => `${v.volume}:${v.path}:${v.ref.version}`)).toEqual(["tls:key.pem:1", "tls:key.next:2"]);
  });

  it("--set-secrets drops live mounts; --remove-secrets drops one file", () => {
    expect(run({ live, flags: "--set-secrets=A=a:1" }).secretVolumes).toEqual([]);
    expect(run({ live, flags: "--remove-secrets=/secrets/tls/key.pem" }).secretVolumes).toEqual([]);
    // A bare directory is a file in its parent to gcloud (rsplit('/', 1)): nothing is removed.
    expect(run({ live, flags: "--remove-secrets=/secrets/tls" }).secretVolumes).toEqual(live.secretVolumes);
  });

  it.each([
    ["/dev/x/key=k:1", /\/dev, \/proc and \/sys/],
    ["/s/a=x:1,/s/b=y:1", /two different secrets/],
    ["/s:a=x:1", /\/<mountPath>\/<path>/],
  ])("refuses %j", (secrets, pattern) => {
    expect(() => run({ live, secrets })).toThrow(pattern);
  });
});

describe("candidateFromDeployInputs notes", () => {
  const cases: [name: string, args: Partial<DeployInputs>, expected: string[]][] = [
    ["merge without live config", { envVars: "A=1" }, ["candidate.no_live_config:warn"]],
    [
      "overwrite of everything needs no live config",
      { envVars: "A=1", envVarsUpdateStrategy: "overwrite", flags: "--clear-secrets --service-account=a@b" },
      [],
    ],
    ["quotes kept", { live, envVars: 'A="x"' }, ["candidate.quotes_kept:warn"]],
    ["# line", { live, envVars: "# staging values\nA=1" }, ["candidate.hash_not_comment:warn"]],
    ["KEY: value", { live, envVars: "A: 1" }, ["candidate.colon_in_key:warn"]],
    ["empty value", { live, envVars: "A=" }, ["candidate.empty_value:warn"]],
    ["empty key", { live, envVars: "A=1, =2" }, ["candidate.empty_key:fail"]],
    [
      "missing versions, all reported",
      { live, secrets: "SERVICE_SECRET=service-secret\nSECRET_KEY=secret-key" },
      ["candidate.secret_version_missing:fail", "candidate.secret_version_missing:fail"],
    ],
    ["plain value over a live secret", { live, envVars: "JWT_SECRET_KEY=oops" }, ["candidate.env_type_conflict:fail"]],
    ["secret over a live plain value", { live, secrets: "ENVIRONMENT=env:1" }, ["candidate.env_type_conflict:fail"]],
    ["reserved name", { live, envVars: "PORT=8080" }, ["candidate.reserved_env_name:fail"]],
    ["env vars file in flags", { live, flags: "--env-vars-file=.env.yaml" }, ["candidate.env_vars_file_unread:warn"]],
  ];
  it.each(cases)("%s", (_name, args, expected) => {
    expect(ids(run(args))).toEqual(expected);
  });

  it("gives a hint with every note and skips entries without a version", () => {
    const candidate = run({ live, secrets: "SERVICE_SECRET=service-secret" });
    expect(candidate.notes?.[0]?.hint).toContain("SECRET_NAME:latest");
    expect(JSON.stringify(candidate.notes)).not.toContain("service-secret");
    expect(candidate.notes?.[0]?.subject).toBe("SERVICE_SECRET");
    expect(candidate.env.some((entry) => entry.name === "SERVICE_SECRET")).toBe(false);
  });

  it("uses container name '' without live config", () => {
    const candidate = run({ envVars: "A=1", envVarsUpdateStrategy: "overwrite" });
    expect(candidate.containers).toEqual([""]);
    expect(candidate.env).toEqual([{ name: "A", container: "", value: "1" }]);
    expect(candidate.serviceAccount).toBeUndefined();
  });
});

describe("candidateFromDeployInputs errors", () => {
  it.each([
    ["set with update", { envVars: "A=1", flags: "--set-env-vars=B=2" }, /--set-env-vars and --update-env-vars/],
    [
      "overwrite with --update-env-vars",
      { envVars: "A=1", envVarsUpdateStrategy: "overwrite" as const, flags: "--update-env-vars=B=2" },
      /mutually exclusive/,
    ],
    ["clear with set", { flags: "--clear-secrets --set-secrets=A=a:1" }, /--set-secrets and --clear-secrets/],
    ["bad kv", { envVars: "=oops" }, /env_vars pair 1/],
    ["bad secret", { secrets: "A=projects/my-project/secrets/x:1" }, /project number/],
    ["bad flags", { flags: '--set-env-vars="A=1' }, /unterminated/],
    // deploy-cloudrun's own --update-env-vars comes first; gcloud refuses a key given again in flags.
    [
      "same name in the input and in flags",
      { envVars: "A=input", flags: "--update-env-vars=A=flag" },
      /"A" cannot be specified multiple times/,
    ],
  ])("%s", (_name, args, pattern) => {
    expect(() => run(args)).toThrow(pattern);
    expect(() => run(args)).toThrow(InputError);
  });
});

describe("incident 2: backend-staging secrets", () => {
  it("predicts the four secret env vars and the plain URL", () => {
    const candidate = run({
      envVars: "AUTH_SERVICE_URL=https://auth-staging-abcdefghij-uc.a.run.app",
      secrets:
        "SERVICE_SECRET=service-secret-staging:latest\nJWT_SECRET_KEY=jwt-secret-staging:3\nSERVICE_ID=service-id-staging:2\nSECRET_KEY=secret-key-staging:1",
      envVarsUpdateStrategy: "overwrite",
      secretsUpdateStrategy: "overwrite",
      flags: "--service-account=backend-staging@chat-staging.iam.gserviceaccount.com",
    });
    expect(envOf(candidate)).toEqual({
      "/AUTH_SERVICE_URL": "=https://auth-staging-abcdefghij-uc.a.run.app",
      "/SERVICE_SECRET": "service-secret-staging:latest",
      "/JWT_SECRET_KEY": "jwt-secret-staging:3",
      "/SERVICE_ID": "service-id-staging:2",
      "/SECRET_KEY": "secret-key-staging:1",
    });
    expect(candidate.notes).toEqual([]);
  });
});
