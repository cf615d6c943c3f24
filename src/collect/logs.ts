// Reads the log facts a service's `logs:` requirement needs: the revision's
// ERROR entries, and (only when there are deny patterns) the lines below
// ERROR too, both at once. A failed read is a fact (the check decides what
// it means), except the run's own deadline, which ends the run.
import { describeError } from "../errors.js";
import type { CloudLogging } from "../gcp/logging.js";
import type { ServiceRequirement } from "../manifest/load.js";
import type { FailureLogs, LogFacts, RevisionConfig } from "../model.js";
import { shortName } from "../resource-name.js";

/** A failed revision's first lines: one small page is all the report shows. */
const FIRST_LINES = { pageSize: 5, pages: 1 };

export async function readLogFacts(
  logging: CloudLogging | undefined,
  config: RevisionConfig,
  requirement: Pick<ServiceRequirement, "logs">,
  signal: AbortSignal,
): Promise<LogFacts | undefined> {
  const logs = requirement.logs;
  if (!logs || !logging) return undefined;
  if (config.source === "candidate") return { kind: "not_deployed" };
  const query = {
    project: config.project,
    service: config.service,
    revision: shortName(config.revision),
    since: config.createTime,
  };
  try {
    const [errors, belowError] = await Promise.all([
      logging.read(query, "error", signal),
      logs.deny.length > 0 ? logging.read(query, "below-error", signal) : undefined,
    ]);
    if (errors === "denied" || belowError === "denied") return { kind: "denied" };
    return { kind: "read", errors, belowError };
  } catch (error) {
    if (signal.aborted) throw error;
    return { kind: "failed", reason: describeError(error) };
  }
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
