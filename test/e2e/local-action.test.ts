// The action under @github/local-action, GitHub's official local runner: it
// reads action.yml, stubs @actions/core, loads inputs from a .env file and
// calls run() from src/local-action.ts (the same run(deps) as dist/index.js).
// This proves the action works the way its authors and users debug it locally.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { incident1, STAGING_SECRET } from "../incidents/incident-1.js";
import { startIncident, type World } from "./world.js";

const ROOT = resolve(import.meta.dirname, "../..");
const LOCAL_ACTION = join(ROOT, "node_modules/@github/local-action");
const engines: string = JSON.parse(readFileSync(join(LOCAL_ACTION, "package.json"), "utf8")).engines?.node ?? "";
const nodeMajor = Number(process.versions.node.split(".")[0]);
// engines is a list of caret ranges ("^20 || ^22 || ^24"): supported iff our major is listed.
const supportedMajors = [...engines.matchAll(/\^(\d+)/g)].map((match) => Number(match[1]));
const supported = supportedMajors.length === 0 || supportedMajors.includes(nodeMajor);

interface LocalRun {
  exitCode: number;
  stdout: string;
  outputs: Record<string, string>;
}

async function localAction(inputs: Record<string, string>): Promise<LocalRun> {
  const dir = await mkdtemp(join(tmpdir(), "gate-local-action-"));
  const dotenv = join(dir, ".env");
  // dotenv format; every value here is a path, URL, id or test token without quotes or newlines.
  await writeFile(
    dotenv,
    Object.entries(inputs)
      .map(([name, value]) => `INPUT_${name.toUpperCase()}="${value}"\n`)
      .join(""),
  );
  await writeFile(join(dir, "summary.md"), "");
  const child = spawn(process.execPath, [join(LOCAL_ACTION, "bin/local-action.js"), "run", ".", "src/local-action.ts", dotenv], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? dir,
      NO_COLOR: "1",
      FORCE_COLOR: "0",
      GITHUB_STEP_SUMMARY: join(dir, "summary.md"),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stdout += chunk));
  const exitCode = await new Promise<number>((done) => child.on("close", (code) => done(code ?? -1)));
  // local-action prints every core.setOutput call as a (deprecated) set-output command.
  const outputs: Record<string, string> = {};
  for (const match of stdout.matchAll(/^::set-output name=([a-z_]+)::(.*)$/gm)) outputs[match[1] ?? ""] = match[2] ?? "";
  return { exitCode, stdout, outputs };
}

const title = supported
  ? "@github/local-action runs the action against incident 1"
  : `@github/local-action: skipped, it needs Node ${engines} and this is Node ${process.versions.node} (.ci/run also runs the suite on Node 24)`;

describe.skipIf(!supported)(title, () => {
  let world: World;
  let manifest: string;

  beforeAll(async () => ({ world, manifest } = await startIncident(incident1)));
  afterAll(() => world.close());

  it("fails the broken deploy with the same outputs as the runner", { timeout: 90_000 }, async () => {
    incident1.broken(world);

    const run = await localAction(world.inputs(manifest, { comment: "never" }));

    expect(run.stdout).toContain("Running Action");
    expect(run.outputs.result).toBe("fail");
    expect(run.outputs.failed_checks?.split(",")).toEqual(expect.arrayContaining(["secret.missing", "ws.rejected"]));
    expect(run.outputs.revision).toMatch(/\/revisions\/backend-staging-/);
    const report = JSON.parse(run.outputs.report ?? "{}");
    expect(report.result).toBe("fail");
    expect(report.services[0].service).toBe("backend-staging");
    expect(run.stdout).toContain("::error::cloud-run-deploy-gate: the deploy is bad");
    expect(run.stdout).not.toContain(STAGING_SECRET);
  });

  it("passes the fixed deploy", { timeout: 90_000 }, async () => {
    incident1.fixed(world);

    const run = await localAction(world.inputs(manifest, { comment: "never" }));

    expect(run.outputs.result).toBe("pass");
    expect(run.outputs.failed_checks).toBe("");
    expect(JSON.parse(run.outputs.report ?? "{}").result).toBe("pass");
    expect(run.stdout).not.toContain("::error::");
    expect(run.stdout).not.toContain(STAGING_SECRET);
  });
});
