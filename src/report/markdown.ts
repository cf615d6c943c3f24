// The human report, for the job summary, the PR comment and the check run. A
// reviewer knows in five seconds what failed and why: the verdict that follows
// the diagnosis, one row per service (status, revision, likely cause), then per
// failing service the cause once, its unmet requirements in a compact table,
// and ONE `sh` block that fixes them all. Symptoms of the cause and passing
// checks are folded. Every piece of untrusted text goes through escapeMarkdown
// or codeSpan. GitHub rejects a comment over 65,536 characters and a summary
// over 1 MiB, so the report shrinks to fit instead.
import { shortName } from "../resource-name.js";
import type { Finding, Report, ServiceReport } from "../model.js";
import { type Budget, fitToBudget } from "./budget.js";
import { quotedFinding, shortCause, verdictText } from "./cause.js";
import { clipCell, codeSpan, escapeMarkdown, tableCell } from "./escape.js";
import { mergedFix, proseHints } from "./fix.js";
import { locationLink, type RunLinks } from "./links.js";
import { groupProblems, plural, type ProblemGroups, type ServiceProblems } from "./problems.js";

const ICON: Record<Finding["status"], string> = { pass: "✅", fail: "❌", warn: "⚠️", error: "🛑", skip: "⏭️" };
const RESULT_ICON: Record<Report["result"], string> = { pass: "✅", fail: "❌", error: "🛑", inconclusive: "⏳" };

export interface RenderOptions {
  title?: string;
  /** Largest result allowed, measured by `measure`. */
  limit?: number;
  /** Characters (PR comments, check runs) or UTF-8 bytes (the job summary). */
  measure?: "chars" | "bytes";
  /** Where manifest lines and the run link point (src/report/links.ts); without it they are plain text. */
  links?: RunLinks;
}

export const COMMENT_LIMIT = 65_536;
export const CHECK_RUN_SUMMARY_LIMIT = 65_535;
export const SUMMARY_LIMIT = 1024 * 1024;
/** A table cell's visible text stays under this, so the table fits a PR comment's width. */
export const CELL_LIMIT = 120;

const md = (text: string, max = 300) => escapeMarkdown(clipCell(text, max));
/** One table row; each cell's code spans keep their `|` (see tableCell). */
const row = (...cells: string[]) => {
  let text = "|";
  for (const cell of cells) text += ` ${tableCell(cell)} |`;
  return text;
};

interface Context {
  title: string;
  links: RunLinks;
  groups: ProblemGroups;
}

/** The full report if it fits, else shorter forms that keep the verdict and every failure (see budget.ts). */
export function renderMarkdown(report: Report, options: RenderOptions = {}): string {
  // Grouped once per rendering: the headline, the service table and the sections all read it.
  const all = groupProblems(report);
  const context: Context = {
    title: options.title ?? "Cloud Run deploy gate",
    links: options.links ?? {},
    groups: withoutQuoted(report, all),
  };
  const top = head(report, context, all);
  return fitToBudget(
    report,
    {
      render: (showPassing, note, budget) => render(report, context, top, showPassing, note, budget),
      verdict: top.slice(0, 2),
      footer: footer(report, context),
      icon: ICON,
    },
    { limit: options.limit ?? SUMMARY_LIMIT, measure: options.measure ?? "chars" },
  );
}

/** The groups, minus the error the headline already quotes whole (stated once). */
function withoutQuoted(report: Report, groups: ProblemGroups): ProblemGroups {
  const quoted = quotedFinding(report, groups);
  return quoted ? { ...groups, across: groups.across.filter((finding) => finding !== quoted) } : groups;
}

/**
 * The whole report, or undefined as soon as it is known to exceed `budget`: measured section by
 * section, so a 200-service report that cannot fit a comment is not rendered whole to find out.
 */
function render(report: Report, context: Context, top: string[], showPassing: boolean, note?: string, budget?: Budget): string | undefined {
  const lines = [...top];
  // Counted in UTF-16 units, a lower bound of the size in either measure (a UTF-8 byte count is never
  // less): over it, the text is over the budget for sure; fitToBudget measures what is returned.
  let used = -1;
  let measured = 0;
  const over = () => {
    if (!budget) return false;
    for (; measured < lines.length; measured++) used += (lines[measured] as string).length + 1;
    return used > budget.limit;
  };
  if (report.result === "pass" && context.groups.services.every((group) => group.status === "pass")) {
    if (showPassing) {
      for (const group of context.groups.services) {
        lines.push(...passingTable(group.rest, group.service));
        if (over()) return undefined;
      }
    }
  } else {
    for (const group of context.groups.services) {
      lines.push(...serviceSection(group, context, showPassing));
      if (over()) return undefined;
    }
    lines.push(...acrossSection(context));
  }
  if (note) lines.push(`> ${note}`, "");
  lines.push(...footer(report, context));
  return over() ? undefined : lines.join("\n");
}

function head(report: Report, context: Context, all: ProblemGroups): string[] {
  const lines = [`## ${RESULT_ICON[report.result]} ${md(context.title)}: ${md(verdictText(report, all), 200)}`, ""];
  if (report.result === "pass" && context.groups.services.every((group) => group.status === "pass")) return lines;
  if (context.groups.services.length > 0) {
    lines.push("| | Service | Revision | Likely cause |", "|---|---|---|---|");
    for (const group of context.groups.services) {
      lines.push(
        row(
          ICON[group.status],
          codeSpan(clipCell(group.service.service, 63)),
          group.service.revision ? codeSpan(clipCell(shortName(group.service.revision), 63)) : "",
          md(shortCause(group), CELL_LIMIT),
        ),
      );
    }
    lines.push("");
  }
  return lines;
}

function footer(report: Report, context: Context): string[] {
  const sha = context.links.sha ?? report.commit ?? undefined;
  const parts = [
    sha ? `commit ${codeSpan(sha.slice(0, 12))}` : "",
    context.links.runUrl ? `[workflow run](${context.links.runUrl})` : "",
    seconds(report.duration_ms),
  ];
  return [`<sub>${parts.filter(Boolean).join(" · ")}</sub>`, ""];
}

function serviceSection(group: ServiceProblems, context: Context, showPassing: boolean): string[] {
  const { service } = group;
  const revision = service.revision ? ` · ${codeSpan(shortName(service.revision))}` : "";
  const lines = [`### ${ICON[group.status]} ${codeSpan(service.service)}${revision}`, ""];
  if (group.cause) lines.push(`**Likely cause:** ${md(group.cause.message, 600)}`, "");
  if (group.requirements.length > 0) lines.push(...requirementTable(group.requirements, context), "");
  // The cause's own hint only when no requirement says what to change ("fix the config findings below").
  lines.push(...fixBlock(group.requirements.length > 0 ? group.requirements : group.cause ? [group.cause] : []));
  if (group.warnings.length > 0) {
    for (const finding of group.warnings) lines.push(`- ${ICON.warn} ${codeSpan(finding.id)} ${md(finding.message)}`);
    lines.push("");
  }
  if (group.symptoms.length > 0) lines.push(...folded(`${plural(group.symptoms.length, "finding")} caused by the above`, group.symptoms));
  if (showPassing && group.rest.length > 0) lines.push(...passingTable(group.rest, service));
  if (service.previous) lines.push(...beforeAfter(service.checks, service.previous));
  return lines;
}

/** Requirements with an expected and found value in a table; the rest (run errors) in a sentence each, with their hint. */
function requirementTable(findings: Finding[], context: Context): string[] {
  const tabled = findings.filter((finding) => finding.expected !== undefined || finding.found !== undefined || finding.location);
  const lines = findings
    .filter((finding) => !tabled.includes(finding))
    .map((finding) => `- ${ICON[finding.status]} ${codeSpan(finding.id)} ${md(finding.message, 600)}`);
  if (tabled.length === 0) return lines;
  if (lines.length > 0) lines.push("");
  lines.push("| Requirement | Expected | Found | Manifest |", "|---|---|---|---|");
  for (const finding of tabled) {
    const requirement = finding.subject ? codeSpan(clipCell(finding.subject, 60)) : codeSpan(finding.id);
    const found = finding.found ?? (finding.expected === undefined ? finding.message : "");
    lines.push(
      row(
        `${ICON[finding.status]} ${requirement}`,
        md(finding.expected ?? "", 60),
        md(found, CELL_LIMIT - 40),
        manifestCell(finding, context),
      ),
    );
  }
  // "missing" says it all; any other answer (a 500 and its body, a fingerprint that differs) has its story in the message.
  const told = tabled.filter((finding) => finding.found !== undefined && !/^(missing|empty|not set)$/.test(finding.found));
  if (told.length > 0) lines.push("", ...told.map((finding) => `- ${codeSpan(finding.id)} ${md(finding.message, 600)}`));
  return lines;
}

function manifestCell(finding: Finding, context: Context): string {
  if (!finding.location) return "";
  const { text, url } = locationLink(finding.location, context.links);
  const shown = codeSpan(clipCell(text.slice(text.lastIndexOf("/") + 1), 60));
  return url ? `[${shown}](${url})` : shown;
}

/** The merged gcloud command(s) in one fence, then what no command does, in words. */
function fixBlock(findings: Finding[]): string[] {
  const commands = mergedFix(findings);
  const lines: string[] = [];
  if (commands.length > 0) {
    const text = commands.join("\n").replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g, "");
    const fence = "`".repeat(Math.max(3, ...(text.match(/`+/g) ?? []).map((run) => run.length + 1)));
    lines.push(`${fence}sh`, text, fence, "");
  }
  const prose = proseHints(findings);
  const label = commands.length > 0 ? "Also" : "Fix";
  if (prose.length > 0) lines.push(...prose.map((hint) => `- **${label}:** ${md(hint)}`), "");
  return lines;
}

function folded(summary: string, findings: Finding[]): string[] {
  const lines = [`<details><summary>${escapeMarkdown(summary)}</summary>`, ""];
  for (const finding of findings) lines.push(`- ${ICON[finding.status]} ${codeSpan(finding.id)} ${md(finding.message)}`);
  return [...lines, "", "</details>", ""];
}

function passingTable(findings: Finding[], service: ServiceReport | undefined): string[] {
  const name = service ? ` of ${codeSpan(service.service)}` : "";
  const lines = [`<details><summary>${plural(findings.length, "passing or skipped check")}${name}</summary>`, ""];
  lines.push("| | Check | Result |", "|---|---|---|");
  for (const finding of findings) {
    const timing = finding.duration_ms !== undefined ? ` (${finding.duration_ms} ms)` : "";
    lines.push(row(ICON[finding.status], checkCell(finding), `${md(finding.message, CELL_LIMIT)}${timing}`));
  }
  return [...lines, "", "</details>", ""];
}

function acrossSection(context: Context): string[] {
  const { across, acrossSymptoms, acrossWarnings } = context.groups;
  if (across.length + acrossSymptoms.length + acrossWarnings.length === 0) return [];
  const lines = ["### Across services", ""];
  if (across.length > 0) lines.push(...requirementTable(across, context), "", ...fixBlock(across));
  for (const finding of acrossWarnings) lines.push(`- ${ICON.warn} ${codeSpan(finding.id)} ${md(finding.message)}`);
  if (acrossWarnings.length > 0) lines.push("");
  if (acrossSymptoms.length > 0) {
    lines.push(...folded(`${plural(acrossSymptoms.length, "check")} not verifiable, caused by the missing config above`, acrossSymptoms));
  }
  return lines;
}

function checkCell(finding: Finding): string {
  // Subjects are env var and secret names: a code span keeps them readable (and inert).
  return `${codeSpan(finding.id)}${finding.subject ? ` ${codeSpan(clipCell(finding.subject, 60))}` : ""}`;
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
  const label = `Compared with the previous revision ${codeSpan(shortName(previous.revision))}`;
  if (rows.length === 0) return [`${label}: no requirement changed.`, ""];
  const rest = unchanged > 0 ? [`${unchanged} more unchanged.`, ""] : [];
  return [`**${label}:**`, "", "| Requirement | Before | After |", "|---|---|---|", ...rows, "", ...rest];
}

const SEVERITY: Finding["status"][] = ["skip", "pass", "warn", "error", "fail"];

function worstByRequirement(findings: Finding[]): Map<string, Finding["status"]> {
  const worst = new Map<string, Finding["status"]>();
  for (const finding of findings) {
    const requirement = finding.subject ? codeSpan(clipCell(finding.subject, 60)) : codeSpan(finding.id);
    const known = worst.get(requirement);
    if (!known || SEVERITY.indexOf(finding.status) > SEVERITY.indexOf(known)) worst.set(requirement, finding.status);
  }
  return worst;
}

function status(value: Finding["status"] | undefined): string {
  return value ? `${ICON[value]} ${value}` : "(not checked)";
}

function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}
