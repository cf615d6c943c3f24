// Entry point of the action: the runner executes dist/index.js, built from here.
import { runnerDeps } from "./runner.js";
import { run } from "./main.js";

void run(runnerDeps()).finally(() => {
  // The report is written; a socket a misbehaving server keeps open must not hold the job.
  setTimeout(() => process.exit(), 1_000).unref();
});
