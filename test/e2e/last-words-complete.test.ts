// A run that ends without reaching publish (the watchdog kills a stuck main thread; a throw in an
// event handler) still leaves the outputs a workflow reads: `recommendation` is always set (README),
// and the report is the one every other error gets (schema_version, commit, recommendation).
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { incident1 } from "../incidents/incident-1.js";
import { reportOf, runAction } from "./harness.js";
import { startIncident, type World } from "./world.js";

describe("last words are a whole report", () => {
  let world: World;
  let manifest: string;
  let dir: string;

  beforeAll(async () => {
    ({ world, manifest } = await startIncident(incident1));
    incident1.fixed(world);
    dir = await mkdtemp(join(tmpdir(), "gate-last-words-"));
  });
  afterAll(() => world.close());

  const preload = async (code: string) => {
    const file = join(dir, `${Math.random().toString(36).slice(2)}.cjs`);
    await writeFile(file, code);
    return { NODE_OPTIONS: `--require ${file}`, GITHUB_SHA: "0123456789abcdef0123456789abcdef01234567" };
  };

  it("a throw in a timer: recommendation=hold, and the report has its schema and commit", async () => {
    world.cloudRun.latencyMs = 400;
    const run = await runAction(world.inputs(manifest), await preload(`setTimeout(() => { throw new Error("boom"); }, 50);`));
    world.cloudRun.latencyMs = 0;

    expect(run.exitCode).toBe(1);
    expect(run.outputs.result).toBe("error");
    expect(run.outputs.recommendation).toBe("hold");
    const report = reportOf(run.outputs);
    expect(report.schema_version).toBe(1);
    expect(report.commit).toBe("0123456789abcdef0123456789abcdef01234567");
    expect(report.recommendation).toBe("hold");
  });

  it("a stuck main thread the watchdog ends: recommendation=hold, and the report has its schema and commit", async () => {
    world.cloudRun.faults.push({ match: /services\//, fault: { kind: "hang", times: 100 } });
    const run = await runAction(
      world.inputs(manifest, { timeout: "2" }),
      await preload(`if (require("node:worker_threads").isMainThread) setTimeout(() => { for (;;); }, 500);`),
    );
    world.cloudRun.faults.length = 0;

    expect(run.exitCode).toBe(1);
    expect(run.outputs.result).toBe("error");
    expect(reportOf(run.outputs).checks?.[0]?.id).toBe("error.deadline_exceeded");
    expect(run.outputs.recommendation).toBe("hold");
    const report = reportOf(run.outputs);
    expect(report.schema_version).toBe(1);
    expect(report.commit).toBe("0123456789abcdef0123456789abcdef01234567");
    expect(report.recommendation).toBe("hold");
  });
});
