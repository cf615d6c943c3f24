// The command line, mapped onto the action's inputs: every flag names an
// action.yml input in kebab-case, so the CLI and the action share one set of
// settings and one validator (parseInputs). Secret-bearing inputs are never
// accepted as flag values: command lines are visible to every user of the
// machine (ps, /proc) and land in shell history. They come from env vars.
import { parseArgs } from "node:util";
import { DEFAULT_TIMEOUT_SECONDS } from "../inputs.js";
import { credentialShape } from "../shown-value.js";

/** Flags whose value is the input's value. */
const VALUE_FLAGS: readonly { flag: string; input: string; value: string; help: string }[] = [
  { flag: "manifest", input: "manifest", value: "PATH", help: "requirements file (default .github/deploy-gate.yml)" },
  { flag: "project", input: "project_id", value: "ID", help: "Google Cloud project (default: manifest, CLOUDSDK_CORE_PROJECT)" },
  { flag: "region", input: "region", value: "REGION", help: "Cloud Run region (default: manifest)" },
  { flag: "services", input: "services", value: "LIST", help: "name, name@region or full name; comma-separated or repeated" },
  { flag: "revision", input: "revision", value: "WHICH", help: "latest-ready (default), latest-created, serving, or a revision name" },
  { flag: "tag", input: "tag", value: "TAG", help: "traffic tag of a --no-traffic revision to verify before promotion" },
  {
    flag: "mode",
    input: "mode",
    value: "MODE",
    help: "live (read Cloud Run, default), candidate (check what is about to deploy) or aggregate (merge shard reports)",
  },
  { flag: "shard", input: "shard", value: "K/N", help: "check only shard K of N of the services (a deterministic, balanced split)" },
  { flag: "reports", input: "reports", value: "PATH", help: "aggregate: folder, glob or file of the shard reports to merge" },
  {
    flag: "service-yaml",
    input: "service_yaml",
    value: "PATH",
    help: "candidate: the service YAML `gcloud run services replace` will deploy",
  },
  { flag: "secrets", input: "secrets", value: "STRING", help: "candidate: deploy-cloudrun's secrets string (NAME=secret:version, ...)" },
  { flag: "env-vars-update-strategy", input: "env_vars_update_strategy", value: "S", help: "candidate: merge (default) or overwrite" },
  { flag: "secrets-update-strategy", input: "secrets_update_strategy", value: "S", help: "candidate: merge (default) or overwrite" },
  {
    flag: "url",
    input: "url",
    value: "URL",
    help: "base URL to probe instead of the service or tag URL (one service: pick it with --services)",
  },
  { flag: "id-token", input: "id_token", value: "true|false", help: "send a Google ID token to a private service (default false)" },
  { flag: "id-token-audience", input: "id_token_audience", value: "URL", help: "audience of that ID token (default: the probed URL)" },
  { flag: "fail-on", input: "fail_on", value: "LEVEL", help: "error (default), warning, or never" },
  { flag: "timeout", input: "timeout", value: "SECONDS", help: `deadline for the whole run (default ${DEFAULT_TIMEOUT_SECONDS})` },
  { flag: "max-concurrency", input: "max_concurrency", value: "N", help: "Google API requests in flight at once (default 16)" },
  { flag: "cloud-run-endpoint", input: "cloud_run_endpoint", value: "URL", help: "API root overrides, for private endpoints or emulators" },
  { flag: "secret-manager-endpoint", input: "secret_manager_endpoint", value: "URL", help: "" },
  { flag: "resource-manager-endpoint", input: "resource_manager_endpoint", value: "URL", help: "" },
  { flag: "iam-credentials-endpoint", input: "iam_credentials_endpoint", value: "URL", help: "" },
  { flag: "sts-endpoint", input: "sts_endpoint", value: "URL", help: "" },
  { flag: "oauth-endpoint", input: "oauth_endpoint", value: "URL", help: "" },
  { flag: "logging-endpoint", input: "logging_endpoint", value: "URL", help: "" },
  { flag: "on-pass", input: "on_pass", value: "ACTION", help: "none (default) or promote: move traffic to the checked revision on pass" },
  { flag: "promote-percent", input: "promote_percent", value: "N", help: "traffic share for --on-pass promote (default 100)" },
  {
    flag: "on-fail",
    input: "on_fail",
    value: "ACTION",
    help: "none (default) or rollback: traffic back to the previous ready revision on fail",
  },
];

/** Flags naming a file whose contents are the input's value. */
const FILE_FLAGS: readonly { flag: string; input: string; help: string }[] = [
  { flag: "env-vars-file", input: "env_vars", help: "candidate: file holding deploy-cloudrun's env_vars string" },
  { flag: "secrets-file", input: "secrets", help: "candidate: file holding deploy-cloudrun's secrets string" },
  { flag: "flags-file", input: "flags", help: "candidate: file holding deploy-cloudrun's flags string" },
];

/** Flags naming an environment variable whose value is the input's value. */
const ENV_FLAGS: readonly { flag: string; input: string; help: string }[] = [
  { flag: "access-token-env", input: "access_token", help: "env var holding an OAuth access token (gcloud auth print-access-token)" },
  { flag: "credentials-json-env", input: "credentials_json", help: "env var holding a service account key or external_account JSON" },
  { flag: "env-vars-env", input: "env_vars", help: "env var holding deploy-cloudrun's env_vars string" },
  { flag: "flags-env", input: "flags", help: "env var holding deploy-cloudrun's flags string" },
];

/** Flags a user might guess that would put a secret on the command line. */
const REFUSED: Readonly<Record<string, string>> = {
  "access-token": "--access-token-env NAME",
  "credentials-json": "--credentials-json-env NAME, or --credentials-file PATH",
  "github-token": "nothing: the CLI never talks to GitHub",
  "env-vars": "--env-vars-file PATH or --env-vars-env NAME (env_vars can hold plain values)",
  flags: "--flags-file PATH or --flags-env NAME (flags can hold --set-env-vars values)",
};

/** action.yml inputs with no flag, and why; a test keeps this list complete. */
export const INPUTS_WITHOUT_FLAG: Readonly<Record<string, string>> = {
  github_token: "the CLI never talks to GitHub",
  comment: "the CLI never talks to GitHub",
  report_id: "the CLI never talks to GitHub",
  check_name: "the CLI never talks to GitHub",
  workload_identity_provider: "needs a GitHub OIDC token; in a job, run google-github-actions/auth first (ADC)",
  service_account: "goes with workload_identity_provider",
};

export const FLAG_INPUTS: readonly string[] = [...new Set([...VALUE_FLAGS, ...FILE_FLAGS, ...ENV_FLAGS].map((spec) => spec.input))];

export interface CliOptions {
  /** Action inputs given directly (name → value). */
  inputs: Record<string, string>;
  /** Inputs to read from a file (name → path). */
  inputFiles: Record<string, string>;
  /** Inputs to read from an environment variable (name → variable name). */
  inputEnvs: Record<string, string>;
  credentialsFile: string | undefined;
  summaryFile: string | undefined;
  json: boolean;
  quiet: boolean;
  verbose: boolean;
  color: boolean | undefined;
  help: boolean;
  version: boolean;
}

export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** An option name safe to quote back: a flag's shape, and nothing like a credential. */
const QUOTABLE_OPTION = /^-{1,2}[A-Za-z][A-Za-z0-9-]{0,40}$/;

/** parseArgs's message, without what it quotes unless that is an option's name. */
function parseFailure(error: unknown): string {
  const message = error instanceof Error ? (error.message.split("\n")[0] ?? "") : "";
  const code = error !== null && typeof error === "object" ? (error as { code?: unknown }).code : undefined;
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
    const name = /'([^']*)'/.exec(message)?.[1] ?? "";
    return QUOTABLE_OPTION.test(name) && credentialShape(name) === undefined
      ? `Unknown option '${name}'`
      : "Unknown option (not shown: it is not a flag's name, and may be a value, even a secret)";
  }
  // The others name the option (defined by us) and never its value: "Option '--x' does not take an argument".
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" && credentialShape(message) === undefined) return message;
  return "the command line could not be read (see --help)";
}

/** Where a stray argument was, never what it was. */
function strayArgument(tokens: readonly { kind: string; index: number }[], index: number): string {
  const before = tokens.filter((token) => token.index < index).at(-1) as { kind: string; rawName?: string; value?: string } | undefined;
  const after =
    before?.kind === "option" && before.rawName
      ? ` (it follows ${before.rawName}${before.value !== undefined ? " and its value" : ""})`
      : before?.kind === "option-terminator"
        ? " (after --)"
        : "";
  return `the ${ordinal(index + 1)} argument${after} belongs to no flag, and is not shown: it may be a secret. Every value goes with its flag (--manifest PATH); a value with spaces needs quotes`;
}

function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? "th" : (["th", "st", "nd", "rd"][n % 10] ?? "th");
  return `${n}${suffix}`;
}

export function parseCommandLine(args: readonly string[]): CliOptions {
  for (const arg of args) {
    const name = /^--([a-z-]+)(=|$)/.exec(arg)?.[1];
    const instead = name === undefined ? undefined : REFUSED[name];
    if (instead !== undefined) {
      throw new UsageError(
        `--${name} is not accepted: a secret on the command line is visible to every user of the machine. Use ${instead}`,
      );
    }
  }
  const options: Record<string, { type: "string" | "boolean"; multiple?: boolean; short?: string }> = {
    json: { type: "boolean" },
    quiet: { type: "boolean", short: "q" },
    verbose: { type: "boolean", short: "v" },
    color: { type: "boolean" },
    "no-color": { type: "boolean" },
    help: { type: "boolean", short: "h" },
    version: { type: "boolean" },
    "credentials-file": { type: "string" },
    "summary-file": { type: "string" },
    "project-id": { type: "string" },
  };
  for (const spec of VALUE_FLAGS) options[spec.flag] = { type: "string", multiple: true };
  for (const spec of [...FILE_FLAGS, ...ENV_FLAGS]) options[spec.flag] = { type: "string" };

  let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  let tokens: { kind: string; index: number }[];
  try {
    ({ values, tokens } = parseArgs({ args: [...args], options, strict: true, allowPositionals: true, tokens: true }));
  } catch (error) {
    throw new UsageError(parseFailure(error));
  }
  // Node's own message quotes the stray argument: it may be a token a quoting slip left without its flag.
  const stray = tokens.find((token) => token.kind === "positional");
  if (stray) throw new UsageError(strayArgument(tokens, stray.index));
  const text = (name: string) => (typeof values[name] === "string" ? (values[name] as string) : undefined);
  const all = (name: string) => (Array.isArray(values[name]) ? (values[name] as string[]) : []);

  const inputs: Record<string, string> = {};
  for (const spec of VALUE_FLAGS) {
    const given = all(spec.flag);
    if (given.length === 0) continue;
    // Repeating a list flag adds to it; repeating any other flag is a mistake worth naming.
    if (given.length > 1 && spec.input !== "services") throw new UsageError(`--${spec.flag} was given ${given.length} times`);
    inputs[spec.input] = given.join(",");
  }
  const projectId = text("project-id");
  if (projectId !== undefined) {
    if (inputs.project_id !== undefined) throw new UsageError("give --project or --project-id, not both");
    inputs.project_id = projectId;
  }
  const inputFiles: Record<string, string> = {};
  const inputEnvs: Record<string, string> = {};
  for (const spec of FILE_FLAGS) {
    const path = text(spec.flag);
    if (path !== undefined) inputFiles[spec.input] = path;
  }
  for (const spec of ENV_FLAGS) {
    const name = text(spec.flag);
    if (name === undefined) continue;
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new UsageError(`--${spec.flag} takes the NAME of an environment variable, not its value`);
    }
    inputEnvs[spec.input] = name;
  }
  for (const input of Object.keys(inputFiles)) {
    if (input in inputs || input in inputEnvs) throw new UsageError(`${input} is given twice (a flag, a file or an env var: pick one)`);
  }
  for (const input of Object.keys(inputEnvs)) {
    if (input in inputs) throw new UsageError(`${input} is given twice (a flag, a file or an env var: pick one)`);
  }
  return {
    inputs,
    inputFiles,
    inputEnvs,
    credentialsFile: text("credentials-file"),
    summaryFile: text("summary-file"),
    json: values.json === true,
    quiet: values.quiet === true,
    verbose: values.verbose === true,
    color: values["no-color"] === true ? false : values.color === true ? true : undefined,
    help: values.help === true,
    version: values.version === true,
  };
}

export function usage(): string {
  const row = (left: string, help: string) => (help ? `  ${left.padEnd(40)} ${help}` : `  ${left}`);
  return [
    "Usage: cloud-run-deploy-gate [--manifest PATH] [options]",
    "",
    "Checks what a Cloud Run revision runs with (env vars, Secret Manager refs, IAM) against",
    "the manifest, then probes /health and the WebSocket like a client. The same gate as the",
    "GitHub Action, from a terminal; no GitHub needed.",
    "",
    "What to check:",
    ...VALUE_FLAGS.map((spec) => row(`--${spec.flag} ${spec.value}`, spec.help)),
    ...FILE_FLAGS.map((spec) => row(`--${spec.flag} PATH`, spec.help)),
    "",
    "Credentials (default: Application Default Credentials, GOOGLE_APPLICATION_CREDENTIALS):",
    ...ENV_FLAGS.filter((spec) => spec.input === "access_token" || spec.input === "credentials_json").map((spec) =>
      row(`--${spec.flag} NAME`, spec.help),
    ),
    row("--credentials-file PATH", "a service account key or external_account JSON file"),
    ...ENV_FLAGS.filter((spec) => spec.input !== "access_token" && spec.input !== "credentials_json").map((spec) =>
      row(`--${spec.flag} NAME`, spec.help),
    ),
    "  Secrets are never accepted as flag values (other users can read command lines): pass the",
    "  NAME of an environment variable, e.g.",
    '    export GOOGLE_OAUTH_ACCESS_TOKEN="$(gcloud auth print-access-token)"',
    "    cloud-run-deploy-gate --access-token-env GOOGLE_OAUTH_ACCESS_TOKEN",
    "",
    "Output:",
    row("--json", "print the JSON report (the action's `report` output) on stdout"),
    row("--summary-file PATH", "also write the Markdown report (what the job summary shows)"),
    row("-q, --quiet", "no progress lines on stderr"),
    row("-v, --verbose", "also print the gate's log lines on stderr"),
    row("--color, --no-color", "force colours on or off (default: on for a terminal, off with NO_COLOR)"),
    row("-h, --help", "this help"),
    row("--version", "print the version"),
    "",
    "Exit status: 0 pass, 1 fail (the deploy is bad), 2 error (the gate could not decide, or bad usage).",
  ].join("\n");
}
