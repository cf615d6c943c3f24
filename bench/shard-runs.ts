// Sharding, measured (issue 15): 200 services with their own secrets, checked by
// one job, then by 4 shard jobs run as parallel processes plus one aggregate job,
// against the emulators with a fixed latency per request. Wall times are spawn
// to exit (start-up included: each shard pays its own); the aggregate's CPU is
// the whole process's (start-up included), from bench/cpu-probe.cjs, the median
// of AGGREGATE_CPU_RUNS runs over the same shard reports.
import { spawnSync } from "node:child_process";
import { cp, mkdir, mkdtemp, readFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { stringify } from "yaml";
import { type ActionRun, runAction } from "../test/e2e/harness.js";
import { startWorld, type World } from "../test/e2e/world.js";
import { addSecret, deploy } from "../test/emulators/scenario.js";
import { median, round } from "./stats.js";

export interface ShardingResult {
  services: number;
  secretsPerService: number;
  shards: number;
  latencyMs: number;
  singleMs: number;
  singleCpuMs: number;
  /** Each shard's wall time, spawn to exit. */
  shardMs: number[];
  /** Each shard's CPU: on a machine with a core per shard, what bounds its wall time when the run is CPU-bound. */
  shardCpuMs: number[];
  aggregateMs: number;
  /**
   * Diagnostic: the same shards one at a time, each with the whole machine to itself, as a matrix
   * job has its own runner on GitHub. Slowest + aggregate: what the sharded run would take there.
   */
  aloneShardMs: number[];
  aloneShardedMs: number;
  aloneRatio: number;
  /** Slowest shard + aggregate. */
  shardedMs: number;
  ratio: number;
  aggregateCpuMs: number;
  /** The same aggregate step over no reports: what the process costs before any service is merged. */
  emptyAggregateCpuMs: number;
  /** `node -e ''` for scale: the part of the aggregate's CPU that any Node process spends. */
  emptyNodeCpuMs: number;
  /** The 1-minute load average before and after: other work on the machine takes the shards' cores too. */
  load: [number, number];
}

export async function measureSharding(
  node: string,
  latencyMs: number,
  services = 200,
  shards = 4,
  secretsPerService = 10,
): Promise<ShardingResult> {
  const world = await startWorld();
  const loadBefore = round(loadavg()[0] ?? 0, 2);
  try {
    const manifest = await world.writeManifest(fleet(world, services, secretsPerService));
    for (const server of [world.cloudRun, world.secretManager, world.resourceManager]) server.latencyMs = latencyMs;
    const timed = async (inputs: Record<string, string>) => {
      const cpuFile = join(await mkdtemp(join(tmpdir(), "gate-bench-cpu-")), "cpu");
      const env = { GITHUB_SHA: "bench", NODE_OPTIONS: `--require ${resolve("bench/cpu-probe.cjs")}`, BENCH_CPU_FILE: cpuFile };
      const started = performance.now();
      const run = await runAction(inputs, env, node);
      const ms = performance.now() - started;
      if (run.outputs.result !== "pass") throw new Error(`bench run did not pass (${run.outputs.result}): ${run.stdout.slice(-1500)}`);
      return { run, ms, cpuMs: Number(await readFile(cpuFile, "utf8")) };
    };
    const single = await timed(world.inputs(manifest, { timeout: "600" }));
    const parts = await Promise.all(
      Array.from({ length: shards }, (_, index) => timed(world.inputs(manifest, { timeout: "600", shard: `${index + 1}/${shards}` }))),
    );
    const alone: number[] = [];
    for (let index = 0; index < shards; index++) {
      alone.push((await timed(world.inputs(manifest, { timeout: "600", shard: `${index + 1}/${shards}` }))).ms);
    }
    const reports = await lay(parts.map((part) => part.run));
    const merged = await timed({ mode: "aggregate", reports });
    const servicesMerged = JSON.parse(merged.run.outputs.report ?? "{}").services?.length;
    if (servicesMerged !== services) throw new Error(`the aggregate merged ${servicesMerged} services, not ${services}`);
    const { aggregateCpuMs, emptyAggregateCpuMs, emptyNodeCpuMs } = await aggregateCpu(node, reports);
    const shardMs = parts.map((part) => round(part.ms));
    const shardedMs = Math.max(...shardMs) + merged.ms;
    return {
      services,
      secretsPerService,
      shards,
      latencyMs,
      singleMs: round(single.ms),
      singleCpuMs: round(single.cpuMs),
      shardMs,
      shardCpuMs: parts.map((part) => round(part.cpuMs)),
      aggregateMs: round(merged.ms),
      aloneShardMs: alone.map((ms) => round(ms)),
      aloneShardedMs: round(Math.max(...alone) + merged.ms),
      aloneRatio: round((Math.max(...alone) + merged.ms) / single.ms, 2),
      shardedMs: round(shardedMs),
      ratio: round(shardedMs / single.ms, 2),
      aggregateCpuMs: round(aggregateCpuMs),
      emptyAggregateCpuMs: round(emptyAggregateCpuMs),
      emptyNodeCpuMs: round(emptyNodeCpuMs),
      load: [loadBefore, round(loadavg()[0] ?? 0, 2)],
    };
  } finally {
    await world.close();
  }
}

/** Runs of each process the aggregate's CPU figures are the medians of: on a shared machine one run is noise. */
export const AGGREGATE_CPU_RUNS = 11;

/**
 * The aggregate step's CPU over `reports`, the same step over no reports at all (start-up, inputs,
 * publishing an error report: the difference is the merging of the services) and a bare `node -e ''`:
 * medians of `runs` runs of each, interleaved so a change in the machine's load moves all three alike.
 */
export async function aggregateCpu(
  node: string,
  reports: string,
  runs = AGGREGATE_CPU_RUNS,
): Promise<{ aggregateCpuMs: number; emptyAggregateCpuMs: number; emptyNodeCpuMs: number }> {
  const cpuFile = join(await mkdtemp(join(tmpdir(), "gate-bench-cpu-")), "cpu");
  const cpuEnv = { NODE_OPTIONS: `--require ${resolve("bench/cpu-probe.cjs")}`, BENCH_CPU_FILE: cpuFile };
  const none = await mkdtemp(join(tmpdir(), "gate-bench-none-"));
  const cpu = async () => Number(await readFile(cpuFile, "utf8"));
  const full: number[] = [];
  const empty: number[] = [];
  const bare: number[] = [];
  for (let run = 0; run < runs; run++) {
    const merged = await runAction({ mode: "aggregate", reports }, { ...cpuEnv, GITHUB_SHA: "bench" }, node);
    if (merged.outputs.result !== "pass")
      throw new Error(`the aggregate did not pass (${merged.outputs.result}): ${merged.stdout.slice(-1500)}`);
    full.push(await cpu());
    await runAction({ mode: "aggregate", reports: none }, cpuEnv, node);
    empty.push(await cpu());
    spawnSync(node, ["-e", ""], { env: { ...process.env, ...cpuEnv } });
    bare.push(await cpu());
  }
  return { aggregateCpuMs: median(full), emptyAggregateCpuMs: median(empty), emptyNodeCpuMs: median(bare) };
}

/** The shard report files as actions/download-artifact leaves them: a folder per artifact. */
async function lay(runs: ActionRun[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "gate-bench-reports-"));
  for (const [index, run] of runs.entries()) {
    await mkdir(join(dir, `deploy-gate-shard-${index + 1}`));
    await cp(run.outputs.report_file ?? "", join(dir, `deploy-gate-shard-${index + 1}`, "deploy-gate-report.json"));
  }
  return dir;
}

/** `services` services, each with its own secrets, whose values are read (min_bytes); probes off. */
function fleet(world: World, services: number, secretsPerService: number): string {
  const requirements: Record<string, unknown> = {};
  for (let service = 0; service < services; service++) {
    const name = `svc-${String(service).padStart(3, "0")}`;
    const refs: Record<string, string> = {};
    const secrets: Record<string, unknown> = {};
    for (let secret = 0; secret < secretsPerService; secret++) {
      const id = `${name}-secret-${secret}`;
      addSecret(world.scenario, id, `value-of-${id}-`.padEnd(40, "x"));
      refs[`SECRET_${secret}`] = `${id}:latest`;
      secrets[`SECRET_${secret}`] = { secret: id, min_bytes: 32 };
    }
    deploy(world.scenario, name, { secrets: refs });
    requirements[name] = { secrets };
  }
  return stringify({ region: world.scenario.region, services: requirements });
}
