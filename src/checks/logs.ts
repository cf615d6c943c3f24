// The revision's own logs, judged against the manifest's `logs:` requirement:
// at most `max_errors` entries at ERROR or above, and no line matching a `deny`
// pattern at any severity; lines matching `allow` are known noise. Log text is
// untrusted: redacted before it is cut, stripped of controls, clipped.
import type { ServiceRequirement } from "../manifest/load.js";
import type { Finding, LogFacts, LogLine, RevisionConfig } from "../model.js";
import { matchesPattern } from "../manifest/pattern.js";
import { shortName } from "../resource-name.js";
import { deferCut } from "../cut.js";

/** Entries shown in the report; the count covers all of them. */
export const SHOWN_ENTRIES = 3;
const SHOWN_MESSAGE_CHARS = 200;
export const LOGGING_GRANT =
  "grant the gate's identity roles/logging.viewer on the project (it reads the revision's entries with logging.logEntries.list)";

export function checkLogs(
  requirement: Pick<ServiceRequirement, "logs">,
  config: Pick<RevisionConfig, "revision" | "service">,
  facts: LogFacts | undefined,
  redact: (text: string) => string,
  configFindings: Finding[] = [],
): Finding[] {
  const logs = requirement.logs;
  if (!logs || !facts) return [];
  const revision = shortName(config.revision);
  const base = { id: "logs.errors", subject: revision, location: logs.location };
  if (facts.kind === "not_deployed") {
    return [{ ...base, status: "skip", message: `${config.service} is not deployed yet (candidate): no logs to read` }];
  }
  if (facts.kind === "denied") {
    return [
      {
        ...base,
        status: logs.optional ? "skip" : "error",
        message: `cannot verify ${revision}'s logs: the gate may not read Cloud Logging (HTTP 403)`,
        hint: LOGGING_GRANT,
      },
    ];
  }
  if (facts.kind === "failed") {
    return [{ ...base, status: logs.optional ? "skip" : "error", message: `cannot verify ${revision}'s logs: ${facts.reason}` }];
  }
  const { allow, deny } = logs;
  // RE2 (linear time): a log line is the backend's text, and a pattern meets thousands of them.
  const noise = (line: LogLine) => allow.some((pattern) => matchesPattern(pattern, line.message));
  const errors = facts.errors.lines.filter((line) => !noise(line));
  const denied = [...facts.errors.lines, ...(facts.belowError?.lines ?? [])].filter(
    (line) => !noise(line) && deny.some((pattern) => matchesPattern(pattern, line.message)),
  );
  const atLeast = facts.errors.truncated ? "at least " : "";
  const tooMany = errors.length > logs.max_errors;
  const failing = tooMany || denied.length > 0;
  const picked = (denied.length > 0 ? denied : errors).slice(0, SHOWN_ENTRIES);
  const shown = picked.map((line) => logExcerpt(line, redact));
  // Judged on the part of each line the report shows (the excerpt's cut is deferred, see logExcerpt).
  const related = failing
    ? relatedFinding(
        picked.map((line) => ({ ...line, message: line.message.slice(0, SHOWN_MESSAGE_CHARS - 1) })),
        configFindings,
      )
    : undefined;
  const parts = [
    `${atLeast}${errors.length} log entr${errors.length === 1 ? "y" : "ies"} at ERROR or above since ${revision} was created (max_errors ${logs.max_errors})`,
    ...(denied.length > 0 ? [`${denied.length} line${denied.length === 1 ? "" : "s"} matching a deny pattern`] : []),
    ...(related ? [`the log explains ${related.id} ${related.subject ?? ""}`.trim()] : []),
  ];
  return [
    {
      ...base,
      status: failing ? "fail" : "pass",
      message: parts.join("; "),
      expected: `at most ${logs.max_errors} ERROR entries${deny.length ? ", no line matching deny" : ""}`,
      found: shown.map((line) => `${line.timestamp} ${line.severity} ${line.message}`).join(" | "),
      count: errors.length,
      ...(shown.length ? { entries: shown } : {}),
      ...(failing ? { hint: "read the lines above: fix what they report and redeploy, or list known noise under logs.allow" } : {}),
    },
  ];
}

/**
 * Redact what is known now, strip controls, and leave the clip to the report's redaction (src/cut.ts):
 * in a fleet this line is judged while another service's secret may still be on its way, and a clip
 * made now would keep that secret's first characters where no later redaction finds them. The
 * deferred cut also withholds credential shapes (a JWT another client sent), as every excerpt does.
 */
export function logExcerpt(line: LogLine, redact: (text: string) => string): LogLine {
  const clean = redact(line.message)
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]+/g, " ")
    .trim();
  // One character of the cap is the "…" a cut line ends with, as before.
  const message = deferCut(clean, SHOWN_MESSAGE_CHARS - 1);
  return { timestamp: line.timestamp.replace(/[^0-9A-Za-z:.+-]/g, ""), severity: line.severity, message };
}

/**
 * The failing config finding a log line is about: one whose variable name's words the line uses
 * ("JWT secret not configured" and JWT_SECRET_STAGING), so the report can put cause and symptom side by side.
 */
function relatedFinding(lines: LogLine[], findings: Finding[]): Finding | undefined {
  return findings.find((finding) => {
    if (finding.status !== "fail" || !finding.subject) return false;
    const words = finding.subject
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter((word) => word.length >= 3);
    return lines.some((line) => {
      const text = line.message.toLowerCase();
      return text.includes(finding.subject?.toLowerCase() ?? "\u0000") || words.filter((word) => text.includes(word)).length >= 2;
    });
  });
}
