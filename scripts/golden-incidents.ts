// Writes test/golden/incident-N.md (broken) and incident-N-fixed.md from real
// runs of incidents 1-4: `npm run build && node scripts/run-ts.mjs scripts/golden-incidents.ts`.
// Read the diff of test/golden/ before committing it; test/e2e/report-rendering.test.ts compares.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { goldenMarkdown, runIncidents } from "../test/e2e/report-golden.js";

// Bundled into build/.run before it runs: paths are from the repository root (npm runs scripts there).
const golden = join(process.cwd(), "test/golden");
for (const { incident, broken, fixed } of await runIncidents()) {
  await writeFile(join(golden, `${incident.id}.md`), goldenMarkdown(broken));
  await writeFile(join(golden, `${incident.id}-fixed.md`), goldenMarkdown(fixed));
  console.log(`${incident.id}: ${broken.result} → ${fixed.result}`);
}
