// Memory, measured (issue 15): one job checks 500 services, each with its own
// secrets whose values are read, against the emulators, and posts its sticky
// comment and check run to the GitHub emulator, as a PR run would. Peak RSS is
// the action process's own (bench/rss-probe.cjs); the per-service figure is the
// growth over the same run with one service, so Node's fixed start-up cost is
// not spread over the fleet. Four secrets a service (2,000 in all): with ten,
// a 500-service manifest passes the loader's 20,000-node cap on YAML.
// Peak RSS is mostly V8's garbage-collection slack (the young generation alone
// grows to 128 MiB on Node 24), so one run swings by ±10 MiB with the machine's
// load: the figures are medians of RUNS runs, one and 500 services alternating.
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { runAction } from "../test/e2e/harness.js";
import { startWorld } from "../test/e2e/world.js";
import { startGitHubEmulator } from "../test/emulators/github.js";
import { scaleScenario } from "./gate-runs.js";
import { median, round } from "./stats.js";

export interface RssResult {
  services: number;
  secretsPerService: number;
  latencyMs: number;
  /** Peak RSS of the 500-service run, KiB: the median of `runs`. */
  peakRssKiB: number;
  /** Each run's peak, KiB, in the order run. */
  peakRssRunsKiB: number[];
  /** Peak RSS of the same run with one service, KiB (median). */
  oneServiceRssKiB: number;
  runs: number;
  /** (peak − one service) ÷ (services − 1), KiB. */
  perServiceKiB: number;
  gateMs: number;
  commentChars: number;
  /** The 1-minute load average before and after: garbage collection keeps up less on a busy machine, or more on a slow run. */
  load: [number, number];
}

// BENCH_NODE_FLAGS: more node flags for these runs, e.g. --max-old-space-size=100 to tell the live heap from GC slack.
const TOKEN = "ghs_benchWriteToken0123456789abcdef";

const RUNS = 5;

export async function measureRss(node: string, latencyMs: number, services = 500, secretsPerService = 4, runs = RUNS): Promise<RssResult> {
  const github = await startGitHubEmulator();
  github.writeTokens.add(TOKEN);
  const loadBefore = round(loadavg()[0] ?? 0, 2);
  try {
    const ones: number[] = [];
    const fleets: Awaited<ReturnType<typeof peakOf>>[] = [];
    for (let run = 0; run < runs; run++) {
      ones.push((await peakOf(node, github, 1, secretsPerService, latencyMs)).peakRssKiB);
      fleets.push(await peakOf(node, github, services, secretsPerService, latencyMs));
    }
    const peakRssKiB = median(fleets.map((fleet) => fleet.peakRssKiB));
    const oneServiceRssKiB = median(ones);
    return {
      services,
      secretsPerService,
      latencyMs,
      peakRssKiB,
      peakRssRunsKiB: fleets.map((fleet) => fleet.peakRssKiB),
      oneServiceRssKiB,
      runs,
      perServiceKiB: round((peakRssKiB - oneServiceRssKiB) / Math.max(1, services - 1), 1),
      gateMs: median(fleets.map((fleet) => fleet.gateMs)),
      commentChars: fleets[0]?.commentChars ?? 0,
      load: [loadBefore, round(loadavg()[0] ?? 0, 2)],
    };
  } finally {
    await github.close();
  }
}

async function peakOf(
  node: string,
  github: Awaited<ReturnType<typeof startGitHubEmulator>>,
  services: number,
  secretsPerService: number,
  latencyMs: number,
) {
  github.reset();
  const world = await startWorld();
  try {
    const manifest = await world.writeManifest(scaleScenario(world, services, secretsPerService, "own"));
    for (const server of [world.cloudRun, world.secretManager, world.resourceManager]) server.latencyMs = latencyMs;
    const dir = await mkdtemp(join(tmpdir(), "gate-bench-rss-"));
    const event = join(dir, "event.json");
    await writeFile(event, JSON.stringify({ pull_request: { number: 7, head: { sha: "bench" } } }));
    const rssFile = join(dir, "rss");
    const env = {
      NODE_OPTIONS: `--require ${resolve("bench/rss-probe.cjs")} ${process.env.BENCH_NODE_FLAGS ?? ""}`.trim(),
      BENCH_RSS_FILE: rssFile,
      GITHUB_REPOSITORY: "owner/repo",
      GITHUB_API_URL: github.url,
      GITHUB_EVENT_NAME: "pull_request",
      GITHUB_EVENT_PATH: event,
      GITHUB_SHA: "bench",
    };
    const inputs = world.inputs(manifest, { timeout: "600", github_token: TOKEN, check_name: "deploy gate", comment: "always" });
    const run = await runAction(inputs, env, node);
    const report = JSON.parse(run.outputs.report ?? "{}") as { result?: string; duration_ms?: number; services?: unknown[] };
    if (report.result !== "pass" || report.services?.length !== services) {
      throw new Error(`bench run did not pass with ${services} services (${report.result}): ${run.stdout.slice(-1500)}`);
    }
    const comment = github.comments.get(7)?.[0]?.body ?? "";
    if (!comment || github.checkRuns.length !== 1) throw new Error(`bench run posted no comment or check run: ${run.stdout.slice(-1500)}`);
    return { peakRssKiB: Number(await readFile(rssFile, "utf8")), gateMs: report.duration_ms ?? Number.NaN, commentChars: comment.length };
  } finally {
    await world.close();
  }
}
