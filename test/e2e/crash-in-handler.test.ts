// A throw inside an event handler (a library's socket callback, a timer) or a rejected
// promise nobody awaits never reaches run()'s try/catch. Through dist/index.js, with a
// preload that throws while the run is in progress: the step still ends with result=error in
// its outputs and one error line, never Node's stack trace, and nothing the error carried.
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { incident1 } from "../incidents/incident-1.js";
import { cliArgs, runCli } from "./cli-run.js";
import { reportOf, runAction } from "./harness.js";
import { startIncident, type World } from "./world.js";

const CANARY = "crash-canary-Zq8Wv3Lm6Tn1Kp4Rx7";

describe("a throw outside run()'s reach", () => {
  let world: World;
  let manifest: string;
  let dir: string;

  beforeAll(async () => {
    ({ world, manifest } = await startIncident(incident1));
    incident1.fixed(world);
    // Slow answers: the run is still reading Cloud Run when the preload's timer fires.
    world.cloudRun.latencyMs = 400;
    dir = await mkdtemp(join(tmpdir(), "gate-crash-"));
  });
  afterAll(() => world.close());

  it.each([
    ["an exception thrown in a timer", `setTimeout(() => { throw new Error(${JSON.stringify(CANARY)}); }, 50);`],
    ["a rejection nobody handles", `setTimeout(() => { Promise.reject(new TypeError(${JSON.stringify(CANARY)})); }, 50);`],
  ])("%s: result=error, one error line, no stack", async (_name, code) => {
    const preload = join(dir, `${Math.random().toString(36).slice(2)}.cjs`);
    await writeFile(preload, code);

    const run = await runAction(world.inputs(manifest), { NODE_OPTIONS: `--require ${preload}` });

    expect(run.exitCode).toBe(1);
    expect(run.outputs.result).toBe("error");
    expect(reportOf(run.outputs).checks?.[0]?.id).toBe("error.internal");
    expect(run.stdout).toMatch(/^::error::cloud-run-deploy-gate could not decide: internal error: unexpected (Error|TypeError)/m);
    expect(`${run.stdout}${run.stderr}`).not.toMatch(/\n\s+at /);
    expect(run.everything).not.toContain(CANARY);
    expect(run.stderr).toBe("");
  });
});

describe("the CLI, the same throw", () => {
  let world: World;
  let manifest: string;

  beforeAll(async () => {
    ({ world, manifest } = await startIncident(incident1));
    incident1.fixed(world);
    world.cloudRun.latencyMs = 400;
  });
  afterAll(() => world.close());

  it("exit 2 (error), one line on stderr, no stack", async () => {
    const dir = await mkdtemp(join(tmpdir(), "gate-crash-cli-"));
    const preload = join(dir, "throw.cjs");
    await writeFile(preload, `setTimeout(() => { throw new Error(${JSON.stringify(CANARY)}); }, 50);`);
    const { args, env } = cliArgs(world.inputs(manifest));

    const run = await runCli(args, { ...env, NODE_OPTIONS: `--require ${preload}` });

    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/^cloud-run-deploy-gate: internal error: unexpected Error/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(`${run.stdout}${run.stderr}`).not.toContain(CANARY);
  });
});
