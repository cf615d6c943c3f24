// CI self-test: stands up incident 1's emulated staging (Cloud Run, Secret
// Manager, Resource Manager and a real backend on 127.0.0.1), deployed broken
// or fixed, writes the action inputs that reach it as step outputs, and keeps
// serving until the job ends. Then `uses: ./` runs the action against it.
// Usage: node scripts/run-ts.mjs .github/self-test/world.ts broken|fixed OUTPUT_FILE [--dotenv]
// --dotenv writes the inputs as INPUT_* lines, the .env file @github/local-action reads
// (README, Development): the action then runs locally against this world, offline.
import { writeFile } from "node:fs/promises";
import { startIncident } from "../../test/e2e/world.js";
import { incident1 } from "../../test/incidents/incident-1.js";

const [state, outputFile, format] = process.argv.slice(2);
if ((state !== "broken" && state !== "fixed") || !outputFile || (format !== undefined && format !== "--dotenv")) {
  console.error("usage: world.ts broken|fixed OUTPUT_FILE [--dotenv]");
  process.exit(2);
}
const { world, manifest } = await startIncident(incident1);
incident1[state](world);
const inputs = world.inputs(manifest);
// Written last and in one go: the step waiting for this file then has every line.
await writeFile(
  outputFile,
  Object.entries(inputs)
    .map(([name, value]) => (format === "--dotenv" ? `INPUT_${name.toUpperCase()}="${value}"\n` : `${name}=${value}\n`))
    .join(""),
);
console.log(`incident 1 (${state}) is up; inputs in ${outputFile}; stop it with Ctrl-C`);
