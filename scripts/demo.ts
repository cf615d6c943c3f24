// `npm run demo`: plays every incident against the embedded emulators and a
// real backend, running dist/index.js exactly as the GitHub runner does, and
// shows what the gate says about the broken deploy and then about the fix.
import { runAction, type ActionRun } from "../test/e2e/harness.js";
import { startIncident } from "../test/e2e/world.js";
import { incidents } from "../test/incidents/index.js";

const bold = (text: string) => (process.stdout.isTTY ? `\u001b[1m${text}\u001b[0m` : text);
const RESULT = { pass: "✅ pass", fail: "❌ fail", error: "🛑 error" } as Record<string, string>;

function show(label: string, run: ActionRun): void {
  const result = run.outputs.result ?? "?";
  console.log(
    `  ${label}: ${RESULT[result] ?? result} (exit ${run.exitCode})${run.outputs.failed_checks ? `  failed_checks=${run.outputs.failed_checks}` : ""}`,
  );
  const problems = run.summary.split("\n").filter((line) => line.startsWith("- "));
  for (const line of problems.slice(0, 8)) console.log(`    ${decode(line)}`);
  if (problems.length > 8) console.log(`    … and ${problems.length - 8} more in the job summary`);
}

/** The summary is Markdown for GitHub; a terminal wants the plain characters back. */
function decode(line: string): string {
  return line
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
    .replace(/\*\*/g, "")
    .replace(/@\u200b/g, "@");
}

let unexpected = 0;
console.log(bold("Cloud Run deploy gate: the four staging incidents, replayed against local emulators\n"));
for (const incident of incidents) {
  const { world, manifest } = await startIncident(incident);
  try {
    console.log(bold(`${incident.id}: ${incident.title}`));
    console.log(`  what happened: ${incident.symptom}`);
    incident.broken(world);
    const broken = await runAction(world.inputs(manifest, incident.inputs));
    show("broken deploy", broken);
    incident.fixed(world);
    const fixed = await runAction(world.inputs(manifest, incident.inputs));
    show("after the fix", fixed);
    if (broken.outputs.result !== "fail" || fixed.outputs.result !== "pass") unexpected++;
    console.log("");
  } finally {
    await world.close();
  }
}
console.log(
  unexpected === 0
    ? bold("Every incident was caught, and every fix passed.")
    : bold(`${unexpected} incident(s) did not behave as expected.`),
);
console.log("The full report of each run is what the job summary and the PR comment show; run `npm test` for the suite.");
process.exit(unexpected === 0 ? 0 : 1);
