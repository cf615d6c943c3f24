import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Builds dist/ from src/ before any test runs the bundles (issue 18).
    globalSetup: ["test/setup/build-dist.ts"],
    // No proxy from the developer's environment in the tests' own process (see the file).
    setupFiles: ["test/setup/no-proxy-env.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
  },
});
