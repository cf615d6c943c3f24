import { readFileSync } from "node:fs";
import { defineConfig } from "vitest/config";

// The same built-in constants as scripts/build.mjs (src/build-defines.d.ts), for the tests that run the source.
const { version } = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8")) as { version: string };

export default defineConfig({
  define: { __GATE_VERSION__: JSON.stringify(version) },
  test: {
    include: ["test/**/*.test.ts"],
    // Builds dist/ from src/ before any test runs the bundles (issue 18).
    globalSetup: ["test/setup/build-dist.ts"],
    // No proxy from the developer's environment in the tests' own process (see the file).
    setupFiles: ["test/setup/no-proxy-env.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
    // Vitest's default on 2 cores is one worker, but the suites mostly wait on their servers, timers
    // and child processes: two workers halve the wall time (497 s → 242 s on Node 20, all passing).
    maxWorkers: 2,
  },
});
