// Before a deploy: check what is ABOUT to run, read exactly as the deploying
// tool reads it (GRAMMAR.md): a service YAML, or deploy-cloudrun's env_vars /
// secrets / flags merged with the live config.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { incident1, STAGING_SECRET } from "../incidents/incident-1.js";
import { checksOf, runAction } from "./harness.js";
import { startIncident, type World } from "./world.js";
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

    const run = await runAction(world.inputs(manifest, { mode: "candidate", service_yaml: file }));

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

    const run = await runAction(world.inputs(manifest, { mode: "candidate", service_yaml: file }));

    expect(run.outputs.failed_checks).toBe("");
    expect(run.outputs.result).toBe("pass");
    expect(checksOf(run.outputs).map((check) => check.id)).toEqual(expect.arrayContaining(["secret.ok", "jwt.secret_strength"]));
    expect(run.everything).not.toContain(STAGING_SECRET);
  });

  it("secrets input, merge: live config plus the new ref passes", async () => {
    const run = await runAction(world.inputs(manifest, { mode: "candidate", secrets: "JWT_SECRET_STAGING=jwt-secret-staging:latest" }));

    expect(run.outputs.result).toBe("pass");
  });

  it("secrets input naming a secret that does not exist fails before the deploy would", async () => {
    const run = await runAction(world.inputs(manifest, { mode: "candidate", secrets: "JWT_SECRET_STAGING=jwt-secret-stagin:latest" }));

    expect(run.outputs.result).toBe("fail");
    expect(checksOf(run.outputs).map((check) => check.id)).toEqual(expect.arrayContaining(["secret.wrong_secret", "secret.not_found"]));
  });

  it("env_vars overwrite drops what the live service had, as deploy-cloudrun's --set-env-vars would", async () => {
    const run = await runAction(
      world.inputs(manifest, {
        mode: "candidate",
        env_vars: "LOG_LEVEL=info",
        env_vars_update_strategy: "overwrite",
        secrets: "JWT_SECRET_STAGING=jwt-secret-staging:latest",
      }),
    );

    expect(run.outputs.result).toBe("fail");
    expect(checksOf(run.outputs).find((check) => check.subject === "ENVIRONMENT")?.id).toBe("env.missing");
  });

  it("warns where deploy-cloudrun reads the input differently than it looks (quotes kept, # is not a comment)", async () => {
    const run = await runAction(
      world.inputs(manifest, {
        mode: "candidate",
        env_vars: 'ENVIRONMENT="staging"\n# the auth URL\n',
        secrets: "JWT_SECRET_STAGING=jwt-secret-staging:latest",
      }),
    );

    const ids = checksOf(run.outputs).map((check) => check.id);
    expect(ids).toEqual(expect.arrayContaining(["candidate.quotes_kept", "candidate.hash_not_comment"]));
    // The quotes are part of the value deploy-cloudrun sets, so ENVIRONMENT is not "staging".
    expect(ids).toContain("env.value_mismatch");
  });

  it("a bad secrets string is a clear input error naming the input, not a crash", async () => {
    const run = await runAction(world.inputs(manifest, { mode: "candidate", secrets: "=oops" }));

    expect(run.outputs.result).toBe("error");
    expect(run.stdout).toMatch(/::error::cloud-run-deploy-gate could not decide: .*secrets/);
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});
