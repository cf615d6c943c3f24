// The data flow of the brief, enforced over the imports so the map cannot
// drift: inputs → facts (gcp/, candidate/, collected by collect/) → checks/
// (pure) → probes/ → report/ → github/ + outputs. A folder may import only
// the layers before it (and the shared vocabulary); the wiring (main.ts,
// gate.ts, publish.ts, runner.ts, the entry points, cli/ and every other file
// at the top of src/ outside the shared list) may import any.
// CONTRIBUTING.md has the same table in words; the last test holds them together.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = resolve(import.meta.dirname, "../../src");

type Layer = "shared" | "inputs" | "gcp" | "candidate" | "collect" | "checks" | "probes" | "report" | "github" | "aggregate" | "wiring";

/** Which layer a file under src/ belongs to, by its folder (or, at the top, its name). */
function layerOf(file: string): Layer {
  const [first, second] = file.split("/");
  if (second !== undefined) {
    if (first === "manifest") return "inputs";
    if (first === "cli") return "wiring";
    return first as Layer;
  }
  const top: Record<string, Layer> = {
    "model.ts": "shared",
    "facts.ts": "shared",
    "containers.ts": "shared",
    "errors.ts": "shared",
    "memo.ts": "shared",
    "redact.ts": "shared",
    "secret-shapes.ts": "shared",
    "start-now.ts": "shared",
    "wait.ts": "shared",
    "cut.ts": "shared",
    "shown-value.ts": "shared",
    "read-file.ts": "shared",
    "parse-yaml.ts": "shared",
    "project-from-env.ts": "shared",
    "resource-name.ts": "shared",
    // The network path every client takes: the proxy decision, its agents, and the fetch built on them.
    "proxy.ts": "shared",
    "proxy-agent.ts": "shared",
    "fetch.ts": "shared",
    "proxied-fetch.ts": "shared",
    "inputs.ts": "inputs",
  };
  return top[file] ?? "wiring";
}

/** What each layer may import besides itself. */
const MAY_IMPORT: Record<Layer, readonly Layer[]> = {
  shared: [],
  inputs: ["shared"],
  gcp: ["shared"],
  candidate: ["shared"],
  collect: ["shared", "inputs", "gcp", "candidate"],
  checks: ["shared", "inputs"],
  probes: ["shared", "inputs"],
  report: ["shared"],
  github: ["shared", "report"],
  // Aggregate mode reads shard reports (its facts) and merges them into one verdict.
  aggregate: ["shared", "inputs", "report"],
  wiring: ["shared", "inputs", "gcp", "candidate", "collect", "checks", "probes", "report", "github", "aggregate"],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith(".ts") ? [join(dir, entry.name)] : [],
  );
}

/** Relative imports of a file (static, type-only and dynamic), as paths under src/. */
function importsOf(path: string): string[] {
  const text = readFileSync(path, "utf8");
  const specifiers = [...text.matchAll(/(?:from|import\()\s*"(\.{1,2}\/[^"]+)"/g)].map((match) => match[1] ?? "");
  return specifiers
    .map((specifier) => relative(SRC, resolve(dirname(path), specifier)).replace(/\.js$/, ".ts"))
    .filter((target) => !target.startsWith(".."));
}

function violations(): string[] {
  const found: string[] = [];
  for (const path of sourceFiles(SRC)) {
    const file = relative(SRC, path);
    const layer = layerOf(file);
    for (const target of importsOf(path)) {
      const targetLayer = layerOf(target);
      if (targetLayer !== layer && !MAY_IMPORT[layer].includes(targetLayer)) found.push(`${file} → ${target}`);
    }
  }
  return found.sort();
}

describe("layers", () => {
  it("every import runs with the data flow", () => {
    expect(violations()).toEqual([]);
  });

  it("the layer map knows every folder under src/", () => {
    const folders = new Set(sourceFiles(SRC).map((path) => relative(SRC, path).split("/")[0] ?? ""));
    for (const folder of folders) {
      if (folder.endsWith(".ts")) continue;
      expect(["gcp", "candidate", "collect", "checks", "probes", "report", "github", "aggregate", "manifest", "cli"]).toContain(folder);
    }
  });

  it("CONTRIBUTING.md's table says the same: every file and folder at the top of src/, in its layer's row", () => {
    const rows = contributingTable();
    const named = new Set(rows.flatMap((row) => row.names));
    const top = readdirSync(SRC, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() || (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")))
      .map((entry) => (entry.isDirectory() ? `${entry.name}/` : entry.name));
    expect(top.filter((name) => !named.has(name))).toEqual([]);
    for (const row of rows) {
      for (const name of row.names) {
        const layer = layerOf(name.endsWith("/") ? `${name}x.ts` : name);
        expect([...row.imports].sort(), `what ${name} may import`).toEqual([...MAY_IMPORT[layer]].sort());
      }
    }
  });
});

/** The "Who may import whom" table of CONTRIBUTING.md: the files and folders of each row, and the layers it may import. */
function contributingTable(): { names: string[]; imports: Layer[] }[] {
  const text = readFileSync(resolve(SRC, "../CONTRIBUTING.md"), "utf8");
  const start = text.indexOf("### Who may import whom");
  const section = text.slice(start, text.indexOf("\n#", start + 1));
  const everything = Object.keys(MAY_IMPORT).filter((layer) => layer !== "wiring") as Layer[];
  return [...section.matchAll(/^\| (`.*?) \| (.*?) \|$/gm)].map(([, names = "", imports = ""]) => ({
    names: [...names.matchAll(/`([^`]+)`/g)].map((match) => match[1] ?? ""),
    imports:
      imports === "anything"
        ? everything
        : imports === "nothing of ours"
          ? []
          : (imports.split(", ").map((word) => word.replace(/`/g, "").replace(/\/$/, "")) as Layer[]),
  }));
}
