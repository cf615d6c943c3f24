// `mode: aggregate`: read the shard jobs' report files and merge them into one
// report, which is then published exactly as a single run's (comment, check
// run, summary, outputs). Reads no Google API and needs no credentials.
import { isAbsolute, relative } from "node:path";
import type { Inputs } from "../inputs.js";
import type { Report } from "../model.js";
import { InputError } from "../errors.js";
import { findReportFiles, LIMITS, readReportFile } from "./files.js";
import { type LoadedReport, mergeReports } from "./merge.js";
import { fastShardReportShape, type ShardReport, shardSpecShape } from "./shape.js";

export interface AggregateIO {
  env: Readonly<Record<string, string | undefined>>;
  log: { info: (line: string) => void };
}

export async function aggregate(inputs: Inputs, io: AggregateIO, signal: AbortSignal, startedAt: Date): Promise<Report> {
  const source = inputs.reports ?? "";
  const cwd = process.cwd();
  const files = await findReportFiles(source, cwd);
  const loaded: LoadedReport[] = [];
  let bytes = 0;
  for (const path of files) {
    signal.throwIfAborted();
    const read = await readReportFile(path, labelOf(path, cwd));
    if ("text" in read) bytes += Buffer.byteLength(read.text);
    if (bytes > LIMITS.totalBytes) {
      throw new InputError(`reports: the report files add up to more than ${sizeText(LIMITS.totalBytes)} (at ${read.file})`, {
        hint: `these are not only the shard reports: narrow reports (${source}) to the folder the shard artifacts were downloaded to`,
      });
    }
    loaded.push(parseReport(read));
  }
  io.log.info(`aggregate: ${files.length} report file${files.length === 1 ? "" : "s"} in ${source}`);
  return mergeReports(loaded, { commit: io.env.GITHUB_SHA || undefined, failOn: inputs.failOn, source, startedAt, now: new Date() });
}

const sizeText = (bytes: number) => (bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`);

/** The path as the user would write it: relative to the workspace when inside it. */
function labelOf(path: string, cwd: string): string {
  const inside = relative(cwd, path);
  return inside && !inside.startsWith("..") && !isAbsolute(inside) ? inside : path;
}

export function parseReport(read: Awaited<ReturnType<typeof readReportFile>>): LoadedReport {
  if ("error" in read) return read;
  let data: unknown;
  try {
    data = JSON.parse(read.text);
  } catch {
    return { file: read.file, error: "not JSON (truncated or corrupt)" };
  }
  // Even a report that fails the full check may still say which shard it was: name it.
  const shard = shardSpecShape.safeParse((data as { shard?: unknown } | null)?.shard);
  const known = shard.success ? shard.data : undefined;
  const version = (data as { schema_version?: unknown } | null)?.schema_version;
  if (typeof version === "number" && version > 1) {
    return {
      file: read.file,
      shard: known,
      error: `schema_version ${version} is newer than this aggregate step understands: use the same action version in every job`,
    };
  }
  if (data && typeof data === "object" && !("shard" in data)) {
    return { file: read.file, error: "not a shard report (no shard field: was the job run with shard: K/N?)" };
  }
  const parsed = fastShardReportShape().safeParse(data);
  if (parsed.success) return { file: read.file, report: parsed.data as ShardReport };
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? issue.path.join(".") : "the report";
  return { file: read.file, shard: known, error: `${where}: ${issue?.message ?? "invalid"}` };
}
