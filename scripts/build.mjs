// Builds dist/index.js (the action) and dist/cli.js (the CLI): one CommonJS
// bundle each, deterministic, so CI can check dist/ matches the source.
import { mkdir, writeFile } from "node:fs/promises";
import { build } from "esbuild";

const common = {
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  minify: true,
  legalComments: "none",
  metafile: true,
  logLevel: "warning",
  // Optional native speedups of ws; the pure-JS paths are used without them.
  external: ["bufferutil", "utf-8-validate"],
};

const entries = [
  { in: "src/index.ts", out: "dist/index.js" },
  // The CLI (package.json `bin`); esbuild keeps src/cli.ts's #! line.
  { in: "src/cli.ts", out: "dist/cli.js" },
];

await mkdir("dist", { recursive: true });
// The repo is ESM ("type": "module"); the bundles are CommonJS.
await writeFile("dist/package.json", `${JSON.stringify({ type: "commonjs" }, null, 2)}\n`);
await mkdir("build", { recursive: true });
for (const entry of entries) {
  const result = await build({ ...common, entryPoints: [entry.in], outfile: entry.out });
  const name = entry.out.replace(/^dist\//, "").replace(/\.js$/, "");
  await writeFile(`build/${name}.meta.json`, JSON.stringify(result.metafile));
}
