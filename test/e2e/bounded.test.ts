// Bounded, always (issue 13 §5): a file that is not a regular file, a YAML
// bomb, a backtracking regex or a stuck main thread ends in a clear answer
// within the run's timeout, and the process exits. Each run here is killed
// after a generous bound, so a hang fails the test instead of the suite.
import { spawn } from "node:child_process";
import { execFileSync } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deploy } from "../emulators/scenario.js";
import { CLI } from "./cli-run.js";
import { ACTION, parseOutputs, reportOf } from "./harness.js";
import { startWorld, type World } from "./world.js";

const KILL_AFTER_MS = 30_000;

interface BoundedRun {
  exitCode: number | null;
  signal: string | null;
  /** The process had to be killed by the test: it would have hung the job. */
  hung: boolean;
  ms: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
}

async function runBounded(script: string, args: string[], env: Record<string, string>, dir: string): Promise<BoundedRun> {
  const outputFile = join(dir, `output-${Math.random().toString(36).slice(2)}`);
  await writeFile(outputFile, "");
  const started = Date.now();
  const child = spawn(process.execPath, [script, ...args], {
    env: { PATH: process.env.PATH ?? "", HOME: dir, RUNNER_TEMP: dir, GITHUB_OUTPUT: outputFile, GITHUB_WORKSPACE: dir, ...env },
    cwd: dir,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  let hung = false;
  const killer = setTimeout(() => {
    hung = true;
    child.kill("SIGKILL");
  }, KILL_AFTER_MS);
  const [exitCode, signal] = await new Promise<[number | null, string | null]>((done) =>
    child.on("close", (code, sig) => done([code, sig])),
  );
  clearTimeout(killer);
  const { readFile } = await import("node:fs/promises");
  return { exitCode, signal, hung, ms: Date.now() - started, stdout, stderr, outputs: parseOutputs(await readFile(outputFile, "utf8")) };
}

const inputEnv = (inputs: Record<string, string>) =>
  Object.fromEntries(Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value]));

const errorMessage = (run: BoundedRun) => reportOf(run.outputs).checks?.[0]?.message ?? "";

const MANIFEST = `region: us-central1
services:
  web:
    env:
      HOST: { matches: "^([a-z0-9]+[-.]?)+$" }
`;

/** A service YAML whose labels map has `keys` keys. */
const manyKeysServiceYaml = (keys: number) =>
  `apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: web
  labels:
${Array.from({ length: keys }, (_, index) => `    k${index}: v`).join("\n")}
spec:
  template:
    spec:
      containers:
        - image: us-docker.pkg.dev/p/app/web:v1
`;

/** 8,000 aliases of one anchor: quadratic to resolve in the yaml package (23 s before the cap). */
const aliasBomb = (prefix: string) =>
  `${prefix}
x-anchors:
  a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
  list: [${Array.from({ length: 8000 }, () => "*a").join(", ")}]
`;

describe("bounded: files, YAML, regexes, the deadline", () => {
  let world: World;
  let dir: string;
  let fifo: string;
  let manifest: string;

  beforeAll(async () => {
    world = await startWorld();
    deploy(world.scenario, "web", { env: { HOST: "aaaaaaaaaaaaaaaaaaaaaaaaaa!" } });
    dir = join(world.dir, "bounded");
    await mkdir(dir, { recursive: true });
    fifo = join(dir, "fifo");
    execFileSync("mkfifo", [fifo]);
    manifest = await world.writeManifest(MANIFEST);
  });
  afterAll(() => world.close());

  const action = (inputs: Record<string, string>, env: Record<string, string> = {}) =>
    runBounded(ACTION, [], { ...inputEnv(world.inputs(manifest, { timeout: "3", ...inputs })), ...env }, dir);

  describe("files that are not regular files are refused, never read", () => {
    it.each([
      ["a FIFO", () => fifo, "named pipe"],
      ["/dev/zero", () => "/dev/zero", "device"],
      ["a directory", () => dir, "directory"],
    ])("%s as the manifest: a clear error, and the process exits", async (_name, path, kind) => {
      const run = await action({ manifest: path() });

      expect(run.hung).toBe(false);
      expect(run.outputs.result).toBe("error");
      expect(errorMessage(run)).toContain(`cannot read the manifest ${path()}`);
      expect(errorMessage(run)).toContain(kind);
      expect(run.ms).toBeLessThan(3_000 + 10_000);
    });

    it("a FIFO as service_yaml", async () => {
      const run = await action({ mode: "candidate", service_yaml: fifo });

      expect(run.hung).toBe(false);
      expect(run.outputs.result).toBe("error");
      expect(errorMessage(run)).toContain(`cannot read service_yaml ${fifo}`);
      expect(errorMessage(run)).toContain("named pipe");
    });

    it("a FIFO as GOOGLE_APPLICATION_CREDENTIALS", async () => {
      const inputs = world.inputs(manifest, { timeout: "3" });
      delete inputs.access_token;
      const run = await runBounded(ACTION, [], { ...inputEnv(inputs), GOOGLE_APPLICATION_CREDENTIALS: fifo }, dir);

      expect(run.hung).toBe(false);
      expect(run.outputs.result).toBe("error");
      expect(errorMessage(run)).toContain("GOOGLE_APPLICATION_CREDENTIALS");
      expect(errorMessage(run)).toContain("named pipe");
    });

    it("a FIFO as the event payload (GITHUB_EVENT_PATH) costs only PR discovery", async () => {
      const run = await action({}, { GITHUB_REPOSITORY: "octo/app", GITHUB_EVENT_NAME: "pull_request", GITHUB_EVENT_PATH: fifo });

      expect(run.hung).toBe(false);
      // A verdict (the value does not match), not a hang.
      expect(run.outputs.result).toBe("fail");
    });

    it("the CLI: a FIFO as --env-vars-file, /dev/zero as --manifest", async () => {
      const base = ["--project", world.scenario.project, "--access-token-env", "T", "--timeout", "3"];
      const envFile = await runBounded(
        CLI,
        [...base, "--manifest", manifest, "--mode", "candidate", "--env-vars-file", fifo],
        { T: "t" },
        dir,
      );
      expect(envFile.hung).toBe(false);
      expect(envFile.exitCode).toBe(2);
      expect(envFile.stderr).toContain(`cannot read ${fifo} for env_vars`);
      expect(envFile.stderr).toContain("named pipe");

      const zero = await runBounded(CLI, [...base, "--manifest", "/dev/zero"], { T: "t" }, dir);
      expect(zero.hung).toBe(false);
      expect(zero.exitCode).toBe(2);
      expect(zero.stdout + zero.stderr).toContain("device");
    });
  });

  describe("YAML is parsed in bounded time", () => {
    it("an alias bomb manifest: a clear error, quickly", async () => {
      const bomb = await world.writeManifest(aliasBomb(MANIFEST));
      const run = await action({ manifest: bomb });

      expect(run.hung).toBe(false);
      expect(run.outputs.result).toBe("error");
      expect(errorMessage(run)).toMatch(/manifest .*:\d+ has more than \d+ YAML aliases/);
      expect(run.ms).toBeLessThan(10_000);
    });

    it("a manifest with 50,000 keys: a clear error, quickly", async () => {
      const keys = Array.from({ length: 50_000 }, (_, index) => `      V${index}: {}`).join("\n");
      const big = await world.writeManifest(`region: us-central1\nservices:\n  web:\n    env:\n${keys}\n`);
      const run = await action({ manifest: big });

      expect(run.hung).toBe(false);
      expect(run.outputs.result).toBe("error");
      expect(errorMessage(run)).toMatch(/manifest .*:\d+ has more than [\d,]+ YAML nodes/);
      expect(run.ms).toBeLessThan(10_000);
    });

    it.each([
      ["an alias bomb", aliasBomb(manyKeysServiceYaml(1)), /aliases/],
      ["50,000 keys", manyKeysServiceYaml(50_000), /nodes/],
    ])("service_yaml with %s: a clear error, quickly", async (_name, text, kind) => {
      const file = join(dir, `service-${Math.random().toString(36).slice(2)}.yaml`);
      await writeFile(file, text);
      const run = await action({ mode: "candidate", service_yaml: file });

      expect(run.hung).toBe(false);
      expect(run.outputs.result).toBe("error");
      expect(errorMessage(run)).toContain(`service YAML ${file}:`);
      expect(errorMessage(run)).toMatch(kind);
      expect(run.ms).toBeLessThan(10_000);
    });

    it("a duplicate key is still an error with its line", async () => {
      const dup = await world.writeManifest(`region: us-central1\nservices:\n  web: {}\n  web: {}\n`);
      const run = await action({ manifest: dup });

      expect(run.outputs.result).toBe("error");
      expect(errorMessage(run)).toContain(`${dup}:4 is not valid YAML: DUPLICATE_KEY`);
    });
  });

  describe("regexes run in linear time", () => {
    it("a catastrophically backtracking `matches` on a 27-char value gets a verdict within the deadline", async () => {
      const run = await action({});

      expect(run.hung).toBe(false);
      expect(run.outputs.result).toBe("fail");
      expect(run.outputs.failed_checks).toContain("env.value_mismatch");
      expect(run.ms).toBeLessThan(3_000 + 10_000);
    });

    it("a pattern the linear engine cannot run is refused at parse time, with its line", async () => {
      const lookahead = await world.writeManifest(
        `region: us-central1\nservices:\n  web:\n    env:\n      HOST: { matches: "^(?!www)" }\n`,
      );
      const run = await action({ manifest: lookahead });

      expect(run.outputs.result).toBe("error");
      expect(errorMessage(run)).toContain(`${lookahead}:5 services.web.env.HOST.matches`);
      expect(errorMessage(run)).toMatch(/lookaround|backreference/);
    });
  });

  describe("the deadline holds while the main thread is stuck", () => {
    // A preload runs in the gate's own process: a timer that never yields stands for any CPU-bound stall
    // (on the main thread only: preloads run in workers too, and the watchdog is one).
    const stall = async (afterMs: number) => {
      const file = join(dir, `stall-${Math.random().toString(36).slice(2)}.cjs`);
      await writeFile(file, `if (require("node:worker_threads").isMainThread) setTimeout(() => { for (;;); }, ${afterMs});`);
      return { NODE_OPTIONS: `--require ${file}` };
    };

    it("a stall during the checks: the watchdog writes result=error and the error line, and ends the process (exit 1)", async () => {
      world.cloudRun.faults.push({ match: /services\/web$/, fault: { kind: "hang", times: 100 } });
      const run = await action({ timeout: "2" }, await stall(500));
      world.cloudRun.faults.length = 0;

      expect(run.hung).toBe(false);
      expect(run.outputs.result).toBe("error");
      expect(reportOf(run.outputs).checks?.[0]?.id).toBe("error.deadline_exceeded");
      expect(run.stdout).toContain("::error::cloud-run-deploy-gate could not decide: the gate did not finish within timeout (2 s)");
      expect(run.exitCode).toBe(1);
      expect(run.ms).toBeLessThan(2_000 + 10_000);
    });

    it("a stall after the deadline fired (while publishing, or on the way out): the process still ends, exit 1", async () => {
      world.cloudRun.faults.push({ match: /services\/web$/, fault: { kind: "hang", times: 100 } });
      const run = await action({ timeout: "2" }, await stall(2_300));
      world.cloudRun.faults.length = 0;

      expect(run.hung).toBe(false);
      expect(run.outputs.result).toBe("error");
      expect(reportOf(run.outputs).checks?.[0]?.id).toBe("error.deadline_exceeded");
      expect(run.stdout).toContain("::error::cloud-run-deploy-gate could not decide");
      expect(run.exitCode).toBe(1);
      // Publishing may take min(30 s, timeout) plus 5 s before the watchdog steps in.
      expect(run.ms).toBeLessThan(2_000 + 2_000 + 15_000);
    });

    it("the CLI: a stall is cut too, exit code 2", async () => {
      world.cloudRun.faults.push({ match: /services\/web$/, fault: { kind: "hang", times: 100 } });
      const inputs = world.inputs(manifest);
      const args = ["--manifest", manifest, "--project", world.scenario.project, "--cloud-run-endpoint", inputs.cloud_run_endpoint ?? ""];
      const run = await runBounded(
        CLI,
        [...args, "--access-token-env", "T", "--timeout", "2"],
        { T: inputs.access_token ?? "", ...(await stall(500)) },
        dir,
      );
      world.cloudRun.faults.length = 0;

      expect(run.hung).toBe(false);
      expect(run.exitCode).toBe(2);
      expect(run.stdout + run.stderr).toContain("did not finish within timeout (2 s)");
    });
  });
});
