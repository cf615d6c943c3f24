// Runs dist/index.js exactly as the GitHub runner does: inputs as INPUT_*,
// outputs and the summary through the files GITHUB_OUTPUT / GITHUB_STEP_SUMMARY.
import { spawn } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Finding, Report } from "../../src/model.js";

export const ACTION = resolve(import.meta.dirname, "../../dist/index.js");

export interface ActionRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  /** Everything a person could see (the runner swallows ::add-mask:: lines), for leak scans. */
  everything: string;
  /** Values the run asked the runner to mask. */
  masked: string[];
}

export async function runAction(
  inputs: Record<string, string>,
  extraEnv: Record<string, string> = {},
  node = process.execPath,
): Promise<ActionRun> {
  const dir = await mkdtemp(join(tmpdir(), "gate-run-"));
  const outputFile = join(dir, "output");
  const summaryFile = join(dir, "summary");
  await writeFile(outputFile, "");
  await writeFile(summaryFile, "");
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HOME: dir,
    RUNNER_TEMP: dir,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_WORKSPACE: dir,
    ...Object.fromEntries(Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value])),
    ...extraEnv,
  };
  const child = spawn(node, [ACTION], { env, cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const exitCode = await new Promise<number>((done) => child.on("close", (code) => done(code ?? -1)));
  const outputText = await readFile(outputFile, "utf8");
  const summary = await readFile(summaryFile, "utf8");
  const masked = stdout.split("\n").flatMap((line) => (line.startsWith("::add-mask::") ? [line.slice("::add-mask::".length)] : []));
  const visible = stdout
    .split("\n")
    .filter((line) => !line.startsWith("::add-mask::"))
    .join("\n");
  return {
    exitCode,
    stdout,
    stderr,
    outputs: parseOutputs(outputText),
    summary,
    masked,
    everything: [visible, stderr, outputText, summary].join("\n"),
  };
}

/** The \`report\` output, typed as the action writes it (src/model.ts). */
export function reportOf(outputs: Record<string, string>): Report {
  return JSON.parse(outputs.report ?? "{}") as Report;
}

/** The checks of the report's first service: most end-to-end runs check one. */
export function checksOf(outputs: Record<string, string>): Finding[] {
  return reportOf(outputs).services?.[0]?.checks ?? [];
}

/** The GITHUB_OUTPUT file format written by @actions/core: name<<DELIM\nvalue\nDELIM. */
export function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split("\n");
  for (let index = 0; index < lines.length; index++) {
    const match = /^([^<]+)<<(ghadelimiter_[0-9a-f-]+)$/.exec(lines[index] ?? "");
    if (!match) continue;
    const [, name = "", delimiter] = match;
    const value: string[] = [];
    for (index++; index < lines.length && lines[index] !== delimiter; index++) value.push(lines[index] ?? "");
    outputs[name] = value.join("\n");
  }
  return outputs;
}
