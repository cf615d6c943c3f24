// The e2e and reliability suites run dist/index.js and dist/cli.js as the
// runner does; build them from the source first, so a green `npm test` speaks
// for the code that was just edited, not for the last committed bundle.
// (CI still checks that the committed dist/ matches a fresh build.)
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";

export default function buildDist(): void {
  if (process.env.GATE_TEST_SKIP_BUILD === "1") return;
  execFileSync(process.execPath, [resolve(import.meta.dirname, "../../scripts/build.mjs")], {
    cwd: resolve(import.meta.dirname, "../.."),
    stdio: "inherit",
  });
}
