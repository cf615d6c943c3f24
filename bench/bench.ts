// `npm run bench`: cold start, bundle, wall time against the critical path,
// and scale, measured side by side in one run on this machine (issue 8).
// Writes bench/results.json and bench/results.md, and the table into the
// README between its bench markers.
//   --only cold,bundle,path,scale,shard,verify,rss   run some parts only (results.json is then left alone,
//                                   unless --merge: the parts run replace theirs in it, the rest stay)
//   --action FILE                   time another build of the action (cold start)
//   --runs N                        cold-start runs per node (default 21)
//   --caps default,64,256           max_concurrency values for the scale runs (default: default,256)
//   --verify-duration S             the verify part's duration in seconds (default 60)
import { execFileSync, spawnSync } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { coldStart, node24 } from "./cold-start.js";
import { measureCriticalPath, measureScale } from "./gate-runs.js";
import { measureRss } from "./rss-runs.js";
import { measureSharding } from "./shard-runs.js";
import { measureVerify } from "./verify-runs.js";
import { type BenchResults, markdownTable, TARGETS, updateReadme } from "./report.js";
import { elapsedMs, median, round } from "./stats.js";

const LATENCY_MS = 40;

interface GuardReport {
  actionBytes: number;
  ok: boolean;
  checks: { name: string; ok: boolean; detail: string }[];
  packages: { name: string; bytes: number }[];
}

const { values } = parseArgs({
  options: {
    only: { type: "string" },
    action: { type: "string", default: "dist/index.js" },
    runs: { type: "string", default: "21" },
    "gate-runs": { type: "string", default: "5" },
    caps: { type: "string" },
    "verify-duration": { type: "string", default: "60" },
    merge: { type: "boolean", default: false },
  },
});
const ALL_PARTS = "cold,bundle,path,scale,shard,verify,rss";
const parts = new Set((values.only ?? ALL_PARTS).split(","));
const runs = Math.max(15, Number(values.runs));
const gateRuns = Math.max(1, Number(values["gate-runs"]));
const nodes = [process.execPath, node24()].filter((node): node is string => node !== undefined);
// GitHub runs the action on Node 24 (action.yml); Node 20 when 24 cannot be had.
const gateNode = nodes.at(-1) ?? process.execPath;
const version = (node: string) => execFileSync(node, ["--version"]).toString().trim();

const results: BenchResults = {
  machine: { cpus: availableParallelism(), node: process.version },
  bundle: { bytes: 0, guardOk: false, failedChecks: [], googleAuthLibraryCopies: "", largest: [], buildMs: Number.NaN },
  coldStart: [],
};

// First, on a quiet machine: the timed builds below keep both cores busy for seconds, and start-up time feels it.
if (parts.has("cold")) {
  for (const node of nodes) {
    const result = coldStart(node, resolve(values.action), runs);
    results.coldStart.push(result);
    console.log(
      `cold start ${result.node}: +${result.deltaMs} ms (${result.actionMs} vs ${result.emptyMs} ms), CPU +${result.deltaCpuMs} ms (${result.actionCpuMs} vs ${result.emptyCpuMs}), load ${result.load.join("→")}; target ≤ +${TARGETS.coldStartDeltaMs}`,
    );
  }
}

if (parts.has("bundle")) {
  const builds: number[] = [];
  for (let run = 0; run < 3; run++) {
    const started = process.hrtime.bigint();
    execFileSync(process.execPath, ["scripts/build.mjs"], { stdio: "inherit" });
    builds.push(elapsedMs(started));
  }
  // The guard exits 1 on a failed check; its JSON says which.
  const guard = JSON.parse(spawnSync(process.execPath, ["scripts/bench-guard.mjs", "--json"]).stdout.toString()) as GuardReport;
  results.bundle = {
    bytes: guard.actionBytes,
    guardOk: guard.ok,
    failedChecks: guard.checks
      .filter((check) => !check.ok && check.name.includes("meta.json"))
      .map((check) => `${check.name}: ${check.detail}`),
    googleAuthLibraryCopies:
      guard.checks.find((check) => check.name === "build/index.meta.json: exactly one google-auth-library")?.detail ?? "?",
    largest: guard.packages.slice(0, 12),
    buildMs: round(median(builds), 0),
  };
  console.log(`bundle: ${guard.actionBytes} bytes, guard ${guard.ok ? "ok" : "FAILED"}, build ${results.bundle.buildMs} ms`);
}

if (parts.has("path")) {
  const path = await measureCriticalPath(gateNode, gateRuns, LATENCY_MS);
  results.criticalPath = { ...path, node: version(gateNode) };
  console.log(
    `critical path: full ${path.full.gateMs} ms / bound ${path.full.lowerBoundMs} = ${path.full.ratio}× (${path.full.path.chain.join(" → ")})`,
  );
  console.log(`critical path: GCP only ${path.gcpOnly.gateMs} ms / bound ${path.gcpOnly.lowerBoundMs} = ${path.gcpOnly.ratio}×`);
  if (path.full.path.duplicates.length) console.log(`  repeated requests: ${path.full.path.duplicates.join(", ")}`);
}

if (parts.has("scale")) {
  results.scale = [];
  const caps = (values.caps ?? "default,256").split(",").map((cap) => (cap === "default" ? undefined : Number(cap)));
  // Each service with its own secrets, and a fleet sharing them; at the action's default cap and the highest it accepts.
  for (const sharing of ["own", "shared"] as const) {
    for (const maxConcurrency of caps) {
      const points = await measureScale(
        gateNode,
        // Issue 15's fleet target: at the default cap, each size within 1.25× its own floor.
        [1, 10, 50, 200],
        10,
        sharing,
        Math.max(1, Math.ceil(gateRuns / 2)),
        LATENCY_MS,
        maxConcurrency,
      );
      const ratio = round((points.at(-1)?.gateMs ?? Number.NaN) / (points[0]?.gateMs ?? Number.NaN), 2);
      results.scale.push({ node: version(gateNode), sharing, maxConcurrency, points, ratio });
      for (const point of points) {
        console.log(
          `scale ${sharing} ${point.services} services (${point.secrets} secrets), max_concurrency ${maxConcurrency ?? "default"}: ${point.gateMs} ms (bound ${point.lowerBoundMs}), ${point.path.requests} requests, peak RSS ${point.peakRssKiB} KiB`,
        );
      }
    }
  }
}

if (parts.has("shard")) {
  const sharding = await measureSharding(gateNode, LATENCY_MS);
  results.sharding = { ...sharding, node: version(gateNode) };
  console.log(
    `sharding ${sharding.services} services: 1 job ${sharding.singleMs} ms (CPU ${sharding.singleCpuMs}); ${sharding.shards} shards ${sharding.shardMs.join(" / ")} ms (CPU ${sharding.shardCpuMs.join(" / ")}) + aggregate ${sharding.aggregateMs} ms = ${sharding.shardedMs} ms (${sharding.ratio}×); aggregate CPU ${sharding.aggregateCpuMs} ms, over no reports ${sharding.emptyAggregateCpuMs} ms (node -e '' ${sharding.emptyNodeCpuMs} ms)`,
  );
}

if (parts.has("verify")) {
  const verify = await measureVerify(gateNode, Number(values["verify-duration"]));
  results.verify = { ...verify, node: version(gateNode) };
  console.log(
    `verify ${verify.services} services × ${verify.rounds} rounds over ${verify.durationS} s: CPU ${verify.cpuPerRoundMs} ms per round per service; gate ${verify.verifyMs} ms vs ${verify.baselineMs} ms without verify: = ${verify.ratio}× the duration`,
  );
}

if (parts.has("rss")) {
  // No added latency: at most max_concurrency requests are in flight either way, and 500 services stay quick.
  const rss = await measureRss(gateNode, 0);
  results.rss = { ...rss, node: version(gateNode) };
  console.log(
    `memory ${rss.services} services (${rss.secretsPerService} secrets each), comment and check run posted: peak RSS ${Math.round(rss.peakRssKiB / 1024)} MiB (one service ${Math.round(rss.oneServiceRssKiB / 1024)} MiB), ${rss.perServiceKiB} KiB per service; ${rss.gateMs} ms; comment ${rss.commentChars} characters`,
  );
}

if (values.merge && values.action === "dist/index.js") {
  // The parts just run replace theirs; the rest are the last full run's.
  const previous = JSON.parse(await readFile("bench/results.json", "utf8")) as BenchResults;
  const measured = Object.fromEntries(Object.entries(results).filter(([key]) => partOf(key) === undefined || parts.has(partOf(key) ?? "")));
  Object.assign(results, { ...previous, ...measured, machine: results.machine });
}

/** Which `--only` part fills a results key (machine: every run). */
function partOf(key: string): string | undefined {
  return { coldStart: "cold", bundle: "bundle", criticalPath: "path", scale: "scale", sharding: "shard", verify: "verify", rss: "rss" }[
    key
  ];
}

const table = markdownTable(results);
console.log(`\n${table}`);
if ((values.merge || parts.size === ALL_PARTS.split(",").length) && values.action === "dist/index.js") {
  await writeFile("bench/results.json", `${JSON.stringify(results, null, 2)}\n`);
  await writeFile("bench/results.md", table);
  const updated = await updateReadme("README.md", table);
  console.log(updated ? "README.md: table updated between the bench markers" : "README.md has no bench markers: table not inserted");
} else {
  console.log(JSON.stringify(results, null, 2));
}
