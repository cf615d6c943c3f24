// Candidate mode through dist/index.js where the real tools read the inputs differently than
// they look: gcloud reads a service YAML as YAML 1.1 and refuses non-strings in string fields;
// deploy-cloudrun parses `secrets` even when it deploys `metadata`; gcloud treats an empty
// `--set-env-vars=` as no change at all.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { incident1 } from "../incidents/incident-1.js";
import { checksOf, runAction } from "./harness.js";
import { startIncident, type World } from "./world.js";

/** A service YAML that passes incident 1's manifest, plus `annotation` and `env` lines. */
const serviceYaml = (annotation: string, env = "") => `apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: backend-staging
  labels:
    cloud.googleapis.com/location: us-central1
spec:
  template:
    metadata:
      annotations:
        run.googleapis.com/execution-environment: gen2
${annotation}
    spec:
      containers:
        - image: us-docker.pkg.dev/chat-staging/app/backend:v2
          env:
            - name: ENVIRONMENT
              value: staging
            - name: JWT_SECRET_STAGING
              valueFrom:
                secretKeyRef: { name: jwt-secret-staging, key: latest }
${env}`;

describe("candidate mode reads inputs as the real tools do", () => {
  let world: World;
  let manifest: string;
  const candidate = (inputs: Record<string, string>) => runAction(world.inputs(manifest, { mode: "candidate", ...inputs }));

  beforeAll(async () => {
    ({ world, manifest } = await startIncident(incident1));
    incident1.broken(world); // live: the revision without JWT_SECRET_STAGING
  });
  afterAll(() => world.close());

  it("service_yaml: the baseline passes", async () => {
    const file = join(world.dir, "grammar-ok.yaml");
    await writeFile(file, serviceYaml(""));
    const run = await candidate({ service_yaml: file });
    expect(run.outputs.failed_checks).toBe("");
    expect(run.outputs.result).toBe("pass");
  });

  // gcloud: "Expected type <class 'str'> for field value, found 10 (type <class 'int'>)"
  it("service_yaml: an unquoted number in an annotation fails, since gcloud run services replace refuses the file", async () => {
    const file = join(world.dir, "grammar-annotation.yaml");
    await writeFile(file, serviceYaml("        autoscaling.knative.dev/maxScale: 10"));
    const run = await candidate({ service_yaml: file });
    expect(run.outputs.result).toBe("fail");
    const finding = checksOf(run.outputs).find((check) => check.id === "candidate.field_type");
    expect(finding?.status).toBe("fail");
    expect(finding?.location).toEqual({ file, line: 12 });
  });

  // YAML 1.1 reads `off` as a boolean: "Expected type <class 'str'> for field value, found False"
  it("service_yaml: an env value `off` (a YAML 1.1 boolean) fails", async () => {
    const file = join(world.dir, "grammar-off.yaml");
    await writeFile(file, serviceYaml("", "            - name: FEATURE_FLAG\n              value: off\n"));
    const run = await candidate({ service_yaml: file });
    expect(run.outputs.result).toBe("fail");
    const finding = checksOf(run.outputs).find((check) => check.id === "candidate.env_value_not_string");
    expect(finding?.status).toBe("fail");
    expect(finding?.subject).toBe("FEATURE_FLAG");
    expect(finding?.message).toContain("boolean");
  });

  // deploy-cloudrun's run() calls parseKVString(getInput('secrets')) before it looks at `metadata`.
  it("service_yaml with a secrets input deploy-cloudrun cannot parse: error, since the deploy step fails on it", async () => {
    const file = join(world.dir, "grammar-secrets.yaml");
    await writeFile(file, serviceYaml(""));
    const run = await candidate({ service_yaml: file, secrets: "JWT_SECRET_STAGING=jwt-secret-staging:latest\\" });
    expect(run.outputs.result).toBe("error");
    expect(run.stdout).toContain('lone "\\"');
  });

  // gcloud: --env-vars-file replaces every plain env var (flags.py _GetEnvChanges: clear_others).
  it("flags --env-vars-file: the file's variables replace the live ones, so a variable only the live service has is missing", async () => {
    const file = join(world.dir, "grammar-env.yaml");
    await writeFile(file, "LOG_LEVEL: info\n");
    const run = await candidate({ flags: `--env-vars-file=${file}`, secrets: "JWT_SECRET_STAGING=jwt-secret-staging:latest" });
    expect(run.outputs.result).toBe("fail");
    expect(checksOf(run.outputs).find((check) => check.subject === "ENVIRONMENT")?.id).toBe("env.missing");

    await writeFile(file, "ENVIRONMENT: staging\n");
    const fixed = await candidate({ flags: `--env-vars-file=${file}`, secrets: "JWT_SECRET_STAGING=jwt-secret-staging:latest" });
    expect(fixed.outputs.failed_checks).toBe("");
    expect(fixed.outputs.result).toBe("pass");
  });

  // gcloud: ArgDict("") is {}, and _GetEnvChanges clears only when bool(args.set_env_vars).
  it('flags "--set-env-vars=" (an empty value) changes nothing: the live ENVIRONMENT stays', async () => {
    const run = await candidate({ flags: '"--set-env-vars="', secrets: "JWT_SECRET_STAGING=jwt-secret-staging:latest" });
    expect(checksOf(run.outputs).find((check) => check.subject === "ENVIRONMENT")?.id).not.toBe("env.missing");
    expect(run.outputs.result).toBe("pass");
  });
});
