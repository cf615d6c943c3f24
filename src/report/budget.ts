// The report within GitHub's size limits: 65,536 characters for a PR comment
// (65,535 for a check run's summary), 1 MiB for a step's job summary. A report
// too big for its place loses its least useful parts first, and always keeps
// the verdict and every failure (service and check id), the fixes as long as
// they fit, and a note saying what was left out and where the full report is.
// markdown.ts renders the full report; this module only decides how much of it goes.
import type { Finding, Report } from "../model.js";
import { clipCell, codeSpan, escapeMarkdown } from "./escape.js";

export interface Budget {
  limit: number;
  /** Characters (PR comments, check runs) or UTF-8 bytes (the job summary). */
  measure: "chars" | "bytes";
}

/** What markdown.ts hands over: the full rendering and the pieces every shorter form starts and ends with. */
export interface FullRendering {
  /**
   * The whole report; without passing checks when `showPassing` is false, with `note` saying so.
   * Given a budget, undefined when the text would exceed it (it may stop rendering early to say so).
   */
  render(showPassing: boolean, note?: string, budget?: Budget): string | undefined;
  /** The verdict heading, first in every form. */
  verdict: string[];
  footer: string[];
  icon: Record<Finding["status"], string>;
}

interface Problem {
  service: string;
  finding: Finding;
}

/** A compact form of the problem list: its lines (rendered as they are read), and what it leaves out (for the note). */
interface Form {
  lines: Iterable<string>;
  leftOut: string[];
}

/** `line` of each item, rendered only when read: compose stops reading once a form is over the budget. */
function* each<T>(items: T[], line: (item: T) => string): Generator<string> {
  for (const item of items) yield line(item);
}

const md = (text: string, max = 300) => escapeMarkdown(clipCell(text, max));

/** How a budget counts a text's size. */
function measurer(measure: Budget["measure"]): (text: string) => number {
  return measure === "bytes" ? (text) => Buffer.byteLength(text, "utf8") : (text) => text.length;
}

export function fitToBudget(report: Report, full: FullRendering, budget: Budget): string {
  const size = measurer(budget.measure);
  const fits = (text: string | undefined): text is string => text !== undefined && size(text) <= budget.limit;
  const whole = full.render(true, undefined, budget);
  if (fits(whole)) return whole;

  const findings = [...report.services.flatMap((service) => service.checks), ...(report.checks ?? [])];
  const passing = findings.filter((finding) => !isProblem(finding)).length;
  const passingLeftOut = passing > 0 ? [`${passing} passing or skipped check${passing === 1 ? "" : "s"}`] : [];
  const where = elsewhere(budget);
  if (passingLeftOut.length > 0) {
    const withoutPassing = full.render(false, leftOutNote(passingLeftOut, budget, where), budget);
    if (fits(withoutPassing)) return withoutPassing;
  }

  // The per-service tables go: the problems alone, in ever shorter forms, failures before warnings.
  const problems = problemsOf(report);
  const failures = problems.filter(({ finding }) => finding.status !== "warn");
  const warnings = problems.length - failures.length;
  // Grouped once per list shown: the last form and the cut share it (a fleet's failures are thousands).
  const groupings = new Map<Problem[], Group[]>();
  const groupedOf = (shown: Problem[]) => {
    const known = groupings.get(shown);
    if (known) return known;
    const groups = grouped(shown, full.icon);
    groupings.set(shown, groups);
    return groups;
  };
  const tables = [...passingLeftOut, "the per-service tables (expected, found, probe timings, the previous revision)"];
  // Measured line by line as the form renders: a form that cannot fit stops there (a fleet's problems
  // are thousands of lines, and every form would otherwise render them all to learn it is too big).
  const compose = (form: Form, shown: Problem[]): string | undefined => {
    const dropped = shown.length < problems.length ? [`${warnings} warning${warnings === 1 ? "" : "s"}`] : [];
    const heading = `**${shown.length} problem${shown.length === 1 ? "" : "s"}${dropped.length ? ` (warnings left out)` : ""}:**`;
    const note = leftOutNote([...tables, ...dropped, ...form.leftOut], budget, where);
    const lines = [...full.verdict, `> ${note}`, "", heading, ""];
    const end = ["", ...full.footer];
    // The joined text's size: each line's, plus one per newline between them.
    let used = [...lines, ...end].reduce((total, line) => total + size(line) + 1, -1);
    if (used > budget.limit) return undefined;
    for (const line of form.lines) {
      used += size(line) + 1;
      if (used > budget.limit) return undefined;
      lines.push(line);
    }
    return [...lines, ...end].join("\n");
  };
  for (const form of FORMS) {
    for (const shown of warnings > 0 ? [problems, failures] : [problems]) {
      const text = compose(form(shown, full.icon, groupedOf), shown);
      if (fits(text)) return text;
    }
  }
  return cut(
    full,
    groupedOf(warnings > 0 ? failures : problems),
    failures.length,
    [...tables, `${warnings} warnings`],
    budget,
    size,
    where,
  );
}

/** Shorter and shorter: each keeps every problem's service and check id. */
const FORMS: ((problems: Problem[], icon: FullRendering["icon"], groupedOf: (problems: Problem[]) => Group[]) => Form)[] = [
  (problems, icon) => ({
    lines: each(problems, (problem) => `${lead(problem, icon)}: ${md(problem.finding.message)}${fix(problem.finding, 300)}`),
    leftOut: [],
  }),
  (problems, icon) => ({
    lines: each(problems, (problem) => `${lead(problem, icon)}: ${md(problem.finding.message, 100)}${fix(problem.finding, 160)}`),
    leftOut: ["the end of long messages and fixes"],
  }),
  (problems, icon) => ({
    lines: each(problems, (problem) => `${lead(problem, icon)}${fix(problem.finding, 120)}`),
    leftOut: ["the messages"],
  }),
  (problems, _icon, groupedOf) => ({
    lines: groupedOf(problems).map((group) => group.line),
    leftOut: ["the messages", "each service's own fix (one example per check)"],
  }),
];

function lead({ service, finding }: Problem, icon: FullRendering["icon"]): string {
  return `- ${icon[finding.status]} ${service ? `**${md(service, 100)}** ` : ""}${codeSpan(finding.id)}`;
}

function fix(finding: Finding, max: number): string {
  return finding.hint ? ` — Fix: ${md(finding.hint, max)}` : "";
}

/** One line per check id: the services it failed on, and one fix (the same for all, or the first as an example). */
function grouped(problems: Problem[], icon: FullRendering["icon"]): Group[] {
  const byId = new Map<string, Problem[]>();
  for (const problem of problems) {
    const key = `${problem.finding.status} ${problem.finding.id}`;
    // Pushed in place: copying the group on every problem was quadratic in a fleet's failures.
    const group = byId.get(key);
    if (group) group.push(problem);
    else byId.set(key, [problem]);
  }
  // A service fails several checks: its name is escaped once.
  const names = new Map<string, string>();
  const name = (service: string) => {
    const known = names.get(service);
    if (known !== undefined) return known;
    const shown = service ? md(service, 100) : "across services";
    names.set(service, shown);
    return shown;
  };
  return [...byId.values()].map((group) => {
    const [first] = group as [Problem, ...Problem[]];
    const services = group.map((problem) => name(problem.service));
    const hints = new Set(group.map((problem) => problem.finding.hint ?? ""));
    const hint = first.finding.hint
      ? hints.size === 1
        ? ` — Fix: ${md(first.finding.hint, 200)}`
        : ` — Fix, for ${first.service ? `**${md(first.service, 100)}**` : "the first"}: ${md(first.finding.hint, 200)}`
      : "";
    const lead = `- ${icon[first.finding.status]} ${codeSpan(first.finding.id)}${hint} — on ${group.length} service${group.length === 1 ? "" : "s"}: `;
    return { line: lead + services.join(", "), lead, services };
  });
}

interface Group {
  line: string;
  lead: string;
  services: string[];
}

/** Last resort: grouped lines until the budget (the last one with the services that fit), then how many failures are not shown. */
function cut(
  full: FullRendering,
  groups: Group[],
  failures: number,
  leftOut: string[],
  budget: Budget,
  size: (text: string) => number,
  where: string,
): string {
  // Reserve room for the largest note this cut can need (every failure unshown), then fill.
  const note = (unshown: number) => `> ${leftOutNote([...leftOut, `${unshown} of the ${failures} failures`], budget, where)}`;
  const fixed = [...full.verdict, note(failures), "", ...full.footer];
  let used = fixed.reduce((total, line) => total + size(line) + 1, 0) + 1;
  const kept: string[] = [];
  let shown = 0;
  for (const { line, lead, services } of groups) {
    if (used + size(line) + 1 <= budget.limit) {
      kept.push(line);
      used += size(line) + 1;
      shown += services.length;
      continue;
    }
    // The services that still fit, then stop: the note counts the rest.
    let partial = lead;
    let count = 0;
    for (const service of services) {
      const next = `${partial}${count > 0 ? ", " : ""}${service}`;
      if (used + size(next) + size(", …") + 1 > budget.limit) break;
      partial = next;
      count++;
    }
    if (count > 0) {
      kept.push(`${partial}, …`);
      shown += count;
    }
    break;
  }
  return [...full.verdict, note(failures - shown), "", ...kept, "", ...full.footer].join("\n");
}

function leftOutNote(leftOut: string[], budget: Budget, where: string): string {
  // Not the number: a comment's budget is GitHub's 65,536 less the marker, which would only puzzle a reader.
  const what = budget.measure === "bytes" ? "the job summary's size limit (1 MiB)" : "GitHub's size limit";
  return `Left out to fit ${what}: ${leftOut.join("; ")}. ${where}`;
}

/** A comment or check run points at the job summary; the summary itself at the report file. */
function elsewhere(budget: Budget): string {
  const file = "the `report_file` artifact (`deploy-gate-report.json`, upload it with actions/upload-artifact)";
  return budget.measure === "bytes"
    ? `The full report is in ${file} and the \`report\` output.`
    : `The full report is in this run's job summary and in ${file}.`;
}

function isProblem(finding: Finding): boolean {
  return finding.status === "fail" || finding.status === "error" || finding.status === "warn";
}

/** Failures and errors first, then warnings: the order every cut drops them in reverse. */
function problemsOf(report: Report): Problem[] {
  const all = [
    ...report.services.flatMap((service) => service.checks.map((finding) => ({ service: service.service, finding }))),
    ...(report.checks ?? []).map((finding) => ({ service: "", finding })),
  ].filter(({ finding }) => isProblem(finding));
  return [...all.filter(({ finding }) => finding.status !== "warn"), ...all.filter(({ finding }) => finding.status === "warn")];
}
