// What a run the watchdog has to kill leaves behind (src/watchdog.ts): rendered
// ahead of time on the main thread, written by the worker with plain fs calls.
// The report is already redacted (src/deadline.ts).
import { randomUUID } from "node:crypto";
import type { RenderLastWords } from "./deadline.js";
import { escapeLog } from "./report/escape.js";
import { allFindings, failedChecks } from "./report/verdict.js";

/** The action: the outputs in GITHUB_OUTPUT's file-command format, and the step's error annotation. */
export function actionLastWords(env: Readonly<Record<string, string | undefined>>): RenderLastWords {
  return (report, failOn) => {
    const outputs: [string, string][] = [
      ["result", report.result],
      ["report", JSON.stringify(report)],
      ["failed_checks", failedChecks(allFindings(report), failOn).join(",")],
      // Always set (README): a run that could not decide holds.
      ["recommendation", report.recommendation ?? "hold"],
    ];
    const message = `cloud-run-deploy-gate could not decide: ${report.checks?.[0]?.message ?? "the run was stopped"}`;
    return {
      files: env.GITHUB_OUTPUT
        ? [{ path: env.GITHUB_OUTPUT, text: outputs.map(([name, value]) => fileCommand(name, value)).join("") }]
        : [],
      stdout: `::error::${escapeData(escapeLog(message))}\n`,
      stderr: "",
      // A run that cannot decide fails the step, whatever fail_on says (shouldFailJob).
      exitCode: 1,
    };
  };
}

/** The CLI: the error on stderr, and the JSON report when --json asked for it. */
export function cliLastWords(json: boolean): RenderLastWords {
  return (report) => ({
    files: [],
    stdout: json ? `${JSON.stringify(report)}\n` : "",
    stderr: `cloud-run-deploy-gate: error: ${report.checks?.[0]?.message ?? "the run was stopped"}; the process was stopped\n`,
    exitCode: 2,
  });
}

/** `name<<DELIMITER` lines, as @actions/core writes them (its helper is not exported). */
function fileCommand(name: string, value: string): string {
  const delimiter = `ghadelimiter_${randomUUID()}`;
  return `${name}<<${delimiter}\n${value}\n${delimiter}\n`;
}

/** What core.error does to a message: `%`, CR and LF escaped, so it stays one command. */
function escapeData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}
