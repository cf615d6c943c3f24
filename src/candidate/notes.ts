// Builders for the findings candidate parsing records in RevisionConfig.notes, so both
// candidate sources (deploy inputs, service YAML) use the same stable ids and wording.
import type { CheckStatus, Finding, SourceLocation } from "../model.js";
import type { KvWarning, KvWarningKind } from "./kv-string.js";

export function note(
  id: string,
  status: CheckStatus,
  message: string,
  hint: string,
  extra: { subject?: string | undefined; location?: SourceLocation | undefined } = {},
): Finding {
  const finding: Finding = { id: `candidate.${id}`, status, message, hint };
  if (extra.subject !== undefined) finding.subject = extra.subject;
  if (extra.location !== undefined) finding.location = extra.location;
  return finding;
}

const KV_HINTS: Record<KvWarningKind, { status: CheckStatus; hint: string }> = {
  quotes_kept: {
    status: "warn",
    hint: "remove the quotes; deploy-cloudrun keeps them as part of the value, and a comma inside quotes still splits",
  },
  hash_not_comment: { status: "warn", hint: "delete the line; env_vars/secrets have no comments" },
  colon_in_key: { status: "warn", hint: "write KEY=value, not KEY: value" },
  empty_value: { status: "warn", hint: "give a value after '=', or remove the entry if it is meant to be unset" },
  empty_key: { status: "fail", hint: "remove the stray spaces or the empty entry before '='" },
  duplicate_key: { status: "warn", hint: "keep one entry per name" },
  dropped_key: { status: "warn", hint: "rename the variable; deploy-cloudrun cannot set one named __proto__" },
};

export function kvWarningNote(warning: KvWarning): Finding {
  const { status, hint } = KV_HINTS[warning.kind];
  return note(warning.kind, status, warning.message, hint, { subject: warning.key });
}

// Cloud Run sets these itself on a service (container runtime contract) and refuses a revision
// that sets them ("The following reserved env names were provided"). CLOUD_RUN_JOB and the
// other job variables are reserved on jobs only. PORT is the ingress container's: a sidecar
// may set its own (Google's multi-container samples do).
const RESERVED_ENV_NAMES = new Set(["K_SERVICE", "K_REVISION", "K_CONFIGURATION"]);
// gcloud's EnvVarKeyType refuses these names before anything reaches Cloud Run.
const RESERVED_PREFIX = "X_GOOGLE_";

/** `ingress`: the variable is on the container that receives requests (or on the only one). */
export function reservedEnvNote(name: string, location?: SourceLocation, ingress = true): Finding | undefined {
  if (name.startsWith(RESERVED_PREFIX)) {
    return note(
      "reserved_env_name",
      "fail",
      `${name}: gcloud refuses it, "Environment variable keys that start with \`X_GOOGLE_\` are reserved for use by deployment tools and cannot be specified manually"`,
      "rename the variable",
      { subject: name, location },
    );
  }
  if (!RESERVED_ENV_NAMES.has(name) && !(name === "PORT" && ingress)) return undefined;
  return note(
    "reserved_env_name",
    "fail",
    `${name} is set by Cloud Run itself; a revision that sets it is refused ("The following reserved env names were provided: ${name}")`,
    name === "PORT" ? "set the port with containerPort / --port instead" : `remove ${name}`,
    { subject: name, location },
  );
}
