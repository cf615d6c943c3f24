// Runs a TypeScript script (the demo, the benchmarks) without a TS runtime:
// esbuild bundles it next to node_modules and Node imports the result.
import { mkdir } from "node:fs/promises";
import { basename, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";

const [entry, ...args] = process.argv.slice(2);
if (!entry) throw new Error("usage: node scripts/run-ts.mjs <file.ts> [args]");
const outfile = resolve("build/.run", `${basename(entry, ".ts")}.mjs`);
await mkdir("build/.run", { recursive: true });
await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  logLevel: "error",
});
process.argv = [process.argv[0], outfile, ...args];
await import(pathToFileURL(outfile).href);
