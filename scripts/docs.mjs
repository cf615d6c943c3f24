// Generates the docs that must never drift from the code: the README's inputs
// and outputs tables (from action.yml), the manifest JSON Schema (from the zod
// schema) and the README's manifest reference (from that JSON Schema).
// `node scripts/docs.mjs` writes them; `--check` fails instead, for CI.
// Importing this file runs nothing: the tests call the exported functions.
import { readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { parse } from "yaml";

const ROOT = resolve(fileURLToPath(import.meta.url), "../..");

const cell = (text) =>
  String(text ?? "")
    .replace(/\s+/g, " ")
    .replace(/\|/g, "\\|")
    .trim();

export function inputsTable(action) {
  return [
    "| Input | Description | Default |",
    "|---|---|---|",
    ...Object.entries(action.inputs).map(
      ([name, input]) =>
        `| \`${name}\` | ${cell(input.description)} | ${input.default === undefined ? "" : `\`${cell(input.default)}\``} |`,
    ),
  ].join("\n");
}

export function outputsTable(action) {
  return [
    "| Output | Description |",
    "|---|---|",
    ...Object.entries(action.outputs).map(([name, output]) => `| \`${name}\` | ${cell(output.description)} |`),
  ].join("\n");
}

/** The JSON Schema of the manifest, from the zod schema in src/manifest/ (bundled on the fly: no TS runtime needed). */
export async function manifestJsonSchema() {
  const bundle = await build({
    entryPoints: [resolve(ROOT, "src/manifest/json-schema.ts")],
    bundle: true,
    platform: "node",
    format: "cjs",
    write: false,
    logLevel: "error",
  });
  const module = { exports: {} };
  new Function("module", "exports", "require", bundle.outputFiles[0].text)(module, module.exports, createRequire(import.meta.url));
  return module.exports.manifestJsonSchema();
}

/** Map keys the user chooses, named in the user's words. */
const KEY_PLACEHOLDERS = { services: "<service>", env: "<ENV_NAME>", secrets: "<ENV_NAME>", claims: "<claim>", expect_json: "<json.path>" };

/** One row per manifest field (path, type, default, description), walking the JSON Schema. */
export function manifestReference(schema) {
  const rows = [];
  const deref = (node) => (node?.$ref?.startsWith("#/$defs/") ? (schema.$defs?.[node.$ref.slice("#/$defs/".length)] ?? {}) : (node ?? {}));
  const variants = (node) => {
    const resolved = deref(node);
    const options = (resolved.anyOf ?? resolved.oneOf ?? [resolved]).map(deref);
    return { options: options.filter((option) => option.type !== "null"), nullable: options.some((option) => option.type === "null") };
  };
  const typeOf = (node) => {
    const { options, nullable } = variants(node);
    const names = [...new Set(options.map(typeName))];
    const type = names.length > 1 ? `one of: ${names.join("; ")}` : (names[0] ?? "any");
    return nullable ? `${type} (may be empty)` : type;
  };
  const typeName = (option) => {
    if (option.enum) return option.enum.map((value) => `\`${value}\``).join(" | ");
    if (option.const !== undefined) return `\`${option.const}\``;
    if (option.type === "array") return `list of ${typeOf(option.items)}`;
    if (option.type === "object" && option.additionalProperties && !option.properties) return "map";
    if (option.type === "integer" || option.type === "number") {
      // zod writes the safe-integer limits even where the schema sets none: they are not worth a reader's time.
      const max = option.maximum !== undefined && option.maximum < Number.MAX_SAFE_INTEGER ? option.maximum : undefined;
      const min = option.minimum !== undefined && option.minimum > Number.MIN_SAFE_INTEGER ? option.minimum : undefined;
      const low = min ?? (option.exclusiveMinimum === 0 && option.type === "integer" ? 1 : undefined);
      if (low !== undefined && max !== undefined) return `${option.type} ${low}–${max}`;
      if (low !== undefined) return `${option.type} ≥ ${low}`;
      if (max !== undefined) return `${option.type} ≤ ${max}`;
      return option.type;
    }
    if (option.type === "object" && option.properties && formsOf(option)) return `{ ${Object.keys(option.properties).join(", ")} }`;
    return option.type ?? "any";
  };
  // Set while walking a union of objects (`{ env }` or `{ secret }`): its fields are required only in their own form.
  let forms = 0;
  const formsOf = () => forms > 1;
  const walk = (node, path, required) => {
    const resolved = deref(node);
    const { options } = variants(node);
    const outerForms = forms;
    forms = options.filter((option) => option.properties).length;
    if (path) {
      const fallback = resolved.default ?? options.find((option) => option.default !== undefined)?.default;
      rows.push({
        path,
        type: `${typeOf(node)}${required ? (outerForms > 1 ? ", required in that form" : ", required") : ""}`,
        default: fallback === undefined ? "" : `\`${JSON.stringify(fallback)}\``,
        description: resolved.description ?? options.find((option) => option.description)?.description ?? "",
      });
    }
    const key = path.split(".").pop() ?? "";
    for (const option of options) {
      for (const [name, child] of Object.entries(option.properties ?? {})) {
        if (name === "$schema") continue;
        walk(child, path ? `${path}.${name}` : name, (option.required ?? []).includes(name));
      }
      const values = option.additionalProperties;
      if (option.type === "object" && typeof values === "object" && !option.properties) {
        // Only maps of objects have fields of their own worth a row (services, env, secrets).
        if (variants(values).options.some((variant) => variant.properties))
          walk(values, `${path}.${KEY_PLACEHOLDERS[key] ?? "<name>"}`, false);
      }
    }
    forms = outerForms;
  };
  walk(schema, "", false);
  const seen = new Set();
  return rows.filter((row) => !seen.has(row.path) && seen.add(row.path));
}

export function manifestTable(schema) {
  return [
    "| Field | Type | Default | Description |",
    "|---|---|---|---|",
    ...manifestReference(schema).map(
      (row) => `| \`${cell(row.path)}\` | ${cell(row.type)} | ${cell(row.default)} | ${cell(row.description)} |`,
    ),
  ].join("\n");
}

export function replaceBetween(text, marker, content) {
  const start = `<!-- ${marker}:start -->`;
  const end = `<!-- ${marker}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`README.md has no ${start} ... ${end} markers`);
  return `${text.slice(0, from + start.length)}\n${content}\n${text.slice(to)}`;
}

/** `<!-- example:FILE:start -->` in the README shows examples/FILE verbatim, so the copy-paste YAML is the tested YAML. */
export async function embedExamples(readme) {
  let result = readme;
  for (const [, file] of readme.matchAll(/<!-- example:([\w.-]+):start -->/g)) {
    const text = await readFile(resolve(ROOT, "examples", file), "utf8");
    result = replaceBetween(result, `example:${file}`, `\`\`\`yaml\n${text.trimEnd()}\n\`\`\``);
  }
  return result;
}

/** Every generated file and the content it must have. */
export async function generatedFiles() {
  const action = parse(await readFile(resolve(ROOT, "action.yml"), "utf8"));
  const schema = await manifestJsonSchema();
  let readme = await readFile(resolve(ROOT, "README.md"), "utf8");
  readme = replaceBetween(readme, "inputs", inputsTable(action));
  readme = replaceBetween(readme, "outputs", outputsTable(action));
  readme = replaceBetween(readme, "manifest", manifestTable(schema));
  readme = await embedExamples(readme);
  return new Map([
    ["README.md", readme],
    ["schema/deploy-gate.schema.json", `${JSON.stringify(schema, null, 2)}\n`],
  ]);
}

async function main() {
  const check = process.argv.includes("--check");
  let stale = 0;
  for (const [path, content] of await generatedFiles()) {
    const current = await readFile(resolve(ROOT, path), "utf8").catch(() => "");
    if (current === content) continue;
    if (check) {
      console.error(`${path} is out of date: run npm run docs and commit the result`);
      stale++;
    } else await writeFile(resolve(ROOT, path), content);
  }
  process.exit(stale ? 1 : 0);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
