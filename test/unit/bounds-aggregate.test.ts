// What an aggregate step reads, in all: each file is capped, and so is their sum. 256 files
// of 16 MiB (4 GiB, parsed and kept until the merge) would end the process out of memory,
// with V8's stack trace and no result, instead of an error naming the reports.
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { aggregate } from "../../src/aggregate/aggregate.js";
import { LIMITS } from "../../src/aggregate/files.js";
import { mergeReports } from "../../src/aggregate/merge.js";
import { InputError } from "../../src/errors.js";
import type { Inputs } from "../../src/inputs.js";

const saved = { ...LIMITS };
afterEach(() => Object.assign(LIMITS, saved));

const report = (index: number, total: number) =>
  JSON.stringify({
    schema_version: 1,
    commit: "abc",
    shard: { index, total },
    result: "pass",
    services: [{ service: `svc-${index}`, checks: [{ id: "secret.ok", status: "pass", message: "x".repeat(1000) }] }],
    started_at: "2026-01-01T00:00:00.000Z",
    duration_ms: 1,
  });

async function layout(total: number): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "gate-bounds-aggregate-"));
  for (let index = 1; index <= total; index++) {
    await mkdir(join(dir, `shard-${index}`));
    await writeFile(join(dir, `shard-${index}`, "deploy-gate-report.json"), report(index, total));
  }
  return dir;
}

const run = (reports: string) =>
  aggregate(
    { reports, failOn: "error" } as Inputs,
    { env: { GITHUB_SHA: "abc" }, log: { info: () => undefined } },
    new AbortController().signal,
    new Date(),
  );

describe("the aggregate's reads are bounded in all", () => {
  it("caps the sum of the files far below files × bytes per file", () => {
    expect(LIMITS.totalBytes).toBeGreaterThanOrEqual(4 * LIMITS.fileBytes);
    expect(LIMITS.totalBytes).toBeLessThan(LIMITS.files * LIMITS.fileBytes);
  });

  it("merges reports within the sum", async () => {
    LIMITS.totalBytes = 4 * 1024 * 1024;
    expect((await run(await layout(3))).result).toBe("pass");
  });

  it("stops with an error naming the reports once their sum passes the cap", async () => {
    const dir = await layout(4);
    LIMITS.totalBytes = 3 * report(1, 4).length;
    const outcome = run(dir);
    await expect(outcome).rejects.toThrow(InputError);
    await expect(outcome).rejects.toThrow(
      /^reports: the report files add up to more than \d+ bytes \(at .*shard-4.*deploy-gate-report\.json\)/,
    );
  });
});

describe("a shard that could not prove its revision is never merged into a pass", () => {
  const shard = (index: number, result: "pass" | "inconclusive", checks: { id: string; status: "pass" | "warn"; message: string }[]) => ({
    file: `s${index}/deploy-gate-report.json`,
    report: {
      schema_version: 1,
      commit: "abc",
      shard: { index, total: 2 },
      result,
      services: [{ service: `svc-${index}`, checks }],
      started_at: "2026-01-01T00:00:00.000Z",
      duration_ms: 1,
    },
  });
  const merge = (loaded: ReturnType<typeof shard>[]) =>
    mergeReports(loaded, { commit: "abc", failOn: "error", source: "reports", startedAt: new Date(), now: new Date() });

  it("verify.inconclusive in a shard's findings: inconclusive", () => {
    const merged = merge([
      shard(1, "inconclusive", [{ id: "verify.inconclusive", status: "warn", message: "ran out of time" }]),
      shard(2, "pass", [{ id: "secret.ok", status: "pass", message: "ok" }]),
    ]);
    expect(merged.result).toBe("inconclusive");
  });

  it("a shard whose own result is inconclusive, whatever its findings say: inconclusive", () => {
    const merged = merge([
      shard(1, "inconclusive", [{ id: "health.ok", status: "pass", message: "ok" }]),
      shard(2, "pass", [{ id: "secret.ok", status: "pass", message: "ok" }]),
    ]);
    expect(merged.result).toBe("inconclusive");
  });
});
