// Every action input, read once into one typed, validated object. Nothing else
// in the gate reads the environment for inputs (as in actions/checkout).
import { InputError } from "./errors.js";
import type { RevisionSelector, ShardSpec } from "./model.js";
import { projectFromEnv } from "./project-from-env.js";
import { credentialShape } from "./shown-value.js";

export type { RevisionSelector };

export interface ServiceSelector {
  name: string;
  region: string | undefined;
  project: string | undefined;
}

export interface Endpoints {
  cloudRun: string | undefined;
  secretManager: string | undefined;
  resourceManager: string | undefined;
  iamCredentials: string | undefined;
  sts: string | undefined;
  oauth: string | undefined;
  logging: string | undefined;
}

export interface Inputs {
  manifest: string;
  projectId: string | undefined;
  region: string | undefined;
  services: ServiceSelector[];
  revision: RevisionSelector;
  /** `aggregate` reads shard reports instead of Google Cloud. */
  mode: "live" | "candidate" | "aggregate";
  /** `shard: K/N`: check only this share of the selected services. */
  shard: ShardSpec | undefined;
  /** Aggregate mode: a folder or glob of shard report files. */
  reports: string | undefined;
  serviceYaml: string | undefined;
  envVars: string | undefined;
  secrets: string | undefined;
  envVarsUpdateStrategy: "merge" | "overwrite";
  secretsUpdateStrategy: "merge" | "overwrite";
  flags: string | undefined;
  accessToken: string | undefined;
  credentialsJson: string | undefined;
  workloadIdentityProvider: string | undefined;
  serviceAccount: string | undefined;
  url: string | undefined;
  /** Send a Google ID token (X-Serverless-Authorization) to a private service. */
  idToken: boolean;
  idTokenAudience: string | undefined;
  githubToken: string | undefined;
  comment: "always" | "on-failure" | "never";
  reportId: string | undefined;
  checkName: string | undefined;
  failOn: "error" | "warning" | "never";
  timeoutSeconds: number;
  /** Google API requests in flight at once, across all services. */
  maxConcurrency: number;
  endpoints: Endpoints;
  /** Act on the verdict (opt-in): move traffic to the checked revision on pass, back to the previous one on fail. */
  onPass: "none" | "promote";
  onFail: "none" | "rollback";
  promotePercent: number;
}

// Every name here ends up in a Google API path: strict patterns, checked before any request,
// so nothing like `../`, `%2F`, `?` or `#` can reach one.
const NAME = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const REGION = /^[a-z]+-[a-z]+[0-9]+$/;
const PROJECT = /^[a-z][-a-z0-9]{4,28}[a-z0-9]$|^[0-9]{1,20}$/;

/** The patterns the manifest's names are held to as well (one definition of a valid name). */
export const NAME_PATTERNS = {
  service: { pattern: NAME, expected: "a Cloud Run service name (lowercase letters, digits and -, starting with a letter, at most 63)" },
  region: { pattern: REGION, expected: "a region like us-central1" },
  project: { pattern: PROJECT, expected: "a project id like my-project-123 or a project number" },
} as const;
/** The defaults of the inputs other modules fall back on when the inputs never parsed. */
export const DEFAULT_TIMEOUT_SECONDS = 120;
export const DEFAULT_FAIL_ON = "error" satisfies Inputs["failOn"];
const FULL_SERVICE = /^projects\/([^/]+)\/locations\/([^/]+)\/services\/([^/]+)$/;

/** Reads inputs the way @actions/core does: INPUT_<NAME> with spaces as `_`, upper-cased, trimmed. */
export function inputReader(env: Readonly<Record<string, string | undefined>>): (name: string) => string {
  return (name) => (env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] ?? "").trim();
}

export function parseInputs(read: (name: string) => string, env: Readonly<Record<string, string | undefined>>): Inputs {
  const optional = (name: string) => read(name) || undefined;
  const projectId = optional("project_id") ?? projectFromEnv(env);
  if (projectId !== undefined) validate("project_id", projectId, PROJECT, "a project id like my-project-123 or a project number");
  const region = optional("region");
  if (region !== undefined) validate("region", region, REGION, "a region like us-central1");
  const serviceAccount = optional("service_account");
  const workloadIdentityProvider = optional("workload_identity_provider");
  if ((serviceAccount === undefined) !== (workloadIdentityProvider === undefined) && optional("credentials_json") === undefined) {
    throw new InputError("workload_identity_provider and service_account go together", {
      hint: "set both (as for google-github-actions/auth), or neither to use Application Default Credentials",
    });
  }
  const onPass = oneOf("on_pass", read("on_pass") || "none", ["none", "promote"] as const);
  const onFail = oneOf("on_fail", read("on_fail") || "none", ["none", "rollback"] as const);
  const sharding = parseSharding(read);
  if (sharding.mode !== "live" && (onPass !== "none" || onFail !== "none")) {
    throw new InputError(`on_pass and on_fail act on a deployed revision; mode ${sharding.mode} checks none`, {
      hint: "use them in the post-deploy (live) step",
    });
  }
  return {
    manifest: read("manifest") || ".github/deploy-gate.yml",
    projectId,
    region,
    services: parseServices(read("services")),
    revision: parseRevision(read("revision"), read("tag")),
    ...sharding,
    serviceYaml: optional("service_yaml"),
    envVars: optional("env_vars"),
    secrets: optional("secrets"),
    envVarsUpdateStrategy: oneOf("env_vars_update_strategy", read("env_vars_update_strategy") || "merge", ["merge", "overwrite"] as const),
    secretsUpdateStrategy: oneOf("secrets_update_strategy", read("secrets_update_strategy") || "merge", ["merge", "overwrite"] as const),
    flags: optional("flags"),
    accessToken: optional("access_token"),
    credentialsJson: optional("credentials_json"),
    workloadIdentityProvider,
    serviceAccount,
    url: optionalUrl("url", optional("url")),
    idToken: booleanInput("id_token", read("id_token"), false),
    idTokenAudience: optionalUrl("id_token_audience", optional("id_token_audience")),
    githubToken: optional("github_token"),
    // A shard job leaves the PR to the aggregate job: N partial comments would overwrite each other.
    comment: oneOf("comment", read("comment") || (read("shard") ? "never" : "always"), ["always", "on-failure", "never"] as const),
    reportId: optional("report_id"),
    checkName: optional("check_name"),
    failOn: oneOf("fail_on", read("fail_on") || DEFAULT_FAIL_ON, ["error", "warning", "never"] as const),
    timeoutSeconds: parseTimeout(read("timeout")),
    maxConcurrency: parseConcurrency(read("max_concurrency")),
    endpoints: {
      cloudRun: optionalUrl("cloud_run_endpoint", optional("cloud_run_endpoint")),
      secretManager: optionalUrl("secret_manager_endpoint", optional("secret_manager_endpoint")),
      resourceManager: optionalUrl("resource_manager_endpoint", optional("resource_manager_endpoint")),
      iamCredentials: optionalUrl("iam_credentials_endpoint", optional("iam_credentials_endpoint")),
      sts: optionalUrl("sts_endpoint", optional("sts_endpoint")),
      oauth: optionalUrl("oauth_endpoint", optional("oauth_endpoint")),
      logging: optionalUrl("logging_endpoint", optional("logging_endpoint")),
    },
    onPass,
    onFail,
    promotePercent: parsePercent(read("promote_percent")),
  };
}

function parseServices(text: string): ServiceSelector[] {
  return text
    .split(/[\n,]/)
    .map((item) => item.trim())
    .filter(Boolean)
    .map((item) => {
      const full = FULL_SERVICE.exec(item);
      if (full) {
        const [, project = "", region = "", name = ""] = full;
        validate("services", project, PROJECT, "a project id in projects/PROJECT/locations/REGION/services/NAME");
        validate("services", region, REGION, "a region in projects/PROJECT/locations/REGION/services/NAME");
        validate("services", name, NAME, "a Cloud Run service name");
        return { name, region, project };
      }
      const [name = "", region, ...rest] = item.split("@");
      if (rest.length > 0)
        throw new InputError(`services: "${clipForMessage(item)}" has more than one @`, {
          hint: "write name, name@region or a full resource name",
        });
      validate("services", name, NAME, "a Cloud Run service name (lowercase letters, digits, -)");
      if (region !== undefined) validate("services", region, REGION, "name@region with a region like us-central1");
      return { name, region, project: undefined };
    });
}

const SHARD = /^([0-9]{1,4})\/([0-9]{1,4})$/;

function parseSharding(read: (name: string) => string): Pick<Inputs, "mode" | "shard" | "reports"> {
  const mode = oneOf("mode", read("mode") || "live", ["live", "candidate", "aggregate"] as const);
  const shardText = read("shard").replace(/\s+/g, "");
  const reports = read("reports") || undefined;
  if (mode === "aggregate") {
    if (shardText)
      throw new InputError("shard and mode: aggregate do not go together", {
        hint: "the aggregate job reads every shard's report: remove shard",
      });
    if (!reports)
      throw new InputError("mode: aggregate needs reports", {
        hint: "set reports to the folder actions/download-artifact wrote the shard reports to, or a glob like reports/**/*.json",
      });
    return { mode, shard: undefined, reports };
  }
  if (reports) throw new InputError("reports is read only with mode: aggregate", { hint: "set mode: aggregate, or remove reports" });
  if (!shardText) return { mode, shard: undefined, reports: undefined };
  const match = SHARD.exec(shardText);
  const index = Number(match?.[1]);
  const total = Number(match?.[2]);
  if (!match || index < 1 || total < 1 || index > total || total > 256) {
    throw new InputError(`shard must be K/N with 1 ≤ K ≤ N ≤ 256, got "${clipForMessage(read("shard"))}"`, {
      hint: "for example shard: 2/4 (in a matrix: shard: <matrix.shard>/4 with matrix.shard: [1, 2, 3, 4])",
    });
  }
  return { mode, shard: { index, total }, reports: undefined };
}

function parseRevision(revision: string, tag: string): RevisionSelector {
  if (tag) {
    validate("tag", tag, /^[a-z]([-a-z0-9]{0,44}[a-z0-9])?$/, "a traffic tag (lowercase letters, digits, -)");
    if (revision && revision !== "latest-ready") {
      throw new InputError("revision and tag both select a revision", {
        hint: "set only tag to verify a --no-traffic revision, or only revision",
      });
    }
    return { kind: "tag", tag };
  }
  if (!revision || revision === "latest-ready") return { kind: "latest-ready" };
  if (revision === "latest-created" || revision === "serving") return { kind: revision };
  validate("revision", revision, NAME, "latest-ready, latest-created, serving, or a revision name like backend-00042-abc");
  return { kind: "named", name: revision };
}

function parseTimeout(text: string): number {
  if (!text) return DEFAULT_TIMEOUT_SECONDS;
  // Decimal seconds only, from 1 (as action.yml says): under a second every run ends in the deadline's
  // error before a call can answer, and Number() would read "0x78" as 120 and "1e3" as 1000 (typos).
  const seconds = /^\d{1,4}(\.\d{1,3})?$/.test(text) ? Number(text) : Number.NaN;
  if (!(seconds >= 1 && seconds <= 3600)) {
    throw new InputError(`timeout must be a number of seconds between 1 and 3600, got "${clipForMessage(text)}"`, {
      hint: `for example timeout: ${DEFAULT_TIMEOUT_SECONDS}`,
    });
  }
  return seconds;
}

/** A whole number input within [min, max]; blank means its default. Digits only: "1e1" and "0x10" are typos, not 10 and 16. */
function wholeNumber(name: string, text: string, range: { min: number; max: number; default: number }): number {
  if (!text) return range.default;
  const value = /^\d{1,4}$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= range.min && value <= range.max)) {
    throw new InputError(`${name} must be a whole number from ${range.min} to ${range.max}, got "${clipForMessage(text)}"`, {
      hint: `for example ${name}: ${range.default}`,
    });
  }
  return value;
}

const parsePercent = (text: string) => wholeNumber("promote_percent", text, { min: 1, max: 100, default: 100 });
const parseConcurrency = (text: string) => wholeNumber("max_concurrency", text, { min: 1, max: 256, default: 16 });

/**
 * A boolean input as @actions/core's getBooleanInput reads one (YAML 1.2 core schema: true, True,
 * TRUE, false, False, FALSE), as the actions next to the gate take `with: no_traffic: True`.
 * Blank is the default; anything else is refused, never read as false.
 */
function booleanInput(name: string, text: string, fallback: boolean): boolean {
  if (!text) return fallback;
  if (text === "true" || text === "True" || text === "TRUE") return true;
  if (text === "false" || text === "False" || text === "FALSE") return false;
  throw new InputError(`${name} must be one of true, false (or True, TRUE, False, FALSE), got "${clipForMessage(text)}"`, {
    hint: `set ${name}: true`,
  });
}

function oneOf<const T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new InputError(`${name} must be one of ${allowed.join(", ")}, got "${clipForMessage(value)}"`, {
    hint: `set ${name}: ${allowed[0]}`,
  });
}

function optionalUrl(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InputError(`${name} must be an absolute URL, got "${clipForMessage(value)}"`, {
      hint: "for example https://run.googleapis.com",
    });
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new InputError(`${name} must be an http(s) URL, got scheme ${url.protocol}`, { hint: "use https://" });
  }
  if (url.username || url.password)
    throw new InputError(`${name} must not carry credentials in the URL`, { hint: "remove user:password@" });
  return value.replace(/\/+$/, "");
}

function validate(name: string, value: string, pattern: RegExp, expected: string): void {
  if (!pattern.test(value))
    throw new InputError(`${name}: "${clipForMessage(value)}" is not ${expected}`, { hint: `fix the ${name} input` });
}

/**
 * Inputs are user text: cap what an error message echoes and flatten it, so the error stays one readable line.
 * A credential in the wrong input (a token as project_id, a URL with its password) is described, never quoted:
 * the message reaches the report, the summary and the PR comment, where the runner's masking does not.
 */
export function clipForMessage(text: string): string {
  const why = credentialShape(text);
  if (why) return `(not shown: ${why})`;
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, " ");
  return flat.length > 80 ? `${flat.slice(0, 80)}…` : flat;
}
