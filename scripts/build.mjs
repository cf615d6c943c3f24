// Builds dist/index.js (the action) and dist/cli.js (the CLI): one CommonJS
// bundle each, deterministic, so CI can check dist/ matches the source.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

// Bundle hygiene for start-up time and size (issue 8; `node scripts/bench-guard.mjs` checks the result):
// - undici and tunnel are imported at the top of @actions/http-client for a proxy agent that only some
//   calls use. Declared free of side effects, esbuild drops them when nothing calls into them.
// - gaxios and google-logging-utils are pinned one patch apart across google-auth-library, gtoken and
//   gcp-metadata (and googleapis-common, types only here); every request goes through
//   google-auth-library's copy (`auth.request`), so whatever else gets bundled uses that one too.
// - web-streams-polyfill is fetch-blob's fallback for a Node without ReadableStream (< 16.5): never
//   loaded on Node 20+, so it is left out of the bundle.
const SIDE_EFFECT_FREE = new Set(["undici", "tunnel"]);
const ONE_COPY = new Set(["gaxios", "google-logging-utils"]);
const bundleHygiene = {
  name: "bundle-hygiene",
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, async (args) => {
      const sideEffectFree = SIDE_EFFECT_FREE.has(args.path);
      const oneCopy = ONE_COPY.has(args.path);
      if ((!sideEffectFree && !oneCopy) || args.pluginData === "bundle-hygiene") return undefined;
      const resolved = await build.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: oneCopy ? process.cwd() : args.resolveDir,
        pluginData: "bundle-hygiene",
      });
      return sideEffectFree && resolved.errors.length === 0 ? { ...resolved, sideEffects: false } : resolved;
    });
  },
};

// Only package.json's version goes into the bundles (src/build-defines.d.ts), not the whole file.
const { version } = JSON.parse(await readFile("package.json", "utf8"));

// undici's fetch and ProxyAgent (418 KB, ~30 ms to load) serve only proxied requests: they are a bundle
// of their own, dist/proxied-fetch.js, which src/fetch.ts loads by a relative path, never at start-up.
const PROXIED_FETCH = "./proxied-fetch.js";
const lazyProxiedFetch = {
  name: "lazy-proxied-fetch",
  setup(build) {
    build.onResolve({ filter: /^\.\/proxied-fetch\.js$/ }, () => ({ path: PROXIED_FETCH, external: true }));
  },
};

const common = {
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  minify: true,
  legalComments: "none",
  metafile: true,
  logLevel: "warning",
  // Optional native speedups of ws (the pure-JS paths are used without them), and see above.
  external: ["bufferutil", "utf-8-validate", "web-streams-polyfill/*"],
  plugins: [bundleHygiene],
  define: { __GATE_VERSION__: JSON.stringify(version) },
};

// The Google stack's `Headers` and `FormData` are src/gcp/fetch-headers.ts's, in those modules only:
// Node's globals are undici, loaded whole (25-39 ms) the first time either is touched, and gaxios
// touches both before the run's first Google request leaves. Nothing else in the bundle changes.
const GOOGLE_STACK = /[\\/]node_modules[\\/](gaxios|google-auth-library|gcp-metadata|gtoken)[\\/].*\.[cm]?js$/;
const FETCH_HEADERS = fileURLToPath(new URL("../src/gcp/fetch-headers.ts", import.meta.url));
const USE_STRICT = /^\s*(['"])use strict\1;?/;
const googleStackHeaders = {
  name: "google-stack-headers",
  setup(build) {
    build.onLoad({ filter: GOOGLE_STACK }, async (args) => {
      const source = await readFile(args.path, "utf8");
      const binding = `var { FetchHeaders: Headers, NoFormData: FormData } = require(${JSON.stringify(FETCH_HEADERS)});`;
      // After a "use strict" directive, which must stay the first statement to count.
      const strict = USE_STRICT.exec(source)?.[0] ?? "";
      return { contents: `${strict}${binding}${source.slice(strict.length)}`, loader: "js", resolveDir: dirname(args.path) };
    });
  },
};

// The action and the CLI in one esbuild pass: they share nearly all their inputs, which are then
// parsed once, not twice (each entry still gets a bundle of its own: no code splitting).
// dist/proxied-fetch.js, required by both from the same folder when a proxy applies (see above),
// in a pass of its own alongside, since it has other plugins.
const passes = [
  {
    entryPoints: [
      { in: "src/index.ts", out: "index" },
      // The CLI (package.json `bin`); esbuild keeps src/cli.ts's #! line.
      { in: "src/cli.ts", out: "cli" },
    ],
    plugins: [bundleHygiene, lazyProxiedFetch, googleStackHeaders],
  },
  { entryPoints: [{ in: "src/proxied-fetch.ts", out: "proxied-fetch" }], plugins: [bundleHygiene] },
];

await mkdir("dist", { recursive: true });
// The repo is ESM ("type": "module"); the bundles are CommonJS.
await writeFile("dist/package.json", `${JSON.stringify({ type: "commonjs" }, null, 2)}\n`);
await mkdir("build", { recursive: true });
await Promise.all(
  passes.map(async (pass) => {
    const result = await build({ ...common, ...pass, outdir: "dist" });
    // One metafile per bundle, as scripts/bench-guard.mjs reads them: the bundle's output and what it was built from.
    for (const [file, output] of Object.entries(result.metafile.outputs)) {
      const name = file.replace(/^dist\//, "").replace(/\.js$/, "");
      const inputs = Object.fromEntries(Object.keys(output.inputs).map((input) => [input, result.metafile.inputs[input]]));
      await writeFile(`build/${name}.meta.json`, JSON.stringify({ inputs, outputs: { [file]: output } }));
    }
  }),
);
