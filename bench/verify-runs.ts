// Verification over time, measured (issue 14): 10 services, each with /health,
// a signed WebSocket (and its negative probes) and `logs:`, checked without
// `verify:`, then with a `verify:` of the same duration twice: sparse (a round
// at the start and one at the end) and dense (every interval). Through
// dist/index.js against the emulators and real backends. CPU per round per
// service is the dense run's extra CPU over the sparse one's, per extra round
// (bench/cpu-probe.cjs: the whole process, worker included), so what the waits
// cost by themselves is not counted as rounds; how far past its duration the
// verification ran is from the reports' own duration_ms (start-up excluded).
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Report } from "../src/model.js";
import { runAction } from "../test/e2e/harness.js";
import { fleetNames, probedFleetManifest, startProbedFleet } from "../test/e2e/probed-fleet.js";
import type { World } from "../test/e2e/world.js";
import { round } from "./stats.js";

export interface VerifyBenchResult {
  services: number;
  durationS: number;
  intervalS: number;
  /** Rounds each service ran (the first probes not counted). */
  rounds: number;
  /** The gate's duration_ms without verify: and with it. */
  baselineMs: number;
  verifyMs: number;
  /** (verifyMs − baselineMs) ÷ the duration: how far past its duration the verification ran. */
  ratio: number;
  /** Whole process CPU: without verify:, with a sparse one (2 rounds), with the dense one. */
  baselineCpuMs: number;
  sparseCpuMs: number;
  verifyCpuMs: number;
  /** (verifyCpuMs − sparseCpuMs) ÷ ((rounds − 2) × services): what one more round costs. */
  cpuPerRoundMs: number;
  /** (verifyCpuMs − baselineCpuMs) ÷ (rounds × services): the waits' own cost included. */
  cpuPerRoundAllInMs: number;
}

const SECRET = "bench-jwt-secret-".padEnd(48, "x");

export async function measureVerify(node: string, durationS = 60, services = 10, intervalS = 5): Promise<VerifyBenchResult> {
  const names = fleetNames(services);
  const world = await startProbedFleet(names, SECRET);
  try {
    const verify = { duration: `${durationS}s`, interval: `${intervalS}s`, consecutive_successes: 3, failure_limit: 1 };
    const baseline = await timed(world, await world.writeManifest(probedFleetManifest(world, names)), node, durationS);
    const sparseVerify = { ...verify, interval: `${durationS}s`, consecutive_successes: 2 };
    const sparse = await timed(world, await world.writeManifest(probedFleetManifest(world, names, sparseVerify)), node, durationS);
    const verified = await timed(world, await world.writeManifest(probedFleetManifest(world, names, verify)), node, durationS);
    const sparseRounds = roundsOf(sparse.report);
    const perService = roundsOf(verified.report);
    return {
      services,
      durationS,
      intervalS,
      rounds: perService,
      baselineMs: round(baseline.gateMs),
      verifyMs: round(verified.gateMs),
      ratio: round((verified.gateMs - baseline.gateMs) / (durationS * 1000), 3),
      baselineCpuMs: round(baseline.cpuMs),
      sparseCpuMs: round(sparse.cpuMs),
      verifyCpuMs: round(verified.cpuMs),
      cpuPerRoundMs: round((verified.cpuMs - sparse.cpuMs) / ((perService - sparseRounds) * services), 2),
      cpuPerRoundAllInMs: round((verified.cpuMs - baseline.cpuMs) / (perService * services), 2),
    };
  } finally {
    await world.close();
  }
}

/** Rounds per service, the same for every service (or the bench is wrong). */
function roundsOf(report: Report): number {
  const rounds = report.services.map(
    (service) => service.checks.find((check) => check.id === "verify.passed")?.rounds?.length ?? Number.NaN,
  );
  if (rounds.some((count) => count !== rounds[0])) throw new Error(`services ran different numbers of rounds: ${rounds.join(", ")}`);
  return rounds[0] ?? Number.NaN;
}

async function timed(world: World, manifest: string, node: string, durationS: number) {
  const cpuFile = join(await mkdtemp(join(tmpdir(), "gate-bench-cpu-")), "cpu");
  const env = { GITHUB_SHA: "bench", NODE_OPTIONS: `--require ${resolve("bench/cpu-probe.cjs")}`, BENCH_CPU_FILE: cpuFile };
  const run = await runAction(world.inputs(manifest, { timeout: String(durationS + 60) }), env, node);
  const report = JSON.parse(run.outputs.report ?? "{}") as Report;
  if (report.result !== "pass") throw new Error(`bench verify run did not pass (${report.result}): ${run.stdout.slice(-2000)}`);
  return { report, gateMs: report.duration_ms ?? Number.NaN, cpuMs: Number(await readFile(cpuFile, "utf8")) };
}
