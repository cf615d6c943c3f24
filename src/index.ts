// Entry point of the action: the runner executes dist/index.js, built from here.
import { appendFileSync, writeSync } from "node:fs";
import { describeError, foreignCode, GateError } from "./errors.js";
import { DEFAULT_FAIL_ON } from "./inputs.js";
import { actionLastWords } from "./last-words.js";
import { completeReport, errorReport, run } from "./main.js";
import { redactReport } from "./publish.js";
import { escapeLog } from "./report/escape.js";
import { runnerDeps } from "./runner.js";

const deps = runnerDeps();
const lastWords = actionLastWords(process.env);
const startedAt = new Date();
let reported = false;

// A throw inside an event handler or a rejected promise nobody awaits (a library's socket
// callback, a timer) never reaches run()'s try/catch: Node would print its stack and exit with
// no result in the outputs. It gets what run() gives any error it cannot decide past: result=error
// in the outputs and one redacted error line, no stack. After run() has reported, its result stands.
const crashed = (error: unknown) => {
  const what = escapeLog(deps.redact(describeError(error))).replace(/%/g, "%25");
  if (reported) {
    writeSync(1, `::warning::cloud-run-deploy-gate: ${what}, after the run had reported (its result stands)\n`);
    return;
  }
  reported = true;
  // The report any error gets (main.ts), redacted as publish would: one path, one wording.
  const report = redactReport(completeReport(errorReport(error, startedAt), undefined, process.env), deps.redact);
  const words = lastWords(report, DEFAULT_FAIL_ON);
  for (const file of words.files) {
    try {
      appendFileSync(file.path, file.text);
    } catch {}
  }
  writeSync(1, words.stdout);
  process.exit(1);
};
process.on("uncaughtException", crashed);
process.on("unhandledRejection", crashed);

// @actions/core's own error names no output and no file: say which, and how to fix it.
const setOutput: typeof deps.setOutput = (name, value) => {
  try {
    deps.setOutput(name, value);
  } catch (error) {
    throw new GateError(`cannot write the output ${name} to GITHUB_OUTPUT (${foreignCode(error) ?? "no such file"})`, {
      hint: "the runner sets GITHUB_OUTPUT to a writable file: do not override it in env:, or unset it outside a runner",
    });
  }
};

void run({ ...deps, setOutput, lastWords })
  .catch((error: unknown) => {
    // run() reports every gate error itself; this only catches the runner's own I/O failing (an unwritable GITHUB_OUTPUT).
    process.exitCode = 1;
    process.stdout.write(`::error::cloud-run-deploy-gate failed: ${escapeLog(describeError(error)).replace(/%/g, "%25")}\n`);
  })
  .finally(() => {
    reported = true;
    // The report is written; a socket a misbehaving server keeps open must not hold the job.
    setTimeout(() => process.exit(), 1_000).unref();
  });
