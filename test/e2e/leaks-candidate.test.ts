// Candidate inputs (env_vars, secrets, flags, a service YAML) are the user's
// files and workflow text, and they may hold a literal secret: a value pasted
// where a reference belongs, a password in env_vars, a YAML that does not
// parse on the very line of a key. No message may quote it. Through dist/index.js.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { incident1 } from "../incidents/incident-1.js";
import { runAction } from "./harness.js";
import { startIncident, type World } from "./world.js";

const PASTED = "Vq7Zr2Kp9Lx4Wm8Tn3Hb6Jd1Fs5Gc0YaQeUi";
const WORDS = "hunter2hunter2";

const yaml = (env: string) => `apiVersion: serving.knative.dev/v1
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
${env}`;

describe("candidate inputs holding a literal secret", () => {
  let world: World;
  let manifest: string;

  beforeAll(async () => {
    ({ world, manifest } = await startIncident(incident1));
    incident1.broken(world);
  });
  afterAll(() => world.close());

  const candidate = (inputs: Record<string, string>) => runAction(world.inputs(manifest, { mode: "candidate", ...inputs }));
  const expectHidden = (text: string) => {
    for (const secret of [PASTED, PASTED.slice(0, 8), PASTED.slice(-8), WORDS]) expect(text).not.toContain(secret);
  };

  it.each([
    ["secrets: a value pasted instead of NAME:VERSION", { secrets: `JWT_SECRET_STAGING=${PASTED}` }],
    ["secrets: a value with a colon", { secrets: `JWT_SECRET_STAGING=${PASTED}:${PASTED}` }],
    ["env_vars: a password and a malformed line", { env_vars: `DB_PASSWORD=${WORDS}\n${PASTED}` }],
    ["env_vars: a value with the delimiter syntax gone wrong", { env_vars: `^@^JWT_SECRET_STAGING=${PASTED}` }],
    ["flags: a secret in --set-env-vars", { flags: `--set-env-vars=JWT_SECRET_STAGING=${PASTED} --bogus=${PASTED}` }],
    ["flags: a pasted value in --set-secrets", { flags: `--set-secrets=JWT_SECRET_STAGING=${PASTED}` }],
    ["flags: an unterminated quote", { flags: `--set-env-vars="DB_PASSWORD=${WORDS}` }],
    ["env_vars: the value alone, its NAME= forgotten", { env_vars: PASTED }],
    ["secrets: the value alone, its NAME= forgotten", { secrets: PASTED }],
    ["env_vars: the value as the name", { env_vars: `${PASTED}=x` }],
    ["flags: the value alone in --set-env-vars", { flags: `--set-env-vars=${PASTED}` }],
    ["flags: the value alone in --update-secrets", { flags: `--update-secrets=${PASTED}` }],
    ["flags: the value as a flag", { flags: `--${PASTED}` }],
    ["flags: the value as a positional argument", { flags: PASTED }],
  ])("%s", async (_, inputs) => {
    const run = await candidate(inputs);
    expect(["fail", "error"]).toContain(run.outputs.result);
    expectHidden(run.everything);
  });

  it.each([
    ["a YAML syntax error on the line of a literal secret", `            - name: JWT_SECRET_STAGING\n              value: "${PASTED}\n`],
    [
      "a duplicate key next to a literal secret",
      `            - name: JWT_SECRET_STAGING\n              value: ${PASTED}\n              value: ${WORDS}\n`,
    ],
    [
      "a literal secret in a secretKeyRef's name",
      `            - name: JWT_SECRET_STAGING\n              valueFrom:\n                secretKeyRef: { name: "${PASTED}", key: latest }\n`,
    ],
    [
      "a literal secret as a plain value",
      `            - name: JWT_SECRET_STAGING\n              value: ${PASTED}\n            - name: DB_PASS\n              value: ${WORDS}\n`,
    ],
    ["a mapping where the value belongs", `            - name: JWT_SECRET_STAGING\n              value: { x: ${PASTED} }\n`],
  ])("service_yaml: %s", async (name, env) => {
    const file = join(world.dir, `service-${name.length}.yaml`);
    await writeFile(file, yaml(env));
    const run = await candidate({ service_yaml: file });
    expect(["fail", "error"]).toContain(run.outputs.result);
    expectHidden(run.everything);
  });
});
