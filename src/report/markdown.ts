// The human report: verdict first, then a table per service. Used for the job
// summary and the PR comment. Every piece of untrusted text goes through escapeMarkdown.
import type { Finding, Report, ServiceReport } from "../model.js";
import { escapeMarkdown as md } from "./escape.js";

const ICON: Record<Finding["status"], string> = { pass: "✅", fail: "❌", warn: "⚠️", error: "🛑", skip: "⏭️" };

export function renderMarkdown(report: Report, title = "Cloud Run deploy gate"): string {
  const lines = [`## ${verdictLine(report, title)}`, ""];
  const problems = [...report.services.flatMap((service) => service.checks), ...(report.checks ?? [])].filter(isProblem);
  if (problems.length > 0) {
    lines.push(`**${problems.length} problem${problems.length === 1 ? "" : "s"}:**`, "");
    for (const service of report.services) {
      for (const finding of service.checks.filter(isProblem))
        lines.push(`- ${ICON[finding.status]} **${md(service.service)}** ${md(finding.message)}`);
    }
    for (const finding of (report.checks ?? []).filter(isProblem)) lines.push(`- ${ICON[finding.status]} ${md(finding.message)}`);
    lines.push("");
  }
  for (const service of report.services) lines.push(...serviceTable(service));
  if (report.checks?.length) {
    lines.push("### Across services", "", "| | Check | Result |", "|---|---|---|");
    for (const finding of report.checks) lines.push(`| ${ICON[finding.status]} | ${code(finding.id)} | ${md(finding.message)} |`);
    lines.push("");
  }
  lines.push(`<sub>started ${md(report.started_at)} · ${report.duration_ms} ms</sub>`, "");
  return lines.join("\n");
}

function verdictLine(report: Report, title: string): string {
  if (report.result === "pass") return `✅ ${title}: pass`;
  if (report.result === "fail") return `❌ ${title}: fail, do not ship this revision`;
  return `🛑 ${title}: error, the gate could not decide`;
}

/** Inside a code span entities are not decoded, so drop backticks instead of escaping. */
function code(text: string): string {
  return `\`${text.replace(/[`\r\n|]/g, "")}\``;
}

function isProblem(finding: Finding): boolean {
  return finding.status === "fail" || finding.status === "error" || finding.status === "warn";
}

function serviceTable(service: ServiceReport): string[] {
  const revision = service.revision ? ` · revision ${code(service.revision.slice(service.revision.lastIndexOf("/") + 1))}` : "";
  const lines = [`### ${md(service.service)}${revision}`, "", "| | Check | Subject | Result | Fix |", "|---|---|---|---|---|"];
  for (const finding of service.checks) {
    const where = finding.location?.line ? ` (${md(finding.location.file)}:${finding.location.line})` : "";
    const time = finding.duration_ms !== undefined ? ` · ${finding.duration_ms} ms` : "";
    lines.push(
      `| ${ICON[finding.status]} | ${code(finding.id)} | ${md(finding.subject ?? "")} | ${md(finding.message)}${time}${where} | ${md(finding.hint ?? "")} |`,
    );
  }
  lines.push("");
  return lines;
}
