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
};

export function kvWarningNote(warning: KvWarning): Finding {
  const { status, hint } = KV_HINTS[warning.kind];
  return note(warning.kind, status, warning.message, hint, { subject: warning.key });
}

// Cloud Run sets these itself and refuses a revision that sets them.
const RESERVED_ENV_NAMES = new Set([
  "PORT",
  "K_SERVICE",
  "K_REVISION",
  "K_CONFIGURATION",
  "CLOUD_RUN_JOB",
  "CLOUD_RUN_EXECUTION",
  "CLOUD_RUN_TASK_INDEX",
  "CLOUD_RUN_TASK_ATTEMPT",
  "CLOUD_RUN_TASK_COUNT",
]);

export function reservedEnvNote(name: string, location?: SourceLocation): Finding | undefined {
  if (!RESERVED_ENV_NAMES.has(name)) return undefined;
  return note(
    "reserved_env_name",
    "fail",
    `${name} is set by Cloud Run itself; a revision that sets it is refused`,
    name === "PORT" ? "set the port with containerPort / --port instead" : `remove ${name}`,
    { subject: name, location },
  );
}
