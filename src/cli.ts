#!/usr/bin/env node
// Entry point of the CLI (dist/cli.js, the package's `bin`): one call, as in
// src/index.ts. Everything else is in src/cli/.
import { runCli } from "./cli/run.js";
import { describeError } from "./errors.js";
import { escapeLog } from "./report/escape.js";

let reported = false;
// A throw inside an event handler or an unawaited rejection never reaches runCli's catch: Node
// would print its stack. The same one line and exit 2 (error) as any error the CLI cannot decide past.
const crashed = (error: unknown) => {
  if (reported) return;
  reported = true;
  process.stderr.write(`cloud-run-deploy-gate: internal error: ${escapeLog(describeError(error))}\n`);
  process.exit(2);
};
process.on("uncaughtException", crashed);
process.on("unhandledRejection", crashed);

void runCli({
  args: process.argv.slice(2),
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTty: process.stdout.isTTY === true,
  columns: process.stdout.columns,
})
  .catch((error: unknown) => {
    // Someone else's error may quote what it choked on (a token, a body): describeError withholds that.
    process.stderr.write(`cloud-run-deploy-gate: internal error: ${escapeLog(describeError(error))}\n`);
    return 2;
  })
  // The verdict is out: a probe still hanging past the deadline must not hold
  // the terminal. Exit once stdout and stderr have drained.
  .then((code) => {
    reported = true;
    // Set first: if draining never ends, the watchdog ends the process with this code.
    process.exitCode = code;
    process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
  });
