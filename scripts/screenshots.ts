// Screenshots of the PR comment for incidents 1-4 as GitHub shows it (GFM at
// comment width), light and dark, from the golden Markdown of real runs:
//   node scripts/run-ts.mjs scripts/screenshots.ts [OUT_DIR]   (default build/screenshots)
// Needs Debian's chromium (apt-get install chromium). test/e2e/comment-screens.test.ts
// asserts the same pages never scroll sideways.
import { mkdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { commentPage, screenshot } from "../test/e2e/comment-page.js";

const out = resolve(process.argv[2] ?? "build/screenshots");
await mkdir(out, { recursive: true });
const golden = resolve("test/golden"); // run from the repository root, as npm scripts are
for (const name of ["incident-1", "incident-2", "incident-3", "incident-4", "incident-2-fixed"]) {
  const markdown = await readFile(join(golden, `${name}.md`), "utf8");
  for (const dark of [false, true]) {
    const png = await screenshot(commentPage(markdown, dark), out, `${name}-${dark ? "dark" : "light"}`);
    console.log(png);
  }
}
