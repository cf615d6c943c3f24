// `--env-vars-file=PATH` in flags: gcloud (map_util.py ArgDictWithYAMLOrEnv, flags.py _GetEnvChanges)
// reads a YAML file with its YAML 1.1 loader, takes only string values, and replaces every plain
// env var of the container with the file's (clear_others); secrets stay.
import type { run_v2 } from "@googleapis/run/build/v2.js";
import { describe, expect, it } from "vitest";
import { candidateFromDeployInputs, type DeployInputs, envVarsFilePath } from "../../src/candidate/deploy-inputs.js";
import { parseEnvVarsFile } from "../../src/candidate/env-vars-file.js";
import { InputError } from "../../src/errors.js";
import { revisionConfig } from "../../src/gcp/cloud-run.js";
import type { RevisionConfig } from "../../src/model.js";

const target = { project: "chat-staging", region: "us-central1", service: "backend-staging" };
const live = revisionConfig(
  target,
  {
    name: "projects/chat-staging/locations/us-central1/services/backend-staging/revisions/backend-staging-00003-abc",
    containers: [
      {
        image: "img",
        ports: [{ containerPort: 8080 }],
        env: [
          { name: "ENVIRONMENT", value: "staging" },
          { name: "JWT_SECRET_KEY", valueSource: { secretKeyRef: { secret: "jwt-secret", version: "3" } } },
        ],
      },
    ],
  } satisfies run_v2.Schema$GoogleCloudRunV2Revision,
  undefined,
);
const base: DeployInputs = { ...target, envVarsUpdateStrategy: "merge", secretsUpdateStrategy: "merge", live };
const run = (args: Partial<DeployInputs>) => candidateFromDeployInputs({ ...base, ...args });
const envOf = (config: RevisionConfig) =>
  config.env.map((entry) => `${entry.name}${entry.secret ? `→${entry.secret.secret}:${entry.secret.version}` : `=${entry.value}`}`);
const ids = (config: RevisionConfig) => (config.notes ?? []).map((finding) => `${finding.id}:${finding.status}`);

describe("a YAML --env-vars-file", () => {
  it("replaces the live plain env vars; the secrets stay", () => {
    const candidate = run({ flags: "--env-vars-file=env.yaml", envVarsFileText: "LOG_LEVEL: info\nREGION: 'eu'\n" });
    expect(envOf(candidate)).toEqual(["JWT_SECRET_KEY→jwt-secret:3", "LOG_LEVEL=info", "REGION=eu"]);
    expect(ids(candidate)).toEqual([]);
  });

  it("the path is read from flags, in either form; a .env file is not", () => {
    expect(envVarsFilePath("--env-vars-file=env.yaml")).toBe("env.yaml");
    expect(envVarsFilePath('--max-instances=2 --env-vars-file "config/env.yml"')).toBe("config/env.yml");
    expect(envVarsFilePath("--env-vars-file=.env")).toBeUndefined();
    expect(envVarsFilePath("--set-env-vars=A=1")).toBeUndefined();
  });

  it("an empty map changes nothing (clear_others is bool({}))", () => {
    expect(envOf(run({ flags: "--env-vars-file=env.yaml", envVarsFileText: "{}\n" }))).toEqual([
      "ENVIRONMENT=staging",
      "JWT_SECRET_KEY→jwt-secret:3",
    ]);
  });

  it("unreadable, or a .env file: the live values are kept, with a warning that says the deploy replaces them", () => {
    for (const flags of ["--env-vars-file=env.yaml", "--env-vars-file=prod.env"]) {
      const candidate = run({ flags });
      expect(ids(candidate)).toEqual(["candidate.env_vars_file_unread:warn"]);
      expect(candidate.notes?.[0]?.message).toContain("replaces the container's plain env vars");
    }
  });

  it.each([
    ["a YAML 1.1 boolean", "DEBUG: off\n"],
    ["a number", "WORKERS: 4\n"],
    ["a null", "EMPTY:\n"],
    ["a list", "HOSTS: [a, b]\n"],
    ["an X_GOOGLE_ name", "X_GOOGLE_A: 'x'\n"],
    ["a key YAML 1.1 reads as a boolean", "on: 'x'\n"],
    ["not a map", "- A=1\n"],
    ["a duplicate key", "A: x\nA: y\n"],
  ])("%s is refused, as gcloud refuses the file", (_name, text) => {
    expect(() => parseEnvVarsFile(text, "env.yaml")).toThrow(InputError);
  });

  it("never quotes a value", () => {
    let message = "";
    try {
      parseEnvVarsFile("TOKEN: 123456789\n", "env.yaml");
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('"TOKEN"');
    expect(message).not.toContain("123456789");
  });
});
