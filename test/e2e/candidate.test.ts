// Before a deploy: check what is ABOUT to run, read exactly as the deploying
// tool reads it (GRAMMAR.md): a service YAML, or deploy-cloudrun's env_vars /
// secrets / flags merged with the live config.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { incident1, STAGING_SECRET } from "../incidents/incident-1.js";
import { checksOf, runAction } from "./harness.js";
import { startIncident, type World } from "./world.js";
import { defaultComputeAccount, deploy } from "../emulators/scenario.js";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";

const serviceYaml = (secretRef: string) => `apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: backend-staging
  labels:
    cloud.googleapis.com/location: us-central1
spec:
  template:
    spec:
      containers:
        - image: us-docker.pkg.dev/chat-staging/app/backend:v2
          env:
            - name: ENVIRONMENT
              value: staging
${secretRef}`;

/** The gate in candidate mode: what is about to be deployed, given by these inputs, against the world's live service. */
const candidate = (world: World, manifest: string, inputs: Record<string, string>) =>
  runAction(world.inputs(manifest, { mode: "candidate", ...inputs }));

describe("mode: candidate", () => {
  let world: World;
  let manifest: string;

  beforeAll(async () => {
    ({ world, manifest } = await startIncident(incident1));
    incident1.broken(world); // live: the revision without JWT_SECRET_STAGING
  });
  afterAll(() => world.close());

  it("service_yaml: fails the YAML that lacks the JWT secret, before anything is deployed", async () => {
    const file = join(world.dir, "service.yaml");
    await writeFile(file, serviceYaml(""));
    const deploysBefore = world.cloudRun.requests.length;

    const run = await candidate(world, manifest, { service_yaml: file });

    expect(run.outputs.result).toBe("fail");
    expect(run.outputs.failed_checks?.split(",")).toContain("secret.missing");
    // Candidate mode does not probe and does not need the live service.
    expect(checksOf(run.outputs).some((check) => check.id.startsWith("ws."))).toBe(false);
    expect(world.cloudRun.requests.length).toBe(deploysBefore);
  });

  it("service_yaml: passes with a secretKeyRef, and checks the secret exists in Secret Manager", async () => {
    const file = join(world.dir, "service-fixed.yaml");
    await writeFile(
      file,
      serviceYaml(
        "            - name: JWT_SECRET_STAGING\n              valueFrom:\n                secretKeyRef: { name: jwt-secret-staging, key: latest }\n",
      ),
    );

    const run = await candidate(world, manifest, { service_yaml: file });

    expect(run.outputs.failed_checks).toBe("");
    expect(run.outputs.result).toBe("pass");
    expect(checksOf(run.outputs).map((check) => check.id)).toEqual(expect.arrayContaining(["secret.ok", "jwt.secret_strength"]));
    expect(run.everything).not.toContain(STAGING_SECRET);
  });

  // deploy-cloudrun with metadata: runs "gcloud run services replace" (its src/main.ts): env_vars and
  // secrets are dropped, flags are still appended, and replace has no --set-env-vars.
  it("service_yaml with env_vars/secrets: warns that deploy-cloudrun ignores them, and judges the YAML alone", async () => {
    const file = join(world.dir, "service-ignored.yaml");
    await writeFile(file, serviceYaml(""));

    const run = await candidate(world, manifest, { service_yaml: file, secrets: "JWT_SECRET_STAGING=jwt-secret-staging:latest" });

    expect(run.outputs.result).toBe("fail");
    expect(run.outputs.failed_checks?.split(",")).toContain("secret.missing");
    const ignored = checksOf(run.outputs).find((check) => check.id === "candidate.ignored_with_service_yaml");
    expect(ignored?.status).toBe("warn");
    expect(ignored?.message).toContain("secrets is ignored with service_yaml");
  });

  it("service_yaml with a deploy-only flag: error, since gcloud run services replace refuses it", async () => {
    const file = join(world.dir, "service-flags.yaml");
    await writeFile(file, serviceYaml(""));

    const run = await candidate(world, manifest, {
      service_yaml: file,
      flags: '--region=europe-west1 "--update-secrets=JWT_SECRET_STAGING=jwt-secret-staging:latest"',
    });

    expect(run.outputs.result).toBe("error");
    expect(run.stdout).toContain("flags --update-secrets with service_yaml");
    expect(run.stdout).toContain("gcloud run services replace");
  });

  it("secrets input, merge: live config plus the new ref passes", async () => {
    const run = await candidate(world, manifest, { secrets: "JWT_SECRET_STAGING=jwt-secret-staging:latest" });

    expect(run.outputs.result).toBe("pass");
  });

  it("secrets input naming a secret that does not exist fails before the deploy would", async () => {
    const run = await candidate(world, manifest, { secrets: "JWT_SECRET_STAGING=jwt-secret-stagin:latest" });

    expect(run.outputs.result).toBe("fail");
    expect(checksOf(run.outputs).map((check) => check.id)).toEqual(expect.arrayContaining(["secret.wrong_secret", "secret.not_found"]));
  });

  it("env_vars overwrite drops what the live service had, as deploy-cloudrun's --set-env-vars would", async () => {
    const run = await candidate(world, manifest, {
      env_vars: "LOG_LEVEL=info",
      env_vars_update_strategy: "overwrite",
      secrets: "JWT_SECRET_STAGING=jwt-secret-staging:latest",
    });

    expect(run.outputs.result).toBe("fail");
    expect(checksOf(run.outputs).find((check) => check.subject === "ENVIRONMENT")?.id).toBe("env.missing");
  });

  it('a quoted "--set-env-vars=…" in flags is one argv word that gcloud still reads as --set-env-vars', async () => {
    // deploy-cloudrun's README tells users to quote the entire flag; parseFlags then keeps the "=" inside the word.
    const run = await candidate(world, manifest, {
      flags: '"--set-env-vars=LOG_LEVEL=info"',
      secrets: "JWT_SECRET_STAGING=jwt-secret-staging:latest",
    });

    expect(run.outputs.result).toBe("fail");
    expect(checksOf(run.outputs).find((check) => check.subject === "ENVIRONMENT")?.id).toBe("env.missing");
  });

  it("warns where deploy-cloudrun reads the input differently than it looks (quotes kept, # is not a comment)", async () => {
    const run = await candidate(world, manifest, {
      env_vars: 'ENVIRONMENT="staging"\n# the auth URL\n',
      secrets: "JWT_SECRET_STAGING=jwt-secret-staging:latest",
    });

    const ids = checksOf(run.outputs).map((check) => check.id);
    expect(ids).toEqual(expect.arrayContaining(["candidate.quotes_kept", "candidate.hash_not_comment"]));
    // The quotes are part of the value deploy-cloudrun sets, so ENVIRONMENT is not "staging".
    expect(ids).toContain("env.value_mismatch");
  });

  it('FOO\\=X=bar is what gcloud reads after deploy-cloudrun re-joins it: the variable FOO, set to "X=bar"', async () => {
    const run = await candidate(world, manifest, {
      env_vars: "ENVIRONMENT\\=X=staging",
      secrets: "JWT_SECRET_STAGING=jwt-secret-staging:latest",
    });

    expect(run.outputs.result).toBe("fail");
    const ids = checksOf(run.outputs).map((check) => check.id);
    expect(ids).toEqual(expect.arrayContaining(["candidate.equals_in_name", "env.value_mismatch"]));
  });

  it("X_GOOGLE_ names are refused, as gcloud refuses them", async () => {
    const run = await candidate(world, manifest, { env_vars: "X_GOOGLE_TRACE=1", secrets: "JWT_SECRET_STAGING=jwt-secret-staging:latest" });

    expect(run.outputs.result).toBe("fail");
    expect(run.outputs.failed_checks?.split(",")).toContain("candidate.reserved_env_name");
  });

  it("a bad secrets string is a clear input error naming the input, not a crash", async () => {
    const run = await candidate(world, manifest, { secrets: "=oops" });

    expect(run.outputs.result).toBe("error");
    expect(run.stdout).toMatch(/::error::cloud-run-deploy-gate could not decide: .*secrets/);
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});

describe("mode: candidate merges onto the live service as gcloud run deploy does", () => {
  const RUNTIME_ACCOUNT = "backend-runtime@chat-staging.iam.gserviceaccount.com";
  let world: World;
  let manifest: string;

  /** The live service: one container without a name (as many services created from YAML have). */
  const deployUnnamed = (spec: Parameters<typeof deploy>[2]) => {
    deploy(world.scenario, "backend-staging", { url: world.backends.get("backend-staging")?.url ?? "", ...spec });
    for (const revision of world.scenario.services.get("backend-staging")?.revisions.values() ?? []) {
      for (const container of revision.containers ?? []) delete container.name;
    }
  };

  beforeAll(async () => {
    ({ world, manifest } = await startIncident(incident1));
  });
  afterAll(() => world.close());

  it("merge onto an unnamed container replaces the old value (it used to keep both, and the old one won)", async () => {
    deployUnnamed({ env: { ENVIRONMENT: "production" }, secrets: { JWT_SECRET_STAGING: "jwt-secret-staging:latest" } });

    const run = await candidate(world, manifest, { env_vars: "ENVIRONMENT=staging" });

    expect(checksOf(run.outputs).filter((check) => check.status !== "pass" && check.status !== "skip")).toEqual([]);
    expect(run.outputs.result).toBe("pass");
  });

  it("a secret over the live plain variable of the same name is refused, as gcloud refuses it", async () => {
    deployUnnamed({ env: { ENVIRONMENT: "staging", JWT_SECRET_STAGING: "plain-value-not-a-secret-0123456789" } });

    const run = await candidate(world, manifest, { secrets: "JWT_SECRET_STAGING=jwt-secret-staging:latest" });

    expect(run.outputs.result).toBe("fail");
    const conflict = checksOf(run.outputs).find((check) => check.id === "candidate.env_type_conflict");
    expect(conflict?.message).toContain("Cannot update environment variable [JWT_SECRET_STAGING] to the given type");
    expect(run.everything).not.toContain("plain-value-not-a-secret");
  });

  it("overwrite of both still checks IAM for the live runtime account, which gcloud keeps", async () => {
    // The project grants secretAccessor to the default compute account only; the service runs as another.
    deployUnnamed({ env: { ENVIRONMENT: "staging" }, serviceAccount: RUNTIME_ACCOUNT });

    const run = await candidate(world, manifest, {
      env_vars: "ENVIRONMENT=staging",
      env_vars_update_strategy: "overwrite",
      secrets: "JWT_SECRET_STAGING=jwt-secret-staging:latest",
      secrets_update_strategy: "overwrite",
    });

    expect(run.outputs.result).toBe("fail");
    const missing = checksOf(run.outputs).find((check) => check.id === "iam.accessor_missing");
    expect(missing?.message).toContain(RUNTIME_ACCOUNT);
  });

  it("--service-account in flags is the account checked", async () => {
    const run = await candidate(world, manifest, {
      secrets: "JWT_SECRET_STAGING=jwt-secret-staging:latest",
      secrets_update_strategy: "overwrite",
      flags: `--service-account=${defaultComputeAccount(world.scenario)}`,
    });

    expect(run.outputs.result).toBe("pass");
  });

  it("a key in both the secrets input and --update-secrets in flags is an error, as in gcloud", async () => {
    const run = await candidate(world, manifest, {
      secrets: "JWT_SECRET_STAGING=jwt-secret-staging:latest",
      flags: "--update-secrets=JWT_SECRET_STAGING=jwt-secret-staging:2",
    });

    expect(run.outputs.result).toBe("error");
    expect(run.stdout).toContain('"JWT_SECRET_STAGING" cannot be specified multiple times');
  });

  it("a service answer without a template is an error (cannot merge), never a pass on the inputs alone", async () => {
    const entry = world.scenario.services.get("backend-staging");
    const template = entry?.service.template;
    if (entry) delete entry.service.template;
    try {
      const run = await candidate(world, manifest, {
        env_vars: "ENVIRONMENT=staging",
        secrets: "JWT_SECRET_STAGING=jwt-secret-staging:latest",
      });
      expect(run.outputs.result).toBe("error");
      expect(run.stdout).toContain("no service template to merge the deploy onto");
    } finally {
      if (entry && template) entry.service.template = template;
    }
  });

  it("a first deploy (no service yet) falls back to the default compute account", async () => {
    world.scenario.services.delete("backend-staging");

    const run = await candidate(world, manifest, {
      env_vars: "ENVIRONMENT=staging",
      secrets: "JWT_SECRET_STAGING=jwt-secret-staging:latest",
    });

    expect(checksOf(run.outputs).find((check) => check.id === "iam.accessor")?.message).toContain(defaultComputeAccount(world.scenario));
    expect(run.outputs.result).toBe("pass");
  });
});

describe("mode: candidate never quotes what may be secret in its warnings", () => {
  const PEM_BODY = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj";
  let world: World;
  let manifest: string;

  beforeAll(async () => {
    ({ world, manifest } = await startIncident(incident1));
    incident1.fixed(world);
  });
  afterAll(() => world.close());

  it("a PEM pasted into env_vars: each line becomes a pair, and no warning shows its text", async () => {
    const run = await candidate(world, manifest, {
      env_vars: `ENVIRONMENT=staging\nTLS_KEY=-----BEGIN PRIVATE KEY-----\n${PEM_BODY}\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC=\n-----END PRIVATE KEY-----`,
    });

    const ids = checksOf(run.outputs).map((check) => check.id);
    expect(ids).toContain("candidate.empty_value");
    expect(run.everything).not.toContain(PEM_BODY.slice(0, 12));
    expect(run.everything).not.toContain("MIIEvQIBADAN");
    // Nor its length, which narrows a secret down.
    expect(run.everything).not.toMatch(/\b(64|32)-character/);
  });

  it("a secret value where a secret name belongs is never echoed back", async () => {
    const value = "s3cr3tValue_Zx81Qw";
    const run = await candidate(world, manifest, { secrets: `JWT_SECRET_STAGING=${value}` });

    expect(run.outputs.result).toBe("fail");
    expect(run.everything).not.toContain(value);
  });
});

describe("mode: candidate reads service YAML as gcloud run services replace does", () => {
  let world: World;
  let manifest: string;

  beforeAll(async () => {
    ({ world, manifest } = await startIncident(incident1));
  });
  afterAll(() => world.close());

  const runYaml = async (name: string, text: string) => {
    const file = join(world.dir, name);
    await writeFile(file, text);
    return { file, run: await candidate(world, manifest, { service_yaml: file }) };
  };

  it("a typo'd field (valie:) is refused with its line, not read as an empty value", async () => {
    const { run } = await runYaml(
      "typo.yaml",
      serviceYaml(
        "            - name: JWT_SECRET_STAGING\n              valueFrom:\n                secretKeyRef: { name: jwt-secret-staging, key: latest }\n            - name: LOG_LEVEL\n              valie: debug\n",
      ),
    );

    expect(run.outputs.result).toBe("error");
    expect(run.stdout).toMatch(/typo\.yaml:19: unknown field "valie"/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it("an unrendered template is refused: render it before the gate, with the line", async () => {
    const { run } = await runYaml(
      "template.yaml",
      serviceYaml("").replace(
        "image: us-docker.pkg.dev/chat-staging/app/backend:v2",
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${X} placeholder is the point
        "image: us-docker.pkg.dev/chat-staging/app/backend:${IMAGE_TAG}",
      ),
    );

    expect(run.outputs.result).toBe("error");
    expect(run.stdout).toMatch(/template\.yaml:11: this file is a template: render it before the gate/);
  });

  it("Google's multi-container shape passes: sidecar PORT, ingress listed second, alias by project id, mount path with a trailing /", async () => {
    const { run } = await runYaml(
      "multi.yaml",
      `apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: backend-staging
spec:
  template:
    metadata:
      annotations:
        run.googleapis.com/secrets: 'jwt:projects/chat-staging/secrets/jwt-secret-staging'
    spec:
      containers:
        - name: collector
          image: us-docker.pkg.dev/cloud-ops-agents-artifacts/cloud-run-gmp-sidecar/cloud-run-gmp-sidecar:1.0.0
          env:
            - name: PORT
              value: "8081"
        - name: app
          image: us-docker.pkg.dev/chat-staging/app/backend:v2
          ports:
            - containerPort: 8080
          env:
            - name: ENVIRONMENT
              value: staging
            - name: JWT_SECRET_STAGING
              valueFrom:
                secretKeyRef: { name: jwt, key: latest }
          volumeMounts:
            - name: jwt-file
              mountPath: /secrets/jwt/
      volumes:
        - name: jwt-file
          secret:
            secretName: jwt
            items: [{ key: latest, path: key }]
`,
    );

    expect(checksOf(run.outputs).filter((check) => check.status === "fail" || check.status === "error")).toEqual([]);
    expect(run.outputs.result).toBe("pass");
    expect(run.outputs.report).not.toContain("/secrets/jwt//key");
  });
});
