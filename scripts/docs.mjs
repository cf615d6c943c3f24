// Generates the docs that must never drift from the code: the README's inputs
// and outputs tables (from action.yml) and the manifest JSON Schema (from the
// zod schema). `--check` fails instead of writing, for CI.
import { readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { build } from "esbuild";
import { parse } from "yaml";

const check = process.argv.includes("--check");
const action = parse(await readFile("action.yml", "utf8"));

const cell = (text) =>
  String(text ?? "")
    .replace(/\s+/g, " ")
    .replace(/\|/g, "\\|")
    .trim();
const inputsTable = [
  "| Input | Description | Default |",
  "|---|---|---|",
  ...Object.entries(action.inputs).map(
    ([name, input]) => `| \`${name}\` | ${cell(input.description)} | ${input.default === undefined ? "" : `\`${cell(input.default)}\``} |`,
  ),
].join("\n");
const outputsTable = [
  "| Output | Description |",
  "|---|---|",
  ...Object.entries(action.outputs).map(([name, output]) => `| \`${name}\` | ${cell(output.description)} |`),
].join("\n");

async function manifestJsonSchema() {
  const bundle = await build({
    entryPoints: ["src/manifest/json-schema.ts"],
    bundle: true,
    platform: "node",
    format: "cjs",
    write: false,
    logLevel: "error",
  });
  const module = { exports: {} };
  new Function("module", "exports", "require", bundle.outputFiles[0].text)(module, module.exports, createRequire(import.meta.url));
  return `${JSON.stringify(module.exports.manifestJsonSchema(), null, 2)}\n`;
}

function replaceBetween(text, marker, content) {
  const start = `<!-- ${marker}:start -->`;
  const end = `<!-- ${marker}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`README.md has no ${start} ... ${end} markers`);
  return `${text.slice(0, from + start.length)}\n${content}\n${text.slice(to)}`;
}

const files = new Map();
let readme = await readFile("README.md", "utf8");
readme = replaceBetween(readme, "inputs", inputsTable);
readme = replaceBetween(readme, "outputs", outputsTable);
files.set("README.md", readme);
files.set("schema/deploy-gate.schema.json", await manifestJsonSchema());

let stale = 0;
for (const [path, content] of files) {
  const current = await readFile(path, "utf8").catch(() => "");
  if (current === content) continue;
  if (check) {
    console.error(`${path} is out of date: run npm run docs and commit the result`);
    stale++;
  } else await writeFile(path, content);
}
process.exit(stale ? 1 : 0);
