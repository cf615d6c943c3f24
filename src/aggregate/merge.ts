// N shard reports into one report, as if one job had checked every service.
// Pure. The merge never papers over a hole: a shard that is missing, reported
// twice, of another commit, or unreadable is an `error` finding that names it,
// so the verdict can only be `pass` when every shard 1..N passed on this commit.
import type { Finding, Report, ShardSummary } from "../model.js";
import { type FailOn, allFindings, verdict } from "../report/verdict.js";
import type { ShardReport } from "./shape.js";

/** A report file after parsing: its shard report, or why it is not one (with the shard, when the file still says it). */
export type LoadedReport =
  | { file: string; report: ShardReport }
  | { file: string; error: string; shard?: { index: number; total: number } | undefined };

export interface MergeContext {
  /** The commit this aggregate job checks (GITHUB_SHA); absent: the shards must agree among themselves. */
  commit: string | undefined;
  failOn: FailOn;
  /** What the user gave as `reports`, for messages. */
  source: string;
  startedAt: Date;
  now: Date;
}

export function mergeReports(loaded: readonly LoadedReport[], context: MergeContext): Report {
  const problems: Finding[] = [];
  const problem = (id: string, subject: string, message: string, hint: string) =>
    problems.push({ id, status: "error", subject, message, hint });
  const good = loaded.flatMap((item) => ("report" in item ? [{ file: item.file, report: item.report }] : []));

  for (const item of loaded) {
    if ("report" in item) continue;
    const which = item.shard ? `shard ${item.shard.index}/${item.shard.total} (${item.file})` : item.file;
    problem(
      "aggregate.report_unreadable",
      which,
      `the report ${which} is unusable: ${item.error}`,
      "re-run that shard's job; its artifact must hold the JSON report_file the gate wrote",
    );
  }
  if (loaded.length === 0) {
    problem(
      "aggregate.no_reports",
      context.source,
      `no shard report found in ${context.source}`,
      "download the shard artifacts (actions/download-artifact with a pattern) into the folder given as reports",
    );
  }

  // N: what the shards say. They must all say the same; else no set of shards can be complete.
  const totals = [
    ...new Set([
      ...good.map(({ report }) => report.shard.total),
      ...loaded.flatMap((item) => ("error" in item && item.shard ? [item.shard.total] : [])),
    ]),
  ].sort((a, b) => a - b);
  if (totals.length > 1) {
    problem(
      "aggregate.shard_total_mismatch",
      totals.map((total) => `/${total}`).join(", "),
      `the shard reports disagree on the number of shards: ${totals.join(", ")}`,
      "give every matrix job the same N in shard: K/N",
    );
  }
  const total = totals.at(-1);

  // Stale: another commit. Without GITHUB_SHA the first shard's commit is the reference.
  const expected = context.commit ?? [...good].sort((a, b) => a.report.shard.index - b.report.shard.index)[0]?.report.commit ?? null;
  const current = good.filter(({ file, report }) => {
    if (report.commit === expected) return true;
    const label = `shard ${report.shard.index}/${report.shard.total}`;
    problem(
      "aggregate.shard_stale",
      label,
      `${label} (${file}) checked commit ${report.commit ?? "(none)"}, not ${expected ?? "(none)"}: its findings are left out`,
      "re-run that shard on this commit (a stale artifact from an earlier run or attempt was downloaded)",
    );
    return false;
  });

  // One report per shard index; a duplicate is an error and only the first (by file name) is merged.
  const byIndex = new Map<number, { file: string; report: ShardReport }>();
  for (const item of current) {
    const seen = byIndex.get(item.report.shard.index);
    const label = `shard ${item.report.shard.index}/${item.report.shard.total}`;
    if (seen)
      problem(
        "aggregate.shard_duplicate",
        label,
        `${label} has more than one report: ${seen.file} and ${item.file}`,
        "give each matrix job its own K and its own artifact name",
      );
    else byIndex.set(item.report.shard.index, item);
  }
  const seenIndexes = new Set(
    loaded.flatMap((item) => ("report" in item ? [item.report.shard.index] : item.shard ? [item.shard.index] : [])),
  );
  for (let index = 1; index <= (total ?? 0); index++) {
    if (seenIndexes.has(index)) continue;
    const label = `shard ${index}/${total}`;
    problem(
      "aggregate.shard_missing",
      label,
      `${label} has no report: its services were not checked`,
      "see that matrix job: it failed or was cancelled before uploading its report artifact",
    );
  }

  const merged = [...byIndex.values()].sort((a, b) => a.report.shard.index - b.report.shard.index);
  for (const { report } of merged) {
    // A shard that could not decide says so in its own findings; this only guards a report that does not.
    if (report.result === "error" && !allFindings(report).some((finding) => finding.status === "error")) {
      const label = `shard ${report.shard.index}/${report.shard.total}`;
      problem("aggregate.shard_error", label, `${label} ended in error`, "see that matrix job's log");
    }
  }
  const shards: ShardSummary[] = merged.map(({ report }) => ({
    index: report.shard.index,
    total: report.shard.total,
    result: report.result,
    services: report.services.length,
    started_at: report.started_at,
    duration_ms: report.duration_ms,
  }));
  const services = merged.flatMap(({ report }) => report.services);
  // The holes first: the step's failure message quotes the first error, and it should name the shard.
  const checks = [...problems, ...merged.flatMap(({ report }) => report.checks ?? []), timing(shards, services.length)];
  const starts = [context.startedAt, ...shards.map((shard) => new Date(shard.started_at))].map((date) => date.getTime());
  const start = Math.min(...starts);
  return {
    // A hole makes the result `error` even when a shard failed: `error` fails the job whatever fail_on says,
    // and the failures found are still listed. (Within a run a fail outranks an error; a hole outranks both.)
    result:
      problems.length > 0
        ? "error"
        : mergedVerdict(
            [...services.flatMap((service) => service.checks), ...checks],
            context.failOn,
            merged.some(({ report }) => report.result === "inconclusive"),
          ),
    commit: expected,
    shards,
    services,
    checks,
    started_at: new Date(start).toISOString(),
    duration_ms: context.now.getTime() - start,
  };
}

/**
 * The single run's verdict over the merged findings: as gate() decides it, a pass that a
 * verification left unproven (verify.inconclusive) is `inconclusive`, never a pass; so is one
 * with a shard that says it was inconclusive (as shard_error guards a shard's own `error`).
 */
function mergedVerdict(findings: Finding[], failOn: FailOn, shardInconclusive: boolean): Report["result"] {
  const result = verdict(findings, failOn);
  const unproven = shardInconclusive || findings.some((finding) => finding.id === "verify.inconclusive");
  return result === "pass" && unproven ? "inconclusive" : result;
}

/** Totals and each shard's time, as a finding so every rendering (comment, check run, summary) shows it. */
function timing(shards: ShardSummary[], services: number): Finding {
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const slowest = shards.reduce<ShardSummary | undefined>(
    (worst, shard) => (!worst || shard.duration_ms > worst.duration_ms ? shard : worst),
    undefined,
  );
  const each = shards.map((shard) => `${shard.index}/${shard.total}: ${shard.services} in ${seconds(shard.duration_ms)} (${shard.result})`);
  return {
    id: "aggregate.shards",
    status: "pass",
    message: `${shards.length} shard report${shards.length === 1 ? "" : "s"} merged, ${services} service${services === 1 ? "" : "s"}${slowest ? `; slowest shard ${slowest.index}/${slowest.total} took ${seconds(slowest.duration_ms)}` : ""}${each.length ? `. ${each.join("; ")}` : ""}`,
  };
}
