// Reads the log facts a service's `logs:` requirement needs: the revision's
// ERROR entries, and (only when there are deny patterns) the lines below
// ERROR too, both at once. A failed read is a fact (the check decides what
// it means), except the run's own deadline, which ends the run. `verify:`
// rounds read again through the same cursor: overlapping windows (Cloud
// Logging ingests entries late), each entry counted once by its identity.
import { describeError } from "../errors.js";
import { type CloudLogging, type EntriesRead, SeenEntries, type SeverityBand } from "../gcp/logging.js";
import type { ServiceRequirement } from "../manifest/load.js";
import type { FailureLogs, LogFacts, LogRead, RevisionConfig } from "../model.js";
import { shortName } from "../resource-name.js";

/** A failed revision's first lines: one small page is all the report shows. */
const FIRST_LINES = { pageSize: 5, pages: 1 };

/**
 * How far before the previous read's start each later read reaches back. Cloud Logging makes an entry
 * visible (ingests it) up to several seconds after its `timestamp`, and the writer's clock is not the
 * gate's: a read of "timestamp >= the last read's start" never sees an entry ingested late.
 */
export const INGESTION_LAG_MS = 60_000;

/** The revision's log entries, read again and again (the first probes, then each `verify:` round), each counted once. */
export interface LogCursor {
  /** The first read: every entry since the revision was created; each later one: only those no earlier read returned. */
  read(signal: AbortSignal): Promise<LogFacts | undefined>;
}

/** Per severity band: where the next window starts, and the entries already counted that it may return again. */
interface Band {
  since: string | undefined;
  seen: SeenEntries;
}

export function logCursor(
  logging: CloudLogging | undefined,
  config: RevisionConfig,
  requirement: Pick<ServiceRequirement, "logs">,
  options: { lagMs?: number; now?: () => number } = {},
): LogCursor {
  const { lagMs = INGESTION_LAG_MS, now = Date.now } = options;
  const query = { project: config.project, service: config.service, revision: shortName(config.revision) };
  // Never before the revision existed: its entries start there (and an unreadable createTime means no bound).
  const floor = Date.parse(config.createTime ?? "") || Number.NEGATIVE_INFINITY;
  const bands: Record<SeverityBand, Band> = {
    error: { since: config.createTime, seen: new SeenEntries() },
    "below-error": { since: config.createTime, seen: new SeenEntries() },
  };
  const readOnce = async (signal: AbortSignal): Promise<LogFacts | undefined> => {
    const logs = requirement.logs;
    if (!logs || !logging) return undefined;
    if (config.source === "candidate") return { kind: "not_deployed" };
    const startedAt = now();
    const read = (band: SeverityBand) => logging.read({ ...query, since: bands[band].since }, band, signal, undefined, bands[band].seen);
    try {
      const [errors, belowError] = await Promise.all([read("error"), logs.deny.length > 0 ? read("below-error") : undefined]);
      if (errors === "denied" || belowError === "denied") return { kind: "denied" };
      // Only a read that counted moves the window on: after a failed one the next read asks again.
      advance(bands.error, errors, startedAt);
      if (belowError) advance(bands["below-error"], belowError, startedAt);
      return { kind: "read", errors: plain(errors), belowError: belowError && plain(belowError) };
    } catch (error) {
      if (signal.aborted) throw error;
      return { kind: "failed", reason: describeError(error) };
    }
  };
  const advance = (band: Band, read: EntriesRead, startedAt: number) => {
    for (const [index, key] of read.keys.entries()) band.seen.add(key, read.lines[index]?.timestamp ?? "");
    // A complete read: the next reaches back INGESTION_LAG_MS before this one began. A truncated one resumes
    // where it stopped (its first pages are counted; re-reading them would fill the bounds with them again),
    // but not further back than that: the history it could not read (it said "at least") is not news to the
    // next rounds. Never back past an earlier window's start: the entries before it are forgotten, so a window
    // reaching there would count them again.
    const current = Date.parse(band.since ?? "") || Number.NEGATIVE_INFINITY;
    const lagged = Math.max(floor, current, startedAt - lagMs);
    const stopped = read.truncated && read.last ? Date.parse(read.last) : Number.NaN;
    const resume = stopped > lagged ? stopped : Number.NaN;
    const next = Number.isNaN(resume) ? lagged : resume;
    if (!Number.isFinite(next)) return;
    // The stop point keeps its own precision (nanoseconds): rounded down to the millisecond it would be before it.
    band.since = next === resume && read.last ? read.last : new Date(next).toISOString();
    band.seen.forgetBefore(next);
  };
  let pending: Promise<unknown> = Promise.resolve();
  return {
    read(signal) {
      // One read at a time: each window starts where the last one's counted entries end.
      const result = pending.then(() => readOnce(signal));
      pending = result.catch(() => undefined);
      return result;
    },
  };
}

/** The facts of one read, without the identities the cursor keeps. */
function plain(read: EntriesRead): LogRead {
  return { lines: read.lines, truncated: read.truncated };
}

/** One read of the revision's log facts since it was created (no later rounds). */
export async function readLogFacts(
  logging: CloudLogging | undefined,
  config: RevisionConfig,
  requirement: Pick<ServiceRequirement, "logs">,
  signal: AbortSignal,
): Promise<LogFacts | undefined> {
  return logCursor(logging, config, requirement).read(signal);
}

/**
 * The first ERROR lines of the revision Cloud Run says did not become ready: the one under test, or the
 * newest one whose rollout failed. Read even without `logs:` (the failure is reason enough to look); the
 * `logs:` read already holds them for the revision under test, so that one is reused. Never fails the run.
 */
export async function readFailureLogs(
  logging: CloudLogging | undefined,
  config: RevisionConfig,
  logFacts: Promise<LogFacts | undefined>,
  signal: AbortSignal,
): Promise<FailureLogs | undefined> {
  const rollout = config.rollout;
  if (!logging || !rollout || config.source !== "live") return undefined;
  const own = config.revision.slice(config.revision.lastIndexOf("/") + 1);
  const underTest = rollout.revision.state !== "ready";
  const revision = underTest ? own : rollout.newest?.state === "failed" ? rollout.newest.revision : undefined;
  if (!revision) return undefined;
  const known = underTest ? await logFacts : undefined;
  if (known?.kind === "read") return { revision, kind: "read", lines: known.errors.lines.slice(0, FIRST_LINES.pageSize) };
  if (known?.kind === "denied" || known?.kind === "failed") return { revision, ...known };
  const query = { project: config.project, service: config.service, revision, since: underTest ? config.createTime : undefined };
  try {
    const read = await logging.read(query, "error", signal, FIRST_LINES);
    return read === "denied" ? { revision, kind: "denied" } : { revision, kind: "read", lines: read.lines };
  } catch (error) {
    if (signal.aborted) throw error;
    return { revision, kind: "failed", reason: describeError(error) };
  }
}
