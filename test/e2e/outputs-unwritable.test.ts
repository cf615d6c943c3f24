// GITHUB_OUTPUT that cannot be written (a directory, a path a step's env: overrode): the step
// still says what the gate decided, and then which file it could not write, with the fix.
// Never only "unexpected Error": that names neither the cause nor the gate's own answer.
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runAction } from "./harness.js";

describe("an unwritable GITHUB_OUTPUT", () => {
  it.each([
    ["a directory", async () => mkdtemp(join(tmpdir(), "gate-output-dir-")), /EISDIR/],
    ["a missing file", async () => join(tmpdir(), "gate-no-such-dir", "output"), /no such file/],
  ])("%s: exit 1, the gate's error, then which output and file", async (_name, path, why) => {
    const run = await runAction({ manifest: "/nonexistent/deploy-gate.yml" }, { GITHUB_OUTPUT: await path() });

    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain("::error::cloud-run-deploy-gate could not decide: cannot read the manifest /nonexistent/deploy-gate.yml");
    expect(run.stdout).toMatch(/::error::cloud-run-deploy-gate failed: cannot write the output \w+ to GITHUB_OUTPUT/);
    expect(run.stdout).toMatch(why);
    expect(run.stdout).not.toContain("unexpected Error");
    expect(`${run.stdout}${run.stderr}`).not.toMatch(/\n\s+at /);
    expect(run.stderr).toBe("");
  });
});
