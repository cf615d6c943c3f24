// The CLI as a user runs it: `node dist/cli.js` against the emulators, with
// the token in an env var, never on the command line.
import { readFileSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { FLAG_INPUTS, INPUTS_WITHOUT_FLAG, parseCommandLine } from "../../src/cli/args.js";
import { runCli as runSourceCli } from "../../src/cli/run.js";
import { incident1, STAGING_SECRET } from "../incidents/incident-1.js";
import { CLI, cliArgs, runCli } from "./cli-run.js";
import { startIncident, type World } from "./world.js";

/** Whether a bundle holds `name: range` as a JSON import leaves it once minified (the key quoted or not). */
function listedIn(bundle: string, name: string, range: string): boolean {
  const key = /^[A-Za-z_$][\w$]*$/.test(name) ? [name, JSON.stringify(name)] : [JSON.stringify(name)];
  return key.some((quoted) => bundle.includes(`${quoted}:${JSON.stringify(range)}`));
}

describe("the CLI against incident 1", () => {
  let world: World;
  let manifest: string;

  beforeAll(async () => ({ world, manifest } = await startIncident(incident1)));
  afterAll(() => world.close());

  it("exits 1 on the broken deploy and puts the problems first", async () => {
    incident1.broken(world);
    const { args, env } = cliArgs(world.inputs(manifest));

    const run = await runCli(args, env);

    expect(run.exitCode).toBe(1);
    const lines = run.stdout.split("\n");
    const head = lines
      .slice(0, lines.indexOf(""))
      .map((line) => line.trim())
      .join(" ");
    expect(head).toMatch(/^FAIL do not ship backend-staging: JWT_SECRET_STAGING .*\(1 problem\)$/);
    expect(lines[lines.indexOf("") + 1]).toMatch(/^backend-staging revision backend-staging-/);
    expect(run.stdout).toContain("✗ JWT_SECRET_STAGING: expected Secret Manager ref");
    expect(run.stdout).toMatch(/caused by the above: jwt\.secret_missing, ws\.rejected/);
    // The fix once, as one command, even though two findings carry it.
    expect(run.stdout.match(/gcloud run services update backend-staging/g)).toHaveLength(1);
    expect(run.stdout.indexOf("fix:")).toBeLessThan(run.stdout.indexOf("passed:"));
    expect(run.stdout).not.toContain("\u001b["); // not a terminal: no colours
    expect(run.stdout + run.stderr).not.toContain(STAGING_SECRET);
    expect(run.stdout + run.stderr).not.toContain(env.GATE_TOKEN);
  });

  it("--json prints the report, the same JSON as the action's report output", async () => {
    incident1.broken(world);
    const { args, env } = cliArgs(world.inputs(manifest), ["--json"]);

    const run = await runCli(args, env);

    expect(run.exitCode).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report.result).toBe("fail");
    expect(report.services[0].service).toBe("backend-staging");
    expect(report.services[0].checks.map((check: { id: string }) => check.id)).toEqual(
      expect.arrayContaining(["secret.missing", "ws.rejected"]),
    );
    expect(typeof report.duration_ms).toBe("number");
    expect(run.stderr).toContain("the deploy is bad");
    expect(run.stdout + run.stderr).not.toContain(STAGING_SECRET);
  });

  it("exits 0 once the secret is referenced, and passes in JSON too", async () => {
    incident1.fixed(world);
    const { args, env } = cliArgs(world.inputs(manifest));

    const human = await runCli(args, env);
    expect(human.exitCode).toBe(0);
    expect(human.stdout.split("\n")[0]).toBe("PASS backend-staging meets the manifest");
    expect(human.stdout).not.toContain("fix:");

    const json = await runCli([...args, "--json"], env);
    expect(json.exitCode).toBe(0);
    expect(JSON.parse(json.stdout).result).toBe("pass");
    expect(human.stdout + human.stderr + json.stdout + json.stderr).not.toContain(STAGING_SECRET);
  });

  it("--fail-on never reports the failure but exits 0", async () => {
    incident1.broken(world);
    const { args, env } = cliArgs(world.inputs(manifest), ["--fail-on", "never", "--json"]);

    const run = await runCli(args, env);

    expect(JSON.parse(run.stdout).result).toBe("fail");
    expect(run.exitCode).toBe(0);
  });

  it("exits 2 when it cannot decide: a wrong token", async () => {
    incident1.fixed(world);
    const { args } = cliArgs(world.inputs(manifest), ["--json"]);

    const run = await runCli(args, { GATE_TOKEN: "not-a-token-the-emulator-knows" });

    expect(run.exitCode).toBe(2);
    expect(JSON.parse(run.stdout).result).toBe("error");
  });
});

describe("the CLI's own rules", () => {
  it("has a flag for every action input, or says why not", () => {
    const inputs = Object.keys(
      (parse(readFileSync(resolve(import.meta.dirname, "../../action.yml"), "utf8")) as { inputs: object }).inputs,
    );
    for (const input of inputs) expect([...FLAG_INPUTS, ...Object.keys(INPUTS_WITHOUT_FLAG)], input).toContain(input);
    for (const input of [...FLAG_INPUTS, ...Object.keys(INPUTS_WITHOUT_FLAG)]) expect(inputs, input).toContain(input);
  });

  it("maps flags onto inputs: lists join, files and env vars are read later", () => {
    const options = parseCommandLine([
      "--manifest=gate.yml",
      "--project",
      "my-project",
      "--services",
      "a",
      "--services",
      "b@europe-west1",
      "--mode",
      "candidate",
      "--env-vars-file",
      "env.txt",
      "--access-token-env",
      "TOKEN",
      "--json",
    ]);

    expect(options.inputs).toEqual({ manifest: "gate.yml", project_id: "my-project", services: "a,b@europe-west1", mode: "candidate" });
    expect(options.inputFiles).toEqual({ env_vars: "env.txt" });
    expect(options.inputEnvs).toEqual({ access_token: "TOKEN" });
    expect(options.json).toBe(true);
    expect(() => parseCommandLine(["--region", "a", "--region", "b"])).toThrow("--region was given 2 times");
    expect(() => parseCommandLine(["--env-vars-file", "x", "--env-vars-env", "Y"])).toThrow("env_vars is given twice");
    expect(() => parseCommandLine(["--flags=--set-env-vars=PASSWORD=hunter2"])).toThrow("--flags is not accepted");
  });

  it("refuses a secret as a flag value and names the safe flag", async () => {
    const run = await runCli(["--access-token", "ya29.secret-token-value"]);

    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain("--access-token is not accepted");
    expect(run.stderr).toContain("--access-token-env NAME");
    expect(run.stderr).not.toContain("ya29.secret-token-value");
  });

  it("refuses a value where an env var name belongs", async () => {
    const run = await runCli(["--access-token-env", "ya29.a0AfH6-token"]);

    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain("takes the NAME of an environment variable");
    expect(run.stderr).not.toContain("ya29.a0AfH6-token");
  });

  it("exits 2 on an unknown flag and on a manifest it cannot read", async () => {
    expect((await runCli(["--no-such-flag"])).exitCode).toBe(2);
    const missing = await runCli(["--manifest", "/nonexistent/deploy-gate.yml", "--access-token-env", "T"], { T: "token" });
    expect(missing.exitCode).toBe(2);
    expect(missing.stdout).toMatch(/^ERROR the gate could not decide/);
    expect(missing.stdout).toContain("cannot read the manifest /nonexistent/deploy-gate.yml");
  });

  it("says which manifest was not found in the CLI's words: --manifest and the example, not the action's input", async () => {
    const missing = await runCli(["--manifest", "/nonexistent/deploy-gate.yml", "--access-token-env", "T"], { T: "token" });
    expect(missing.stdout).toContain("/nonexistent/deploy-gate.yml");
    expect(missing.stdout).toContain("--manifest");
    expect(missing.stdout).toContain(".github/deploy-gate.example.yml");
    expect(missing.stdout).not.toContain("manifest input");
    expect(missing.stdout).not.toContain("actions/checkout");
  });

  it("colours only when asked: NO_COLOR counts when non-empty, FORCE_COLOR wins", async () => {
    const args = ["--manifest", "/nonexistent/deploy-gate.yml", "--access-token-env", "T"];
    expect((await runCli(args, { T: "token", FORCE_COLOR: "1" })).stdout).toContain("\u001b[");
    expect((await runCli(args, { T: "token", FORCE_COLOR: "1", NO_COLOR: "1" })).stdout).toContain("\u001b[");
    expect((await runCli(args, { T: "token", FORCE_COLOR: "0" })).stdout).not.toContain("\u001b[");
    expect((await runCli(args, { T: "token", NO_COLOR: "1" })).stdout).not.toContain("\u001b[");
    expect((await runCli([...args, "--color"], { T: "token", NO_COLOR: "" })).stdout).toContain("\u001b[");
  });

  it("wraps to the terminal's width with a hanging indent", async () => {
    const run = await runCli(["--manifest", "/nonexistent/deploy-gate.yml", "--access-token-env", "T"], { T: "token", COLUMNS: "50" });
    const lines = run.stdout.trimEnd().split("\n");
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(50);
    expect(lines[1]).toMatch(/^ {5}\S/); // the headline's second line hangs under its text
  });

  it("--help lists the flags and the exit codes", async () => {
    const run = await runCli(["--help"]);

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain("--manifest PATH");
    expect(run.stdout).toContain("--access-token-env NAME");
    expect(run.stdout).toContain("Exit status: 0 pass, 1 fail");
  });

  it("--version prints package.json's version, and the bundles carry nothing else of package.json", async () => {
    const pkg = JSON.parse(readFileSync(resolve(import.meta.dirname, "../../package.json"), "utf8"));

    const run = await runCli(["--version"]);

    expect(run).toEqual({ exitCode: 0, stdout: `${pkg.version}\n`, stderr: "" });
    // The source, as vitest runs it, has the same version (vitest.config.ts defines it too).
    const printed: string[] = [];
    const terminal = {
      args: ["--version"],
      env: {},
      isTty: false,
      stderr: () => undefined,
      stdout: (text: string) => void printed.push(text),
    };
    expect(await runSourceCli(terminal)).toBe(0);
    expect(printed).toEqual([`${pkg.version}\n`]);
    // Only the version is built in: a change to the dependencies or the scripts must not change dist/.
    // (Runtime dependency pairs can appear in the bundled libraries' own package.json files, e.g.
    // gaxios's "node-fetch": "^3.3.2", so what is checked is what only ours holds.)
    const listed = Object.entries<string>({ ...pkg.devDependencies, ...pkg.scripts });
    for (const bundle of ["cli.js", "index.js"]) {
      const text = readFileSync(resolve(CLI, "..", bundle), "utf8");
      expect(listed.filter(([name, range]) => listedIn(text, name, range))).toEqual([]);
      expect(text).not.toContain(pkg.description);
    }
  });

  describe("on a long wait", () => {
    let silent: Server;
    let port = 0;
    const sockets = new Set<Socket>();
    beforeAll(async () => {
      // Accepts connections and never answers: a revision that hangs.
      silent = createServer((socket) => void sockets.add(socket));
      await new Promise<void>((done) => silent.listen(0, "127.0.0.1", done));
      port = (silent.address() as { port: number }).port;
    });
    afterAll(() => {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((done) => silent.close(() => done()));
    });

    it("prints progress lines on stderr, keeps stdout for the report, and stops at the deadline", async () => {
      const { world, manifest } = await startIncident(incident1);
      try {
        incident1.fixed(world);
        const { args, env } = cliArgs(world.inputs(manifest), ["--url", `http://127.0.0.1:${port}`, "--json"], "5");
        const started = Date.now();

        const run = await runCli(args, env);

        expect(Date.now() - started).toBeLessThan(10_000);
        expect(run.stderr).toMatch(/still checking, \d+ s elapsed \(timeout 5 s\)/);
        const report = JSON.parse(run.stdout);
        expect(run.exitCode).toBe(report.result === "fail" ? 1 : 2);
      } finally {
        await world.close();
      }
    });
  });
});
