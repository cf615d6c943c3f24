// Everything the gate tells the outside world goes through here: outputs, the
// job summary and the log. The last line of defence against a leak is here
// too: every string is passed through `redact`, which knows every masked value.
import type { Inputs } from "./inputs.js";
import type { Report } from "./model.js";
import { escapeLog } from "./report/escape.js";
import { renderMarkdown } from "./report/markdown.js";
import { allFindings, failedChecks } from "./report/verdict.js";

export interface Publisher {
  setOutput: (name: string, value: string) => void;
  writeSummary: (markdown: string) => Promise<void>;
  log: { info: (line: string) => void; warning: (line: string) => void; error: (line: string) => void };
  /** Replace every masked value in text (secrets, tokens, keys). */
  redact: (text: string) => string;
}

export async function publish(report: Report, inputs: Inputs | undefined, out: Publisher): Promise<void> {
  const findings = allFindings(report);
  const failOn = inputs?.failOn ?? "error";
  const say = (text: string) => out.redact(escapeLog(text));
  for (const service of report.services) {
    out.log.info(say(`${service.service}: ${service.revision ?? "(no revision)"}`));
    for (const finding of service.checks) logFinding(out, say, `${service.service}: `, finding);
  }
  for (const finding of report.checks ?? []) logFinding(out, say, "", finding);
  out.log.info(say(`result: ${report.result}`));

  const firstRevision = report.services.find((service) => service.revision)?.revision ?? "";
  const firstUrl = report.services.find((service) => service.url)?.url ?? "";
  out.setOutput("result", report.result);
  out.setOutput("report", out.redact(JSON.stringify(report)));
  out.setOutput("failed_checks", failedChecks(findings, failOn).join(","));
  out.setOutput("revision", out.redact(firstRevision));
  out.setOutput("url", out.redact(firstUrl));
  try {
    await out.writeSummary(out.redact(renderMarkdown(report)));
  } catch {
    out.log.warning("could not write the job summary");
  }
}

function logFinding(
  out: Publisher,
  say: (text: string) => string,
  prefix: string,
  finding: Report["services"][number]["checks"][number],
): void {
  const line = say(`${prefix}[${finding.status}] ${finding.id}: ${finding.message}${finding.hint ? ` (fix: ${finding.hint})` : ""}`);
  if (finding.status === "fail" || finding.status === "error") out.log.error(line);
  else if (finding.status === "warn") out.log.warning(line);
  else out.log.info(line);
}
