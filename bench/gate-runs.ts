// Whole gate runs of dist/index.js against the emulators with a fixed latency
// per request: one service (incident 1, fixed) against its critical path, and
// 1/10/50/200 services with 10 secrets each for scale. Times are the gate's own
// clock, duration_ms from its report: run() starts after the bundle is loaded
// (process start-up is the cold-start bench). Spawn to exit, and the process's
// CPU (user + system), are kept beside it as diagnostics.
import { mkdtemp, readFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parse, stringify } from "yaml";
import { websocketRequirementSchema } from "../src/manifest/schema.js";
import { runAction } from "../test/e2e/harness.js";
import { startIncident, startWorld, type World } from "../test/e2e/world.js";
import { addSecret, deploy } from "../test/emulators/scenario.js";
import { incident1 } from "../test/incidents/incident-1.js";
import { type CriticalPath, criticalPath, scheduleWaves, stampArrivals } from "./critical-path.js";
import { median, round } from "./stats.js";

export interface GateTiming {
  gateMs: number;
  /** Spawn to exit, start-up included. */
  processMs: number;
  /** The process's CPU, user + system (bench/cpu-probe.cjs): on a loaded machine, steadier than wall times. */
  cpuMs: number;
  peakRssKiB: number;
  /** The 1-minute load average before and after the runs. */
  load: [number, number];
  path: CriticalPath;
}

async function timeGate(
  world: World,
  manifest: string,
  node: string,
  runs: number,
  latencyMs: number,
  extraInputs: Record<string, string> = {},
): Promise<GateTiming> {
  const servers = [world.cloudRun, world.secretManager, world.resourceManager];
  for (const server of servers) server.latencyMs = latencyMs;
  const log = stampArrivals(servers);
  const dir = await mkdtemp(join(tmpdir(), "gate-bench-rss-"));
  const [rssFile, cpuFile] = [join(dir, "rss"), join(dir, "cpu")];
  const env = {
    NODE_OPTIONS: `--require ${resolve("bench/rss-probe.cjs")} --require ${resolve("bench/cpu-probe.cjs")}`,
    BENCH_RSS_FILE: rssFile,
    BENCH_CPU_FILE: cpuFile,
  };
  const samples: Omit<GateTiming, "path" | "load">[] = [];
  const loadBefore = round(loadavg()[0] ?? 0, 2);
  let path: CriticalPath | undefined;
  for (let run = 0; run < runs; run++) {
    log.reset();
    const started = performance.now();
    const result = await runAction(world.inputs(manifest, extraInputs), env, node);
    const processMs = performance.now() - started;
    const report = JSON.parse(result.outputs.report ?? "{}") as { result?: string; duration_ms?: number };
    if (report.result !== "pass") throw new Error(`bench gate run did not pass (${report.result}): ${result.stdout.slice(-2000)}`);
    samples.push({
      gateMs: report.duration_ms ?? Number.NaN,
      processMs,
      cpuMs: Number(await readFile(cpuFile, "utf8")),
      peakRssKiB: Number(await readFile(rssFile, "utf8")),
    });
    path = criticalPath(log.take());
  }
  return {
    gateMs: round(median(samples.map((sample) => sample.gateMs))),
    processMs: round(median(samples.map((sample) => sample.processMs))),
    cpuMs: round(median(samples.map((sample) => sample.cpuMs))),
    load: [loadBefore, round(loadavg()[0] ?? 0, 2)],
    peakRssKiB: Math.max(...samples.map((sample) => sample.peakRssKiB)),
    path: path as CriticalPath,
  };
}

export interface CriticalPathResult {
  latencyMs: number;
  /** With the manifest's probes (health, WebSocket). */
  full: GateTiming & { lowerBoundMs: number; probeFloorMs: number; ratio: number };
  /** The same gate without probes: only the GCP requests. */
  gcpOnly: GateTiming & { lowerBoundMs: number; ratio: number };
}

/** Incident 1, fixed: one service whose JWT secret is read to mint the probe's token. */
export async function measureCriticalPath(node: string, runs: number, latencyMs: number): Promise<CriticalPathResult> {
  const { world, manifest } = await startIncident(incident1);
  try {
    incident1.fixed(world);
    const full = await timeGate(world, manifest, node, runs, latencyMs);
    // The WebSocket probe watches an accepted socket for observe_ms before it calls it open: a floor no latency changes.
    const requirement = (parse(incident1.manifest) as { services: Record<string, { websocket?: unknown }> }).services["backend-staging"];
    const probeFloorMs = requirement?.websocket ? websocketRequirementSchema.parse(requirement.websocket).observe_ms : 0;
    const fullBound = full.path.chain.length * latencyMs + probeFloorMs;
    const withoutProbes = await world.writeManifest(manifestWithoutProbes(incident1.manifest));
    const gcpOnly = await timeGate(world, withoutProbes, node, runs, latencyMs);
    const gcpBound = gcpOnly.path.chain.length * latencyMs;
    return {
      latencyMs,
      full: { ...full, probeFloorMs, lowerBoundMs: fullBound, ratio: round(full.gateMs / fullBound, 2) },
      gcpOnly: { ...gcpOnly, lowerBoundMs: gcpBound, ratio: round(gcpOnly.gateMs / gcpBound, 2) },
    };
  } finally {
    await world.close();
  }
}

function manifestWithoutProbes(text: string): string {
  const manifest = parse(text) as { services: Record<string, Record<string, unknown>> };
  for (const service of Object.values(manifest.services)) {
    delete service.health;
    delete service.websocket;
  }
  return stringify(manifest);
}

/** action.yml's max_concurrency default. */
const ACTION_DEFAULT_CONCURRENCY = 16;

export interface ScalePoint extends GateTiming {
  services: number;
  /** Distinct secrets in the run. */
  secrets: number;
  /** The max_concurrency input; undefined: the action's default. */
  maxConcurrency: number | undefined;
  /** No cap can beat this: the dependent chain, or the requests pushed through the cap, times the latency. */
  lowerBoundMs: number;
  /** Diagnostic: the same cap and latency through the run's own dependency depths (critical-path.ts scheduleWaves). */
  scheduleFloorMs: number;
}

/**
 * How a fleet's services use their secrets: each its own (`own`: 50 services, 500 secrets), or
 * the same ones (`shared`: one signing key, one database password... for the whole fleet).
 */
export type SecretSharing = "own" | "shared";

/** N services with `secretsPerService` secrets each whose values the gate reads (min_bytes), probes off. */
export async function measureScale(
  node: string,
  serviceCounts: number[],
  secretsPerService: number,
  sharing: SecretSharing,
  runs: number,
  latencyMs: number,
  maxConcurrency: number | undefined,
) {
  const points: ScalePoint[] = [];
  for (const services of serviceCounts) {
    const world = await startWorld();
    try {
      const manifest = await world.writeManifest(scaleScenario(world, services, secretsPerService, sharing));
      const cap = maxConcurrency === undefined ? {} : { max_concurrency: String(maxConcurrency) };
      const timing = await timeGate(world, manifest, node, runs, latencyMs, cap);
      const inFlight = maxConcurrency ?? ACTION_DEFAULT_CONCURRENCY;
      const lowerBoundMs = Math.max(timing.path.chain.length, Math.ceil(timing.path.requests / inFlight)) * latencyMs;
      const secrets = sharing === "own" ? services * secretsPerService : secretsPerService;
      const scheduleFloorMs = scheduleWaves(timing.path, inFlight) * latencyMs;
      points.push({ services, secrets, maxConcurrency, lowerBoundMs, scheduleFloorMs, ...timing });
    } finally {
      await world.close();
    }
  }
  return points;
}

export function scaleScenario(world: World, services: number, secretsPerService: number, sharing: SecretSharing): string {
  const requirements: Record<string, unknown> = {};
  for (let service = 0; service < services; service++) {
    const name = `svc-${String(service).padStart(3, "0")}`;
    const refs: Record<string, string> = {};
    const secrets: Record<string, unknown> = {};
    for (let secret = 0; secret < secretsPerService; secret++) {
      const id = sharing === "own" ? `${name}-secret-${secret}` : `fleet-secret-${secret}`;
      if (sharing === "own" || service === 0) addSecret(world.scenario, id, `value-of-${id}-`.padEnd(40, "x"));
      refs[`SECRET_${secret}`] = `${id}:latest`;
      secrets[`SECRET_${secret}`] = { secret: id, min_bytes: 32 };
    }
    deploy(world.scenario, name, { env: { ENVIRONMENT: "staging" }, secrets: refs });
    requirements[name] = { env: { ENVIRONMENT: { equals: "staging" } }, secrets };
  }
  return stringify({ region: world.scenario.region, services: requirements });
}
