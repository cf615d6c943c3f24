// Whether the revision under test is ready, and whether the service's newest
// rollout failed or is still under way: Cloud Run's own conditions, read by
// src/gcp/cloud-run-revision.ts, said before anything else about the revision.
import type { FailureLogs, Finding, ReadyFacts, RevisionConfig, RolloutFacts } from "../model.js";
import { describeRevision, untrustedMessage } from "./describe.js";
import { shortName } from "../resource-name.js";
import { LOGGING_GRANT, logExcerpt, SHOWN_ENTRIES } from "./logs.js";

/** The findings that name a revision Cloud Run did not make ready: its first error lines belong there. */
const NOT_READY: ReadonlySet<string> = new Set(["revision.not_ready", "revision.rollout_failed"]);

/** Selectors whose answer a rollout changes: a failed newest revision fails them; a named or tagged check only hears of it. */
const FOLLOWS_ROLLOUT: ReadonlySet<RolloutFacts["selector"]> = new Set(["latest-ready", "serving"]);

export function checkRollout(config: RevisionConfig): Finding[] {
  const rollout = config.rollout;
  if (!rollout) return [];
  const id = shortName(config.revision);
  const findings: Finding[] = [];
  if (rollout.revision.state !== "ready") {
    findings.push({
      id: "revision.not_ready",
      status: "fail",
      subject: id,
      message: `revision ${id} ${rollout.revision.state === "failed" ? "failed" : "is not ready"}${why(rollout.revision)}`,
      hint: "read the revision's logs in Cloud Logging; a secret the runtime account cannot read also stops a revision from starting",
    });
  }
  const failure = failedRollout(rollout, id);
  if (failure) {
    const follows = FOLLOWS_ROLLOUT.has(rollout.selector);
    findings.push({
      id: "revision.rollout_failed",
      status: follows ? "fail" : "warn",
      subject: failure.subject,
      message: `${failure.what} failed${why(failure.facts)}${rollout.latestReady ? `; ${config.service} still serves ${rollout.latestReady}` : ""}`,
      hint: `read the failed revision's logs in Cloud Logging, fix the cause and deploy again; the other checks here are of ${describeRevision(config)}${follows ? ", which still serves" : ""}`,
    });
  } else if (rollout.revision.state !== "failed" && (rollout.service.reconciling || rollout.latestCreated !== rollout.latestReady)) {
    findings.push({
      id: "revision.rollout_in_progress",
      status: "warn",
      message: `a rollout is in progress: latest created ${rollout.latestCreated ?? "(none)"} is not the latest ready ${rollout.latestReady ?? "(none)"}`,
      hint: "run the gate after the deploy step finishes, or check revision: latest-created",
    });
  }
  return findings;
}

/** The newest revision failed (it is not the one under test), or the service's own Ready condition did. */
function failedRollout(rollout: RolloutFacts, id: string): { subject: string; what: string; facts: ReadyFacts } | undefined {
  const { newest, service } = rollout;
  if (newest?.state === "failed") {
    // The revision's own condition is the more precise; the service's often says the same at more length.
    const facts = newest.message || newest.reasons.length || service.state !== "failed" ? newest : service;
    return { subject: newest.revision, what: `the newest revision ${newest.revision}`, facts };
  }
  if (service.state === "failed" && rollout.revision.state === "ready") {
    const created = rollout.latestCreated && rollout.latestCreated !== id ? ` (latest created ${rollout.latestCreated})` : "";
    return { subject: rollout.latestCreated ?? id, what: `the service's latest rollout${created}`, facts: service };
  }
  return undefined;
}

function why(facts: ReadyFacts): string {
  const reasons = facts.reasons.length ? ` (${facts.reasons.join(", ")})` : "";
  return `${reasons}${facts.message ? `: ${untrustedMessage(facts.message)}` : ""}`;
}

/**
 * The failed revision's first ERROR lines, put in the finding that names it (redacted, then made inert
 * and clipped like every log line), so the report says why without a trip to the console.
 */
export function withFailureLogs(findings: Finding[], logs: FailureLogs | undefined, redact: (text: string) => string): Finding[] {
  if (!logs) return findings;
  return findings.map((finding) => {
    if (!NOT_READY.has(finding.id) || finding.subject !== logs.revision) return finding;
    const hint = finding.hint ? `${finding.hint}; ` : "";
    if (logs.kind === "denied") return { ...finding, hint: `${hint}to see its error lines here, ${LOGGING_GRANT}` };
    if (logs.kind === "failed") return { ...finding, hint: `${hint}the gate could not read its error lines: ${logs.reason}` };
    const shown = logs.lines.slice(0, SHOWN_ENTRIES).map((line) => logExcerpt(line, redact));
    if (shown.length === 0) return { ...finding, found: `no log entry at ERROR or above from ${logs.revision}` };
    return {
      ...finding,
      found: shown.map((line) => `${line.timestamp} ${line.severity} ${line.message}`).join(" | "),
      entries: shown,
    };
  });
}
