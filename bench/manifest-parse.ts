// CPU of parsing a fleet manifest (parse-yaml + the zod schema + the line map), in-process:
// `node scripts/run-ts.mjs bench/manifest-parse.ts [services] [secrets] [cold runs] [warm runs]`.
// Cold: the first parse of a fresh process (what a run does, once): the child reads the text from a
// file, as a run does, and has used nothing of yaml before (building the text with yaml's stringify
// there warmed yaml's node classes and took ~10% off). Warm: the median after it.
// Where it goes (200 × 10, cold, `node --cpu-prof`): about three quarters in yaml's own lexer, parser
// and composer and the garbage they make (the CST of a 150 KB manifest is ~6 MB, the document ~4 MB),
// the rest in zod, the walk that builds the value and locating the requirements.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { parseManifest } from "../src/manifest/load.js";

export function fleetManifest(services: number, secretsPerService: number): string {
  const requirements: Record<string, unknown> = {};
  for (let service = 0; service < services; service++) {
    const name = `svc-${String(service).padStart(3, "0")}`;
    const secrets: Record<string, unknown> = {};
    for (let secret = 0; secret < secretsPerService; secret++) {
      secrets[`SECRET_${secret}`] = { secret: `fleet-secret-${secret}`, min_bytes: 32 };
    }
    requirements[name] = { env: { ENVIRONMENT: { equals: "staging" } }, secrets };
  }
  return stringify({ region: "europe-west1", services: requirements });
}

function cpuMs(work: () => void): number {
  const started = process.cpuUsage();
  work();
  const { user, system } = process.cpuUsage(started);
  return (user + system) / 1000;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

const [services = 200, secrets = 10, coldRuns = 15, warmRuns = 50] = process.argv.slice(2).map(Number);
const child = process.env.MANIFEST_BENCH_FILE;
if (child) {
  const text = readFileSync(child, "utf8");
  const cold = cpuMs(() => parseManifest(text, ".github/deploy-gate.yml"));
  const warm: number[] = [];
  for (let run = 0; run < Number(process.env.MANIFEST_BENCH_CHILD); run++) warm.push(cpuMs(() => parseManifest(text, "m.yml")));
  process.stdout.write(JSON.stringify({ cold, warm: median(warm) }));
} else {
  const text = fleetManifest(services, secrets);
  const dir = mkdtempSync(join(tmpdir(), "manifest-parse-"));
  const file = join(dir, "deploy-gate.yml");
  writeFileSync(file, text);
  const colds: number[] = [];
  const warms: number[] = [];
  for (let run = 0; run < coldRuns; run++) {
    const out = execFileSync(process.execPath, [process.argv[1] as string, ...process.argv.slice(2)], {
      env: { ...process.env, MANIFEST_BENCH_FILE: file, MANIFEST_BENCH_CHILD: String(run === 0 ? warmRuns : 3) },
      encoding: "utf8",
    });
    const { cold, warm } = JSON.parse(out) as { cold: number; warm: number };
    colds.push(cold);
    if (run === 0) warms.push(warm);
  }
  rmSync(dir, { recursive: true, force: true });
  console.log(
    `${process.version} ${services} services × ${secrets} secrets, ${(text.length / 1024).toFixed(0)} KB: cold median ${median(colds).toFixed(1)} ms CPU (${coldRuns} processes), warm median ${median(warms).toFixed(1)} ms`,
  );
}
