// The CLI: flags → the action's inputs → the same run(deps) the action runs,
// with a terminal as its I/O. Outputs are dropped instead of written to
// GITHUB_OUTPUT; the report run() returns is rendered for a person (or printed as JSON).
import { writeFile } from "node:fs/promises";
import { DEFAULT_FAIL_ON, DEFAULT_TIMEOUT_SECONDS, type Inputs, inputReader, parseInputs } from "../inputs.js";
import { type Deps, type RunOutcome, run } from "../main.js";
import { readFailure, readRegularFile } from "../read-file.js";
import { cliLastWords } from "../last-words.js";
import { redactor } from "../redact.js";
import { inertCommands, inertJson } from "../report/escape.js";
import { EXIT_CODE, exitCodeFor } from "../report/verdict.js";
import { type CliOptions, parseCommandLine, UsageError, usage } from "./args.js";
import { DEFAULT_WIDTH, renderHuman, style, terminalSafe, wantsColor } from "./render.js";

export const EXIT = EXIT_CODE;

/** Built in by the bundler (src/build-defines.d.ts); `typeof` because nothing defines it when the source runs unbundled. */
const VERSION = typeof __GATE_VERSION__ === "string" ? __GATE_VERSION__ : "unknown";

export interface Terminal {
  args: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stdout is a terminal (colours). */
  isTty: boolean;
  /** Its width (process.stdout.columns); absent when not a terminal. */
  columns?: number | undefined;
  readFile?: (path: string) => Promise<string>;
}

/** Progress lines start after this long, then repeat. */
const FIRST_PROGRESS_MS = 3000;
const PROGRESS_EVERY_MS = 5000;

export async function runCli(caller: Terminal): Promise<number> {
  const terminal = inertTerminal(caller);
  let options: CliOptions;
  try {
    options = parseCommandLine(terminal.args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    terminal.stderr(`cloud-run-deploy-gate: ${error.message}\nRun cloud-run-deploy-gate --help for usage.\n`);
    return EXIT.error;
  }
  if (options.help) {
    terminal.stdout(`${usage()}\n`);
    return EXIT.pass;
  }
  if (options.version) {
    terminal.stdout(`${VERSION}\n`);
    return EXIT.pass;
  }
  const read = terminal.readFile ?? readRegularFile;
  let env: Record<string, string | undefined>;
  try {
    env = await gateEnv(options, terminal.env, read);
  } catch (error) {
    terminal.stderr(`cloud-run-deploy-gate: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.error;
  }

  const secrets = redactor();
  for (const name of ["INPUT_ACCESS_TOKEN", "INPUT_CREDENTIALS_JSON"]) if (env[name]) secrets.add(env[name]);
  let failure: string | undefined;
  const verbose = (line: string) => options.verbose && terminal.stderr(`${terminalSafe(secrets.redact(line))}\n`);
  const deps: Deps = {
    env,
    readFile: read,
    mask: (value) => void secrets.add(value),
    redact: secrets.redact,
    setFailed: (message) => {
      failure = secrets.redact(message);
    },
    // run() returns the report it published: the outputs have nowhere to go from a terminal.
    setOutput: () => undefined,
    writeSummary: async (markdown) => {
      if (options.summaryFile) await writeFile(options.summaryFile, secrets.redact(markdown));
    },
    log: { info: verbose, warning: verbose, error: verbose },
    lastWords: cliLastWords(options.json),
    surface: "cli",
  };

  // Parsed here only for the progress line and the exit code; run() parses the same env and reports a bad input.
  const settings = inputsIfValid(env);
  const stopProgress = options.quiet ? () => undefined : progress(terminal, settings?.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS);
  let outcome: RunOutcome;
  try {
    outcome = await run(deps);
  } finally {
    stopProgress();
  }

  const { report } = outcome;
  const exitCode = exitCodeFor(outcome.result, settings?.failOn ?? DEFAULT_FAIL_ON);
  if (options.json) {
    terminal.stdout(`${inertJson(secrets.redact(JSON.stringify(report)))}\n`);
  } else {
    const color = wantsColor(options.color, terminal.env, terminal.isTty);
    const width = terminal.columns || Number(terminal.env.COLUMNS) || DEFAULT_WIDTH;
    terminal.stdout(secrets.redact(renderHuman(report, exitCode, style(color), { width })));
    if (report.result === "error" && report.checks?.some((check) => check.id === "error.auth_failed")) {
      terminal.stdout(
        'From a terminal: export GOOGLE_OAUTH_ACCESS_TOKEN="$(gcloud auth print-access-token)" and add --access-token-env GOOGLE_OAUTH_ACCESS_TOKEN, or pass --credentials-file PATH.\n',
      );
    }
  }
  if (failure !== undefined && options.json) terminal.stderr(`${terminalSafe(failure)}\n`);
  return exitCode;
}

/**
 * The CLI runs in CI steps too, where the runner reads `::command::` and `##[command]` in
 * every line it prints: whatever is written, none can issue one (the --json report is
 * escaped as JSON before it gets here, so it reaches this unchanged and parses to the same data).
 */
function inertTerminal(terminal: Terminal): Terminal {
  return {
    ...terminal,
    stdout: (text) => terminal.stdout(inertCommands(text)),
    stderr: (text) => terminal.stderr(inertCommands(text)),
  };
}

/**
 * The environment run() sees: the caller's (for ADC, CLOUDSDK_CORE_PROJECT,
 * NODE_EXTRA_CA_CERTS...) without any INPUT_* it happens to hold, plus the
 * inputs from flags, files and named env vars. The CLI never talks to GitHub.
 */
async function gateEnv(
  options: CliOptions,
  callerEnv: Readonly<Record<string, string | undefined>>,
  read: (path: string) => Promise<string>,
): Promise<Record<string, string | undefined>> {
  const env: Record<string, string | undefined> = Object.fromEntries(
    Object.entries(callerEnv).filter(([name]) => !name.startsWith("INPUT_")),
  );
  const set = (input: string, value: string) => {
    env[`INPUT_${input.toUpperCase()}`] = value;
  };
  for (const [input, value] of Object.entries(options.inputs)) set(input, value);
  for (const [input, path] of Object.entries(options.inputFiles)) {
    try {
      set(input, await read(path));
    } catch (error) {
      throw new Error(`cannot read ${path} for ${input}: ${readFailure(error)}`);
    }
  }
  for (const [input, name] of Object.entries(options.inputEnvs)) {
    const value = callerEnv[name];
    if (!value) throw new Error(`environment variable ${name} (for ${input}) is not set or empty`);
    set(input, value);
  }
  if (options.credentialsFile !== undefined) env.GOOGLE_APPLICATION_CREDENTIALS = options.credentialsFile;
  set("comment", "never");
  return env;
}

/** The run is silent until its report; on a long wait, say so on stderr. */
function progress(terminal: Terminal, timeoutSeconds: number): () => void {
  const started = Date.now();
  const tick = () =>
    terminal.stderr(
      `cloud-run-deploy-gate: still checking, ${Math.round((Date.now() - started) / 1000)} s elapsed (timeout ${timeoutSeconds} s)\n`,
    );
  let interval: NodeJS.Timeout | undefined;
  const first = setTimeout(() => {
    tick();
    interval = setInterval(tick, PROGRESS_EVERY_MS);
    interval.unref();
  }, FIRST_PROGRESS_MS);
  first.unref();
  return () => {
    clearTimeout(first);
    clearInterval(interval);
  };
}

function inputsIfValid(env: Readonly<Record<string, string | undefined>>): Inputs | undefined {
  try {
    return parseInputs(inputReader(env), env);
  } catch {
    return undefined;
  }
}
