// The report for a person at a terminal: the verdict, then every problem with
// its fix, then the warnings, then one line of what passed. Every string from
// the report is untrusted (env names, response bodies, error messages), so
// control characters are stripped before they reach the terminal.
import type { Finding, Report } from "../model.js";
import { shortName } from "../resource-name.js";

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

/** No escape sequences, no line breaks, no bidi overrides: a finding cannot repaint the terminal. */
export function terminalSafe(text: string): string {
  return text.replace(/[\r\n\t]+/g, " ").replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, "");
}

interface Located {
  service: string | undefined;
  finding: Finding;
}

const PROBLEM_ORDER: Record<string, number> = { fail: 0, error: 1, warn: 2 };

export function renderHuman(report: Report, exitCode: number, s: Style): string {
  const located: Located[] = [
    ...report.services.flatMap((service) => service.checks.map((finding) => ({ service: service.service, finding }))),
    ...(report.checks ?? []).map((finding) => ({ service: undefined, finding })),
  ];
  const problems = located
    .filter((item) => item.finding.status === "fail" || item.finding.status === "error")
    .sort((a, b) => (PROBLEM_ORDER[a.finding.status] ?? 9) - (PROBLEM_ORDER[b.finding.status] ?? 9));
  const warnings = located.filter((item) => item.finding.status === "warn");
  const passed = located.filter((item) => item.finding.status === "pass");
  const skipped = located.filter((item) => item.finding.status === "skip");

  const lines: string[] = [headline(report, problems, exitCode, s), ""];
  if (problems.length > 0) {
    lines.push(s.bold(`Problems (${problems.length})`));
    for (const item of problems) lines.push(...describe(item, item.finding.status === "fail" ? s.red("✗ fail ") : s.red("! error"), s));
    lines.push("");
  }
  if (warnings.length > 0) {
    lines.push(s.bold(`Warnings (${warnings.length})`));
    for (const item of warnings) lines.push(...describe(item, s.yellow("! warn "), s));
    lines.push("");
  }
  if (passed.length > 0) {
    lines.push(s.bold(`Passed (${passed.length})`));
    for (const [service, ids] of groupIds(passed)) lines.push(`  ${s.green("✓")} ${service}: ${ids.join(", ")}`);
    lines.push("");
  }
  if (skipped.length > 0) {
    lines.push(s.dim(`Skipped: ${[...groupIds(skipped)].map(([service, ids]) => `${service}: ${ids.join(", ")}`).join("; ")}`));
    lines.push("");
  }
  for (const service of report.services) {
    const revision = service.revision ? ` revision ${terminalSafe(shortName(service.revision))}` : "";
    const url = service.url ? ` at ${terminalSafe(service.url)}` : "";
    lines.push(s.dim(`${terminalSafe(service.service)}:${revision}${url}`));
  }
  lines.push(
    s.dim(`Checked ${report.services.length} service${report.services.length === 1 ? "" : "s"} in ${seconds(report.duration_ms)}.`),
  );
  return `${lines.join("\n")}\n`;
}

function headline(report: Report, problems: Located[], exitCode: number, s: Style): string {
  const count = `${problems.length} problem${problems.length === 1 ? "" : "s"}`;
  const services = [...new Set(problems.flatMap((item) => (item.service ? [terminalSafe(item.service)] : [])))];
  const where = services.length > 0 ? ` in ${services.join(", ")}` : "";
  switch (report.result) {
    case "pass":
      return `${s.green(s.bold("PASS"))} the revision meets the manifest`;
    case "fail":
      return exitCode === 0
        ? `${s.yellow(s.bold("FAIL"))} ${count}${where} (exit 0: fail_on is never)`
        : `${s.red(s.bold("FAIL"))} do not ship this revision: ${count}${where}`;
    case "inconclusive":
      return `${s.yellow(s.bold("INCONCLUSIVE"))} verification ran out of time before the revision proved itself`;
    default:
      return `${s.red(s.bold("ERROR"))} the gate could not decide: ${count}${where}`;
  }
}

function describe(item: Located, label: string, s: Style): string[] {
  const { finding } = item;
  const where = item.service ? `${terminalSafe(item.service)} ` : "";
  const lines = [`  ${label} ${where}${s.bold(terminalSafe(finding.id))}: ${terminalSafe(finding.message)}`];
  if (finding.expected !== undefined || finding.found !== undefined) {
    lines.push(`      expected ${terminalSafe(finding.expected ?? "-")}, found ${terminalSafe(finding.found ?? "-")}`);
  }
  if (finding.hint) lines.push(`      fix: ${terminalSafe(finding.hint)}`);
  if (finding.location) {
    const line = finding.location.line === undefined ? "" : `:${finding.location.line}`;
    lines.push(s.dim(`      at ${terminalSafe(finding.location.file)}${line}`));
  }
  return lines;
}

function groupIds(items: Located[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const item of items) {
    const key = item.service === undefined ? "(all services)" : terminalSafe(item.service);
    const ids = groups.get(key) ?? [];
    if (!ids.includes(item.finding.id)) ids.push(terminalSafe(item.finding.id));
    groups.set(key, ids);
  }
  return groups;
}

function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}
