// Entry point of the action: the runner executes dist/index.js, built from here.
import { describeError } from "./errors.js";
import { actionLastWords } from "./last-words.js";
import { run } from "./main.js";
import { escapeLog } from "./report/escape.js";
import { runnerDeps } from "./runner.js";

void run({ ...runnerDeps(), lastWords: actionLastWords(process.env) })
  .catch((error: unknown) => {
    // run() reports every gate error itself; this only catches the runner's own I/O failing (e.g. no GITHUB_OUTPUT).
    process.exitCode = 1;
    process.stdout.write(`::error::cloud-run-deploy-gate failed: ${escapeLog(describeError(error)).replace(/%/g, "%25")}\n`);
  })
  .finally(() => {
    // The report is written; a socket a misbehaving server keeps open must not hold the job.
    setTimeout(() => process.exit(), 1_000).unref();
  });
