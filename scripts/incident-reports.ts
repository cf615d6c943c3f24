// Runs incidents 1-4 (broken, then fixed) against the emulators exactly as the
// runner does, and writes each report's JSON to test/golden/reports/: the real
// reports the renderer's tests and the golden Markdown are made from.
// `npm run build && node scripts/run-ts.mjs scripts/incident-reports.ts`
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { reportOf, runAction } from "../test/e2e/harness.js";
import { startIncident } from "../test/e2e/world.js";
import { incidents } from "../test/incidents/index.js";

// Bundled into build/.run before it runs: paths are from the repository root (npm runs scripts there).
const out = join(process.cwd(), "test/golden/reports");
await mkdir(out, { recursive: true });
for (const incident of incidents) {
  const { world, manifest } = await startIncident(incident);
  try {
    for (const state of ["broken", "fixed"] as const) {
      incident[state](world);
      const run = await runAction(world.inputs(manifest, incident.inputs));
      const report = reportOf(run.outputs);
      await writeFile(join(out, `${incident.id}-${state}.json`), `${JSON.stringify(report, null, 2)}\n`);
      console.log(`${incident.id} ${state}: ${report.result}`);
    }
  } finally {
    await world.close();
  }
}
