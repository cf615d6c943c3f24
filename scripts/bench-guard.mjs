// The quick, timing-free half of `npm run bench`, for CI: after `npm run build`,
// fail when dist/index.js outgrows its budget or the esbuild metafile shows a
// package that costs cold start for nothing. Sizes are stable; times are not,
// so nothing here measures time.
//   node scripts/bench-guard.mjs          prints each check, exits 1 on a failure
//   node scripts/bench-guard.mjs --json   the same facts as JSON (bench/bench.ts reads them)
import { readdir, readFile, stat } from "node:fs/promises";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

export const ACTION_BUNDLE = "dist/index.js";
export const ACTION_METAFILE = "build/index.meta.json";
/** undici's fetch for proxied requests (src/proxied-fetch.ts): loaded only behind a proxy, and without Google's code. */
export const PROXIED_FETCH_METAFILE = "build/proxied-fetch.meta.json";
/** Issue 8: the action's bundle stays at or under 1.3 MB. */
export const MAX_ACTION_BYTES = 1_300_000;

/** Packages no bundle may contain, each with why. Matched on the bundled inputs' paths. */
const FORBIDDEN = [
  {
    name: "googleapis (monolith)",
    pattern: /(^|\/)node_modules\/googleapis\//,
    why: "~14 MB and +750 ms; use the Schema$ types of @googleapis/<api> and src/gcp/rest.ts",
  },
  {
    name: "generated Google clients (@googleapis/*, googleapis-common)",
    pattern: /(^|\/)node_modules\/(@googleapis\/[^/]+|googleapis-common)\//,
    why: "145 KB and ~40 ms per run for nine REST calls: `import type` their Schema$ types, call through src/gcp/rest.ts",
  },
  { name: "google-gax", pattern: /(^|\/)node_modules\/google-gax\//, why: "the gRPC client stack; the gate speaks REST" },
  { name: "@grpc/*", pattern: /(^|\/)node_modules\/@grpc\//, why: "gRPC; the gate speaks REST" },
  { name: "protobufjs", pattern: /(^|\/)node_modules\/protobufjs\//, why: "gRPC payloads; the gate speaks REST" },
];

/** Extra budgets of the action bundle: regressions the size limit alone would not catch. */
const ACTION_ONLY = [
  {
    name: "undici",
    pattern: /(^|\/)node_modules\/undici\//,
    why: "418 KB and ~30-40 ms of start-up: @actions/github's proxy-aware fetch, or @actions/http-client's proxy agent (scripts/build.mjs drops that one when unused)",
  },
  {
    name: "zod locales other than en",
    pattern: /(^|\/)node_modules\/zod\/v4\/locales\/(?!en\.js$)/,
    why: '264 KB: `import { z } from "zod"` keeps every locale; write `import * as z from "zod"`',
  },
];

const PACKAGE = /node_modules\/((?:@[^/]+\/)?[^/]+)\//g;

/** The innermost package of a bundled input path, with the path of its folder (one per installed copy). */
function packageOf(path) {
  let last;
  for (const match of path.matchAll(PACKAGE)) last = match;
  if (!last) return undefined;
  return { name: last[1], root: path.slice(0, (last.index ?? 0) + last[0].length - 1) };
}

/** Inputs that put bytes into the output: what the bundle really contains. */
function bundledInputs(metafile) {
  const inputs = new Map();
  for (const output of Object.values(metafile.outputs)) {
    for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
      if (bytesInOutput > 0) inputs.set(path, (inputs.get(path) ?? 0) + bytesInOutput);
    }
  }
  return inputs;
}

export async function inspectBundles() {
  const checks = [];
  const check = (name, ok, detail) => checks.push({ name, ok, detail });
  const actionBytes = (await stat(ACTION_BUNDLE)).size;
  check(`${ACTION_BUNDLE} size`, actionBytes <= MAX_ACTION_BYTES, `${actionBytes} bytes (limit ${MAX_ACTION_BYTES})`);

  const metafiles = (await readdir("build")).filter((name) => name.endsWith(".meta.json")).sort();
  if (!metafiles.includes("index.meta.json")) check(ACTION_METAFILE, false, "missing: run npm run build");
  let packages = [];
  for (const name of metafiles) {
    const path = `build/${name}`;
    const inputs = bundledInputs(JSON.parse(await readFile(path, "utf8")));
    const isAction = path === ACTION_METAFILE;
    for (const rule of isAction ? [...FORBIDDEN, ...ACTION_ONLY] : FORBIDDEN) {
      const hits = [...inputs.keys()].filter((input) => rule.pattern.test(input));
      check(
        `${path}: no ${rule.name}`,
        hits.length === 0,
        hits.length === 0 ? "0 files" : `${hits.length} files, e.g. ${hits[0]} (${rule.why})`,
      );
    }
    const copies = new Set();
    const bytesByPackage = new Map();
    for (const [input, bytes] of inputs) {
      const owner = packageOf(input);
      const key = owner?.name ?? "(our source)";
      bytesByPackage.set(key, (bytesByPackage.get(key) ?? 0) + bytes);
      if (owner?.name === "google-auth-library") copies.add(owner.root);
    }
    const googleCopies = path === PROXIED_FETCH_METAFILE ? 0 : 1;
    check(
      `${path}: ${googleCopies === 1 ? "exactly one" : "no"} google-auth-library`,
      copies.size === googleCopies,
      copies.size === 0 ? "none bundled" : `${copies.size}: ${[...copies].join(", ")}`,
    );
    if (isAction) packages = [...bytesByPackage].sort((a, b) => b[1] - a[1]).map(([name, bytes]) => ({ name, bytes }));
  }
  return { actionBytes, maxActionBytes: MAX_ACTION_BYTES, checks, packages, ok: checks.every((entry) => entry.ok) };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const result = await inspectBundles();
  if (process.argv.includes("--json")) console.log(JSON.stringify(result));
  else {
    for (const entry of result.checks) console.log(`${entry.ok ? "ok  " : "FAIL"} ${entry.name}: ${entry.detail}`);
    console.log(`largest packages in ${ACTION_BUNDLE}:`);
    for (const { name, bytes } of result.packages.slice(0, 8)) console.log(`  ${String(bytes).padStart(8)}  ${name}`);
    console.log(result.ok ? "bench guard: ok" : "bench guard: FAILED");
  }
  process.exitCode = result.ok ? 0 : 1;
}
