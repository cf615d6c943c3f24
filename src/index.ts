// Entry point of the action: the runner executes dist/index.js, built from here.
import { runnerDeps } from "./runner.js";
import { run } from "./main.js";

void run(runnerDeps());
