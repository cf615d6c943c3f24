// Shared by the reliability suite: planted canaries, a leak scan over every
// place the gate writes to, and a run of dist/index.js that keeps its temp
// directory (RUNNER_TEMP and TMPDIR) so report and temp files can be scanned too.
import { mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { type ActionRun, runAction } from "../e2e/harness.js";

/** Values that must never appear in anything a person or a later step can read. */
export const CANARY = {
  secret: "canary-secret-value-5b7d9f1a3c5e7a9b1d3f5a7c9e1b3d5f7a9c1e3b5d7f",
  otherSecret: "canary-other-secret-8e0a2c4e6a8c0e2a4c6e8a0c2e4a6c8e0a2c4e6a8c0",
  accessToken: "ya29.canary-access-token-4c6e8a0c2e4a6c8e0a2c4e6a",
  githubToken: "ghs_canaryGithubToken0123456789abcdefABCDEF",
  keyMaterial: "canaryPrivateKeyMaterialQUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo",
} as const;

/** A minted or echoed JWT: the gate must never print one, whoever signed it. */
export const JWT_SHAPED = /eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}/;

export interface GateRun extends ActionRun {
  ms: number;
  /** The JSON report (output `report`), parsed; {} when absent. */
  report: { result?: string; services?: { service: string; checks: Finding[] }[]; checks?: Finding[] };
  /** Every finding, services' and run-level. */
  findings: Finding[];
  /** Text of every file the run left in its RUNNER_TEMP / TMPDIR. */
  files: string;
}

export interface Finding {
  id: string;
  status: string;
  message: string;
  hint?: string;
}

export async function gate(inputs: Record<string, string>, env: Record<string, string> = {}): Promise<GateRun> {
  const dir = await mkdtemp(join(tmpdir(), "gate-rel-"));
  const started = Date.now();
  const run = await runAction(inputs, { RUNNER_TEMP: dir, TMPDIR: dir, ...env });
  const ms = Date.now() - started;
  let report: GateRun["report"] = {};
  try {
    report = JSON.parse(run.outputs.report ?? "{}");
  } catch {
    report = {};
  }
  const findings = [...(report.services ?? []).flatMap((service) => service.checks), ...(report.checks ?? [])];
  const names = await readdir(dir, { recursive: true });
  const files = (await Promise.all(names.map((name) => readFile(join(dir, name), "utf8").catch(() => "")))).join("\n");
  return { ...run, ms, report, findings, files };
}

/** No canary, no JWT, no workflow command smuggled in by untrusted text, in anything the run left behind. */
export function expectNoLeak(run: GateRun, extra: readonly string[] = []): void {
  const places = { everything: run.everything, files: run.files };
  for (const [where, text] of Object.entries(places)) {
    for (const canary of [...Object.values(CANARY), ...extra]) {
      expect(text.includes(canary), `${where} leaks ${canary.slice(0, 12)}…`).toBe(false);
    }
    expect(text, `${where} holds a JWT`).not.toMatch(JWT_SHAPED);
  }
  expectNoInjectedCommands(run);
}

/** Lines a runner would execute as workflow commands: only the gate's own may be there. */
export function expectNoInjectedCommands(run: ActionRun): void {
  const commands = run.stdout.split("\n").filter((line) => line.startsWith("::"));
  for (const line of commands) expect(line, "unexpected workflow command").toMatch(/^::(error|warning|notice|debug|add-mask)::/);
  for (const value of run.masked) expect(value, "masked a value taken from untrusted text").not.toMatch(/INJECTED/);
  expect(run.stdout).not.toMatch(/^::(set-output|stop-commands|add-path|set-env|save-state)/m);
  // The runner reads the legacy form anywhere in a line: `##[add-mask]x`, `##[stop-commands]t`.
  expect(run.stdout, "a legacy ##[command] in the log").not.toContain("##[");
}

/** The run could not decide: result error, exit 1, one clear line naming every `words`, no stack trace. */
export function expectCleanError(run: GateRun, ...words: (string | RegExp)[]): string {
  expect(run.outputs.result, run.stdout).toBe("error");
  expect(run.exitCode).toBe(1);
  expect(run.stderr).not.toContain("    at ");
  expect(run.stdout).not.toContain("    at ");
  const line = run.stdout.split("\n").find((text) => text.startsWith("::error::cloud-run-deploy-gate could not decide")) ?? "";
  expect(line, run.stdout).not.toBe("");
  for (const word of words) {
    if (typeof word === "string") expect(line).toContain(word);
    else expect(line).toMatch(word);
  }
  expectNoLeak(run);
  return line;
}

export function ids(run: GateRun): string[] {
  return run.findings.map((finding) => finding.id);
}

export function finding(run: GateRun, id: string): Finding | undefined {
  return run.findings.find((candidate) => candidate.id === id);
}
