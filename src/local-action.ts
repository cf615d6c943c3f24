// Entry point for @github/local-action, the official local runner: it imports
// a module and calls its `run()` with no arguments, after stubbing
// @actions/core. This is that module: the same run(deps) as dist/index.js.
// Try it: npx local-action . src/local-action.ts .env
import { run as gate } from "./main.js";
import type { GateResult } from "./model.js";
import { runnerDeps } from "./runner.js";

/** The result only, as before: local-action prints what run() returns, and the report may hold values the runner masks. */
export async function run(): Promise<GateResult> {
  return (await gate(runnerDeps())).result;
}
