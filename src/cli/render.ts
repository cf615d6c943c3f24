// The report for a person at a terminal: the verdict that follows the
// diagnosis, then per service its cause, its unmet requirements and its fix
// (each printed once), then warnings, then one line of what passed. Text wraps
// to the terminal's width with a hanging indent; a fix command is printed as it
// is, already broken between flags. Every string from the report is untrusted
// (env names, response bodies, error messages), so control characters are
// stripped before they reach the terminal.
import { shortName } from "../resource-name.js";
import type { Finding, Report } from "../model.js";
import { quotedFinding, shortCause, verdictText } from "../report/cause.js";
import { mergedFix, proseHints } from "../report/fix.js";
import { groupProblems, plural, problemCount, type ServiceProblems, warningCount } from "../report/problems.js";

export interface Style {
  bold: (text: string) => string;
  red: (text: string) => string;
  yellow: (text: string) => string;
  green: (text: string) => string;
  dim: (text: string) => string;
}

export function style(color: boolean): Style {
  const wrap = (open: number, close: number) => (text: string) => (color ? `\u001b[${open}m${text}\u001b[${close}m` : text);
  return { bold: wrap(1, 22), red: wrap(31, 39), yellow: wrap(33, 39), green: wrap(32, 39), dim: wrap(2, 22) };
}

/**
 * Colour or not: --color/--no-color first, then FORCE_COLOR (set and not `0`/`false`: on),
 * then NO_COLOR, which counts only when non-empty (no-color.org), then whether stdout is a terminal.
 */
export function wantsColor(flag: boolean | undefined, env: Readonly<Record<string, string | undefined>>, isTty: boolean): boolean {
  if (flag !== undefined) return flag;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== "0" && force.toLowerCase() !== "false";
  if (env.NO_COLOR) return false;
  return isTty;
}

export const DEFAULT_WIDTH = 100;

/** No escape sequences, no line breaks, no bidi overrides: a finding cannot repaint the terminal. */
export function terminalSafe(text: string): string {
  return text.replace(/[\r\n\t]+/g, " ").replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g, "");
}

const ANSI = /\u001b\[[0-9;]*m/g;
const widthOf = (text: string) => [...text.replace(ANSI, "")].length;

/** Words onto lines of at most `width` columns; the first line starts with `first`, the next with `rest` (the hanging indent). */
export function wrap(text: string, width: number, first: string, rest: string): string[] {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const word of text.split(" ").filter(Boolean)) {
    if (!empty && widthOf(line) + 1 + widthOf(word) > width) {
      lines.push(line);
      line = rest + word;
    } else line = empty ? line + word : `${line} ${word}`;
    empty = false;
  }
  lines.push(line);
  return lines;
}

export interface HumanOptions {
  /** Terminal columns (process.stdout.columns), DEFAULT_WIDTH when unknown. */
  width?: number;
}

export function renderHuman(report: Report, exitCode: number, s: Style, options: HumanOptions = {}): string {
  const width = Math.max(40, options.width ?? DEFAULT_WIDTH);
  const say = (text: string, first: string, rest = `${" ".repeat(widthOf(first))}`) => wrap(terminalSafe(text), width, first, rest);
  const all = groupProblems(report);
  const quoted = quotedFinding(report);
  // The error the headline quotes whole is not listed again.
  const groups = quoted ? { ...all, across: all.across.filter((finding) => finding !== quoted) } : all;
  const lines: string[] = [...headline(report, exitCode, s, width), ""];
  for (const group of groups.services) {
    if (group.status === "pass") continue;
    lines.push(...serviceBlock(group, s, say), "");
  }
  if (groups.across.length + groups.acrossSymptoms.length + groups.acrossWarnings.length > 0) {
    lines.push(s.bold("across services"));
    for (const finding of groups.across) lines.push(...problemLine(finding, s, say));
    for (const finding of groups.acrossWarnings) lines.push(...say(`${finding.id}: ${finding.message}`, `  ${s.yellow("!")} `));
    if (groups.acrossSymptoms.length > 0) {
      lines.push(...say(`not verifiable, caused by the missing config above: ${ids(groups.acrossSymptoms)}`, `  ${s.dim("↳")} `));
    }
    lines.push(...fixLines(groups.across, s, say), "");
  }
  const passed = groups.services.map(
    (group) => [group.service.service, group.rest.filter((finding) => finding.status === "pass").length] as const,
  );
  const passing = passed.filter(([, count]) => count > 0).map(([name, count]) => `${terminalSafe(name)} ${count}`);
  if (passing.length > 0) lines.push(...wrap(`passed: ${passing.join(", ")}`, width, `${s.green("✓")} `, "  ").map((line) => s.dim(line)));
  lines.push(s.dim(`Checked ${plural(report.services.length, "service")} in ${seconds(report.duration_ms)}.`));
  return `${lines.join("\n")}\n`;
}

function headline(report: Report, exitCode: number, s: Style, width: number): string[] {
  const count = problemCount(report);
  const warnings = warningCount(report);
  const tally = [count ? plural(count, "problem") : "", warnings ? plural(warnings, "warning") : ""].filter(Boolean).join(", ");
  const words = terminalSafe(verdictText(report).replace(/^(pass|fail|inconclusive|error), /, ""));
  const label =
    report.result === "pass"
      ? s.green(s.bold("PASS"))
      : report.result === "fail"
        ? exitCode === 0
          ? s.yellow(s.bold("FAIL"))
          : s.red(s.bold("FAIL"))
        : report.result === "inconclusive"
          ? s.yellow(s.bold("INCONCLUSIVE"))
          : s.red(s.bold("ERROR"));
  const note = report.result === "fail" && exitCode === 0 ? " (exit 0: fail_on is never)" : "";
  const counted = tally && report.result !== "pass" && !quotedFinding(report) && !words.includes(plural(count, "problem"));
  const text = `${words}${counted ? ` (${tally})` : ""}${note}`;
  return wrap(text, width, `${label} `, "     ");
}

type Say = (text: string, first: string, rest?: string) => string[];

function serviceBlock(group: ServiceProblems, s: Style, say: Say): string[] {
  const { service } = group;
  const revision = service.revision ? s.dim(` revision ${terminalSafe(shortName(service.revision))}`) : "";
  const lines = [`${s.bold(terminalSafe(service.service))}${revision}`];
  if (group.cause) lines.push(...say(group.cause.message, `  ${s.bold("cause")}: `, "    "));
  else if (group.status !== "warn") lines.push(...say(shortCause(group), `  ${s.bold("cause")}: `, "    "));
  for (const finding of group.requirements) lines.push(...problemLine(finding, s, say));
  if (group.symptoms.length > 0) lines.push(...say(`caused by the above: ${ids(group.symptoms)}`, `  ${s.dim("↳")} `, "    "));
  for (const finding of group.warnings) lines.push(...say(`${finding.id}: ${finding.message}`, `  ${s.yellow("!")} `, "    "));
  lines.push(...fixLines(group.requirements.length > 0 ? group.requirements : group.cause ? [group.cause] : [], s, say));
  return lines;
}

function problemLine(finding: Finding, s: Style, say: Say): string[] {
  const mark = finding.status === "fail" ? s.red("✗") : s.red("!");
  const what = finding.subject ?? finding.id;
  const detail =
    finding.expected !== undefined || finding.found !== undefined
      ? `expected ${finding.expected ?? "-"}, found ${finding.found ?? "-"}`
      : finding.message;
  const at = finding.location ? ` (${finding.location.file}${finding.location.line === undefined ? "" : `:${finding.location.line}`})` : "";
  const lines = say(`${what}: ${detail}${at}`, `  ${mark} `, "    ");
  // As in the Markdown: "missing" says it all, any other answer has its story in the message.
  const told = finding.found !== undefined && !/^(missing|empty|not set)$/.test(finding.found) && finding.message !== detail;
  return told ? [...lines, ...say(finding.message, "    ", "    ")] : lines;
}

/** The merged command as it is (already broken between flags, under 100 columns), then what no command does. */
function fixLines(findings: Finding[], s: Style, say: Say): string[] {
  const commands = mergedFix(findings);
  const prose = proseHints(findings);
  if (commands.length === 0 && prose.length === 0) return [];
  const lines = [`  ${s.bold("fix")}:`];
  for (const command of commands) for (const line of command.split("\n")) lines.push(`    ${terminalSafe(line)}`);
  for (const hint of prose) lines.push(...say(hint, "    ", "      "));
  return lines;
}

function ids(findings: Finding[]): string {
  return [...new Set(findings.map((finding) => finding.id))].join(", ");
}

function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}
