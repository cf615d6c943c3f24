// The human report, for the job summary, the PR comment and the check run:
// the verdict first, then what is wrong, then a table per service (check,
// status, expected, found, fix), probe timings, what changed since the previous
// revision, and the passing checks folded away. Every piece of untrusted text
// goes through escapeMarkdown or codeSpan. GitHub rejects a comment over 65,536
// characters and a summary over 1 MiB, so the report shrinks to fit instead.
import type { Finding, Report, ServiceReport } from "../model.js";
import { fitToBudget } from "./budget.js";
import { clip, codeSpan, escapeMarkdown, tableCell } from "./escape.js";

const ICON: Record<Finding["status"], string> = { pass: "✅", fail: "❌", warn: "⚠️", error: "🛑", skip: "⏭️" };

export interface RenderOptions {
  title?: string;
  /** Largest result allowed, measured by `measure`. */
  limit?: number;
  /** Characters (PR comments, check runs) or UTF-8 bytes (the job summary). */
  measure?: "chars" | "bytes";
}

export const COMMENT_LIMIT = 65_536;
export const CHECK_RUN_SUMMARY_LIMIT = 65_535;
export const SUMMARY_LIMIT = 1024 * 1024;

const md = (text: string) => escapeMarkdown(clip(text));
/** One table row; each cell's code spans keep their `|` (see tableCell). */
const row = (...cells: string[]) => `| ${cells.map(tableCell).join(" | ")} |`;

/** The full report if it fits, else shorter forms that keep the verdict and every failure (see budget.ts). */
export function renderMarkdown(report: Report, options: RenderOptions = {}): string {
  const title = options.title ?? "Cloud Run deploy gate";
  return fitToBudget(
    report,
    {
      render: (showPassing, note) => render(report, title, showPassing, note),
      verdict: [`## ${verdictLine(report, title)}`, ""],
      footer: footer(report),
      icon: ICON,
    },
    { limit: options.limit ?? SUMMARY_LIMIT, measure: options.measure ?? "chars" },
  );
}

function render(report: Report, title: string, showPassing: boolean, note?: string): string {
  const lines = head(report, title);
  for (const service of report.services) lines.push(...serviceSection(service, showPassing));
  if (report.checks?.length) lines.push("### Across services", "", ...findingsTable(report.checks, showPassing));
  if (note) lines.push(`> ${note}`, "");
  lines.push(...footer(report));
  return lines.join("\n");
}

function head(report: Report, title: string): string[] {
  const lines = [`## ${verdictLine(report, title)}`, ""];
  const problems = [
    ...report.services.flatMap((service) => service.checks.filter(isProblem).map((finding) => ({ service: service.service, finding }))),
    ...(report.checks ?? []).filter(isProblem).map((finding) => ({ service: "", finding })),
  ];
  if (problems.length === 0) return lines;
  lines.push(`**${problems.length} problem${problems.length === 1 ? "" : "s"}:**`, "");
  for (const { service, finding } of problems) {
    lines.push(`- ${ICON[finding.status]} ${service ? `**${md(service)}** ` : ""}${md(finding.message)}`);
  }
  lines.push("");
  return lines;
}

function footer(report: Report): string[] {
  return [`<sub>started ${md(report.started_at)} · ${report.duration_ms} ms</sub>`, ""];
}

function verdictLine(report: Report, title: string): string {
  if (report.result === "pass") return `✅ ${title}: pass`;
  if (report.result === "fail") return `❌ ${title}: fail, do not ship this revision`;
  if (report.result === "inconclusive") return `⏳ ${title}: inconclusive, verification ran out of time before the revision proved itself`;
  return `🛑 ${title}: error, the gate could not decide`;
}

function isProblem(finding: Finding): boolean {
  return finding.status === "fail" || finding.status === "error" || finding.status === "warn";
}

function serviceSection(service: ServiceReport, showPassing: boolean): string[] {
  const revision = service.revision ? ` · revision ${codeSpan(shortRevision(service.revision))}` : "";
  const lines = [`### ${md(service.service)}${revision}`, ""];
  lines.push(...findingsTable(service.checks, showPassing));
  const timed = service.checks.filter((finding) => finding.duration_ms !== undefined);
  if (timed.length > 0) {
    lines.push(`Probe timings: ${timed.map((finding) => `${codeSpan(finding.id)} ${finding.duration_ms} ms`).join(" · ")}`, "");
  }
  if (service.previous) lines.push(...beforeAfter(service.checks, service.previous));
  return lines;
}

/** Problems in a table; passing and skipped checks folded into a <details> below it. */
function findingsTable(findings: Finding[], showPassing: boolean): string[] {
  const lines: string[] = [];
  const problems = findings.filter(isProblem);
  if (problems.length > 0) {
    lines.push("| | Check | Result | Expected | Found | Fix |", "|---|---|---|---|---|---|");
    for (const finding of problems) {
      lines.push(
        row(
          `${ICON[finding.status]} ${finding.status}`,
          checkCell(finding),
          `${md(finding.message)}${where(finding)}`,
          md(finding.expected ?? ""),
          md(finding.found ?? ""),
          md(finding.hint ?? ""),
        ),
      );
    }
    lines.push("");
  }
  const passing = findings.filter((finding) => !isProblem(finding));
  if (passing.length === 0 || !showPassing) return lines;
  lines.push(`<details><summary>${passing.length} passing or skipped check${passing.length === 1 ? "" : "s"}</summary>`, "");
  lines.push("| | Check | Result |", "|---|---|---|");
  for (const finding of passing) lines.push(row(`${ICON[finding.status]} ${finding.status}`, checkCell(finding), md(finding.message)));
  lines.push("", "</details>", "");
  return lines;
}

function checkCell(finding: Finding): string {
  // Subjects are env var and secret names: a code span keeps them readable (and inert).
  return `${codeSpan(finding.id)}${finding.subject ? ` ${codeSpan(clip(finding.subject, 100))}` : ""}`;
}

function where(finding: Finding): string {
  return finding.location?.line ? ` <sub>${md(finding.location.file)}:${finding.location.line}</sub>` : "";
}

/**
 * What this deploy broke or fixed: each requirement the previous revision was
 * checked against (by env var or secret name, else check id), before and after.
 * Only config checks run on the previous revision, so probes are not compared.
 */
function beforeAfter(now: Finding[], previous: NonNullable<ServiceReport["previous"]>): string[] {
  const before = worstByRequirement(previous.checks);
  const after = worstByRequirement(now);
  const rows: string[] = [];
  let unchanged = 0;
  for (const [requirement, was] of before) {
    const is = after.get(requirement);
    if (was === is) unchanged++;
    else rows.push(row(requirement, status(was), status(is)));
  }
  const label = `Compared with the previous revision ${codeSpan(shortRevision(previous.revision))}`;
  if (rows.length === 0) return [`${label}: no requirement changed.`, ""];
  const rest = unchanged > 0 ? [`${unchanged} more unchanged.`, ""] : [];
  return [`**${label}:**`, "", "| Requirement | Before | After |", "|---|---|---|", ...rows, "", ...rest];
}

const SEVERITY: Finding["status"][] = ["skip", "pass", "warn", "error", "fail"];

function worstByRequirement(findings: Finding[]): Map<string, Finding["status"]> {
  const worst = new Map<string, Finding["status"]>();
  for (const finding of findings) {
    const requirement = finding.subject ? codeSpan(finding.subject) : codeSpan(finding.id);
    const known = worst.get(requirement);
    if (!known || SEVERITY.indexOf(finding.status) > SEVERITY.indexOf(known)) worst.set(requirement, finding.status);
  }
  return worst;
}

function status(value: Finding["status"] | undefined): string {
  return value ? `${ICON[value]} ${value}` : "(not checked)";
}

function shortRevision(revision: string): string {
  return revision.slice(revision.lastIndexOf("/") + 1);
}
