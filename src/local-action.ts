// Entry point for @github/local-action, the official local runner: it imports
// a module and calls its `run()` with no arguments, after stubbing
// @actions/core. This is that module: the same run(deps) as dist/index.js.
// Try it: npx local-action . src/local-action.ts .env
import { run as gate } from "./main.js";
import { runnerDeps } from "./runner.js";

export function run(): ReturnType<typeof gate> {
  return gate(runnerDeps());
}
