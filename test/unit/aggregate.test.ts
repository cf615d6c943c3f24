// The aggregate's reading and merging, below the e2e runs: the bounds on what it
// reads (regular files, size, count, entries) and the merge rules for sets of shards.
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseReport } from "../../src/aggregate/aggregate.js";
import { findReportFiles, LIMITS, readReportFile } from "../../src/aggregate/files.js";
import { type LoadedReport, mergeReports } from "../../src/aggregate/merge.js";
import type { ShardReport } from "../../src/aggregate/shape.js";
import { InputError } from "../../src/errors.js";

const saved = { ...LIMITS };
afterEach(() => Object.assign(LIMITS, saved));

const shard = (index: number, total: number, extra: Partial<ShardReport> = {}): LoadedReport => ({
  file: `s${index}/deploy-gate-report.json`,
  report: {
    schema_version: 1,
    commit: "abc",
    shard: { index, total },
    result: "pass",
    services: [{ service: `svc-${index}`, checks: [{ id: "secret.ok", status: "pass", message: "ok" }] }],
    started_at: "2026-01-01T00:00:00.000Z",
    duration_ms: 1000 * index,
    ...extra,
  },
});
const merge = (loaded: LoadedReport[], commit: string | undefined = "abc") =>
  mergeReports(loaded, {
    commit,
    failOn: "error",
    source: "reports",
    startedAt: new Date("2026-01-01T00:01:00Z"),
    now: new Date("2026-01-01T00:01:01Z"),
  });
const errors = (report: ReturnType<typeof merge>) =>
  (report.checks ?? []).filter((check) => check.status === "error").map((check) => `${check.id} ${check.subject}`);

describe("merging shard reports", () => {
  it("a complete set passes, with each shard's timing and the totals", () => {
    const merged = merge([shard(2, 2), shard(1, 2)]);
    expect(merged.result).toBe("pass");
    expect(merged.services.map((service) => service.service)).toEqual(["svc-1", "svc-2"]);
    expect(merged.shards?.map((item) => item.duration_ms)).toEqual([1000, 2000]);
    expect(merged.checks?.at(-1)?.message).toBe(
      "2 shard reports merged, 2 services; slowest shard 2/2 took 2.0 s. 1/2: 1 in 1.0 s (pass); 2/2: 1 in 2.0 s (pass)",
    );
    expect(merged.duration_ms).toBe(61_000);
  });

  it("shards that disagree on N are an error", () => {
    const merged = merge([shard(1, 2), shard(2, 3), shard(3, 3)]);
    expect(merged.result).toBe("error");
    expect(errors(merged)).toContain("aggregate.shard_total_mismatch /2, /3");
  });

  it("without GITHUB_SHA the shards must still agree on one commit", () => {
    const merged = merge([shard(1, 2), shard(2, 2, { commit: "other" })], undefined);
    expect(errors(merged)).toEqual(["aggregate.shard_stale shard 2/2"]);
  });

  it("a shard whose report says error without an error finding still makes the result error", () => {
    expect(errors(merge([shard(1, 1, { result: "error" })]))).toEqual(["aggregate.shard_error shard 1/1"]);
  });

  it("a fail with a hole is an error: the hole outranks it, the failure is still listed", () => {
    const failing = shard(1, 2, { services: [{ service: "svc-1", checks: [{ id: "secret.missing", status: "fail", message: "gone" }] }] });
    const merged = merge([failing]);
    expect(merged.result).toBe("error");
    expect(errors(merged)).toEqual(["aggregate.shard_missing shard 2/2"]);
    expect(merged.services[0]?.checks[0]?.id).toBe("secret.missing");
  });

  it("a service or revision name that is not a name is refused, naming the field", () => {
    const report = (service: string, revision = "projects/p/locations/r/services/s/revisions/s-001") =>
      JSON.stringify({ ...(shard(1, 1) as { report: ShardReport }).report, services: [{ service, revision, checks: [] }] });
    expect(parseReport({ file: "r.json", text: report("ok-name") })).toHaveProperty("report");
    for (const text of [report("::error::x"), report("a`b"), report("ok", "x\n## pwned"), report("ok", "<img src=x>")]) {
      expect(parseReport({ file: "r.json", text })).toMatchObject({
        shard: { index: 1, total: 1 },
        error: expect.stringMatching(/^services\.0\./),
      });
    }
  });

  it("a report of a single (unsharded) run is refused as not a shard report", () => {
    const parsed = parseReport({ file: "r.json", text: JSON.stringify({ schema_version: 1, result: "pass", services: [] }) });
    expect(parsed).toMatchObject({ error: expect.stringMatching(/not a shard report/) });
  });
});

describe("reading shard report files, bounded", () => {
  const folder = () => mkdtemp(join(tmpdir(), "gate-agg-"));

  it("refuses a file over the size cap without reading it all", async () => {
    const dir = await folder();
    LIMITS.fileBytes = 1024;
    await writeFile(join(dir, "big.json"), "x".repeat(4096));
    expect(await readReportFile(join(dir, "big.json"), "big.json")).toEqual({
      file: "big.json",
      error: expect.stringMatching(/^larger than/),
    });
  });

  it("a FIFO is skipped by the walk and refused when named, never waited on", async () => {
    const dir = await folder();
    await mkdir(join(dir, "s1"));
    execFileSync("mkfifo", [join(dir, "s1", "deploy-gate-report.json")]);
    expect(await findReportFiles(dir, dir)).toEqual([]);
    expect(await readReportFile(join(dir, "s1", "deploy-gate-report.json"), "fifo")).toEqual({ file: "fifo", error: "not a regular file" });
  });

  it("stops with a clear error past the file cap and the entry cap", async () => {
    const dir = await folder();
    for (let index = 0; index < 5; index++) await writeFile(join(dir, `r${index}.json`), "{}");
    LIMITS.files = 3;
    await expect(findReportFiles(dir, dir)).rejects.toThrow(InputError);
    await expect(findReportFiles(dir, dir)).rejects.toThrow(/more than 3 report files/);
    Object.assign(LIMITS, saved, { entries: 2 });
    await expect(findReportFiles(join(dir, "*.json"), dir)).rejects.toThrow(/more than 2 entries/);
  });
});
