// The report file's path is fixed (RUNNER_TEMP/deploy-gate-report.json), so an
// earlier step of the job (a compromised tool, a checked-out script) can plant a
// symlink there. dist/index.js used to follow it: the report overwrote the file
// the link named, or created the one a dangling link named. Now a symlink, a
// FIFO or a folder at that path is refused with a warning that says what it is,
// and nothing is written through it; a regular file there is replaced.
import { lstat, mkdir, mkdtemp, readFile, readdir, stat, symlink, writeFile } from "node:fs/promises";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runAction } from "./harness.js";

const NAME = "deploy-gate-report.json";

async function layout() {
  const dir = await mkdtemp(join(tmpdir(), "gate-report-file-"));
  const runnerTemp = join(dir, "runner-temp");
  await mkdir(runnerTemp);
  await mkdir(join(dir, "reports"));
  return { dir, runnerTemp };
}

// An aggregate with no shard reports: quick, needs no emulator, and still writes the report file.
const run = (runnerTemp: string, dir: string) =>
  runAction({ mode: "aggregate", reports: join(dir, "reports") }, { RUNNER_TEMP: runnerTemp });

describe("the report file is never written through a symlink", () => {
  it("a symlink to another file: that file is left as it was, and a warning names what is in the way", async () => {
    const { dir, runnerTemp } = await layout();
    const victim = join(dir, "victim.txt");
    await writeFile(victim, "precious\n");
    await symlink(victim, join(runnerTemp, NAME));
    const result = await run(runnerTemp, dir);

    expect(await readFile(victim, "utf8")).toBe("precious\n");
    expect(result.outputs.report_file ?? "").toBe("");
    expect(result.stdout).toMatch(
      /::warning::could not write the report file .*deploy-gate-report\.json: it is a symbolic link, not a regular file/,
    );
    expect((await lstat(join(runnerTemp, NAME))).isSymbolicLink()).toBe(true);
    // No temporary file is left behind.
    expect(await readdir(runnerTemp)).toEqual([NAME]);
  }, 30_000);

  it("a dangling symlink: the file it names is not created", async () => {
    const { dir, runnerTemp } = await layout();
    const planted = join(dir, "created-by-the-gate");
    await symlink(planted, join(runnerTemp, NAME));
    const result = await run(runnerTemp, dir);

    await expect(stat(planted)).rejects.toMatchObject({ code: "ENOENT" });
    expect(result.stdout).toContain("it is a symbolic link");
  }, 30_000);

  it("a FIFO at the path: refused at once, no hang", async () => {
    const { dir, runnerTemp } = await layout();
    execFileSync("mkfifo", [join(runnerTemp, NAME)]);
    const started = Date.now();
    const result = await run(runnerTemp, dir);

    expect(result.stdout).toContain("it is a named pipe (FIFO), not a regular file");
    expect(Date.now() - started).toBeLessThan(20_000);
  }, 30_000);

  it("a stale regular file is replaced, mode 0600, and report_file names it", async () => {
    const { dir, runnerTemp } = await layout();
    const path = join(runnerTemp, NAME);
    await writeFile(path, "stale", { mode: 0o644 });
    const result = await run(runnerTemp, dir);

    expect(result.outputs.report_file).toBe(path);
    const written = JSON.parse(await readFile(path, "utf8")) as { result: string };
    expect(written.result).toBe("error");
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readdir(runnerTemp)).toEqual([NAME]);
  }, 30_000);
});
