// `npm run demo`: plays every incident against the embedded emulators and a
// real backend, running dist/index.js exactly as the GitHub runner does, and
// shows what the gate says about the broken deploy (its cause, every problem,
// the fix command, as the CLI prints them) and then about the fix.
import { DEFAULT_WIDTH, renderHuman, style, wantsColor, wrap } from "../src/cli/render.js";
import { reportOf, runAction } from "../test/e2e/harness.js";
import { startIncident } from "../test/e2e/world.js";
import { incidents } from "../test/incidents/index.js";

const color = wantsColor(undefined, process.env, process.stdout.isTTY === true);
const s = style(color);
const width = (process.stdout.columns || DEFAULT_WIDTH) - 2;

let unexpected = 0;
console.log(s.bold("Cloud Run deploy gate: the four staging incidents, replayed against local emulators\n"));
for (const incident of incidents) {
  const { world, manifest } = await startIncident(incident);
  try {
    console.log(s.bold(`━━ ${incident.id}: ${incident.title}`));
    console.log(`${wrap(incident.symptom, width, "   what happened: ", "   ").join("\n")}\n`);
    incident.broken(world);
    const broken = await runAction(world.inputs(manifest, incident.inputs));
    const report = reportOf(broken.outputs);
    // The gate's own words for the broken deploy, minus the passing tally: cause, problems, fix.
    const text = renderHuman(report, broken.exitCode, s, { width })
      .split("\n")
      .filter((line) => !/passed:|^(\u001b\[[0-9;]*m)*Checked /.test(line))
      .join("\n")
      .trimEnd();
    console.log(`${s.dim("broken deploy:")} exit ${broken.exitCode}`);
    // The manifest sits in a temporary folder here; in a repository it is .github/deploy-gate.yml.
    console.log(
      text
        .split(manifest)
        .join(".github/deploy-gate.yml")
        .replace(/^(?=.)/gm, "  "),
    );
    incident.fixed(world);
    const fixed = await runAction(world.inputs(manifest, incident.inputs));
    const result = fixed.outputs.result ?? "?";
    console.log(
      `\n${s.dim("after the fix:")} ${result === "pass" ? s.green("PASS") : s.red(result.toUpperCase())} (exit ${fixed.exitCode})\n`,
    );
    if (broken.outputs.result !== "fail" || result !== "pass") unexpected++;
  } finally {
    await world.close();
  }
}
console.log(
  unexpected === 0
    ? s.bold("Every incident was caught, and every fix passed.")
    : s.bold(`${unexpected} incident(s) did not behave as expected.`),
);
console.log("The job summary and the PR comment say the same in Markdown (test/golden/incident-N.md).");
process.exit(unexpected === 0 ? 0 : 1);
