// Predicts the revision deploy-cloudrun v3 will create from its `env_vars`, `secrets`,
// `*_update_strategy` and `flags` inputs. deploy-cloudrun turns the inputs into
// --set-*/--update-* flags and appends `flags` after them; gcloud merges repeated
// flags (later wins) and refuses mutually exclusive ones, and everything not changed is
// kept from the live service. This mirrors that chain.
import { CandidateError } from "../errors.js";
import type { Finding, RevisionConfig } from "../model.js";
import { applyLiteralOps, applySecretOps, type LiteralOps, type SecretOps } from "./apply.js";
import { type EnvFlagOps, extractDeployFlags, lstripGcloudList, mergeFlagDict, stripGcloudKeys } from "./flags.js";
import { isDotenvPath, parseEnvVarsFile } from "./env-vars-file.js";
import { asGcloudReadsIt, parseKVString, printableKey } from "./kv-string.js";
import { kvWarningNote, note, reservedEnvNote } from "./notes.js";
import { checkSecretFiles, parseSecretRef, parseSecretTarget, SecretRefError } from "./secret-ref.js";

export type UpdateStrategy = "merge" | "overwrite";

export interface DeployInputs {
  service: string;
  project: string;
  region: string;
  envVars?: string;
  secrets?: string;
  envVarsUpdateStrategy: UpdateStrategy;
  secretsUpdateStrategy: UpdateStrategy;
  flags?: string;
  /** The service template as it is now; undefined for a first deploy or when it could not be read. */
  live?: RevisionConfig;
  /** The service does not exist yet (Cloud Run said 404): gcloud creates it from this deploy alone. */
  firstDeploy?: boolean;
  /** The text of the `--env-vars-file` given in flags; undefined when it could not be read. */
  envVarsFileText?: string;
}

/** The path of a YAML `--env-vars-file` in flags, for the caller to read; undefined if none (or flags are invalid). */
export function envVarsFilePath(flags: string | undefined): string | undefined {
  try {
    const path = extractDeployFlags(flags ?? "").env.filePath;
    return path !== undefined && !isDotenvPath(path) ? path : undefined;
  } catch {
    return undefined; // candidateFromDeployInputs reports the flags error itself
  }
}

export function candidateFromDeployInputs(args: DeployInputs): RevisionConfig {
  const notes: Finding[] = [];
  const envInput = parseKVString(args.envVars ?? "", "env_vars");
  const secretsInput = parseKVString(args.secrets ?? "", "secrets");
  notes.push(...envInput.warnings.map(kvWarningNote), ...secretsInput.warnings.map(kvWarningNote));
  const flags = extractDeployFlags(args.flags ?? "");
  // deploy-cloudrun appends `flags` after its own --region/--project (main.ts), and argparse keeps
  // the last: the deploy then changes another service than the one the gate read and checks.
  for (const [flag, value, checked] of [
    ["--region", flags.region, args.region],
    ["--project", flags.project, args.project],
  ] as const) {
    // A project number may name the same project as the id the gate has: not comparable here.
    if (value !== undefined && value !== checked && !(flag === "--project" && /^[0-9]+$/.test(value))) {
      throw new CandidateError(
        `flags: ${flag} ${JSON.stringify(value)} sends the deploy to another ${flag.slice(2)} than the gate checks (${JSON.stringify(checked)}), since flags come after deploy-cloudrun's own ${flag}`,
        {
          hint: `set the gate's ${flag.slice(2)} to ${JSON.stringify(value)}, or remove ${flag} from flags and use deploy-cloudrun's ${flag.slice(2) === "region" ? "region" : "project_id"} input`,
        },
      );
    }
  }

  // deploy-cloudrun emits no flag for an empty input or `{}`, whatever the strategy.
  const envPairs = envInput.pairs && asGcloudReadsIt(envInput.pairs, "env_vars", notes);
  const secretPairs = secretsInput.pairs && asGcloudReadsIt(secretsInput.pairs, "secrets", notes);
  const envOps = combine(envPairs, args.envVarsUpdateStrategy, flags.env, "env-vars");
  const secretOps = combine(secretPairs, args.secretsUpdateStrategy, flags.secrets, "secrets");
  if (flags.containerFlag) {
    notes.push(
      note(
        "container_flag_unread",
        "warn",
        "flags use --container; the gate applies every env and secret change to the ingress container, so changes meant for another container are not predicted",
        "check the service after deploy in live mode, or deploy sidecars with a service YAML (service_yaml)",
      ),
    );
  }
  // gcloud replaces the container's plain env vars with the file's (clear_others), when it has any.
  const fileVars =
    envOps.file && envOps.filePath !== undefined && !isDotenvPath(envOps.filePath) && args.envVarsFileText !== undefined
      ? stripGcloudKeys(parseEnvVarsFile(args.envVarsFileText, envOps.filePath))
      : undefined;
  if (envOps.file && fileVars === undefined) {
    notes.push(
      note(
        "env_vars_file_unread",
        "warn",
        `flags use --env-vars-file; gcloud replaces the container's plain env vars with that file's, which the gate ${envOps.filePath !== undefined && isDotenvPath(envOps.filePath) ? "does not read (a .env file)" : "could not read"}, so the plain env vars checked here are the live ones`,
        "move the variables to env_vars (or a YAML env vars file the gate can read before the deploy step), or check the service after deploy in live mode",
      ),
    );
  }

  const live = args.live;
  // gcloud clears only for a non-empty --set-* (flags.py: clear_others=bool(args.set_env_vars or
  // …)): `"--set-env-vars="` parses to {} and changes nothing.
  const replacesEnv = envOps.clear === true || hasEntries(envOps.set) || hasEntries(fileVars);
  const replacesSecrets = secretOps.clear === true || hasEntries(secretOps.set);
  const needsLive = !replacesEnv || !replacesSecrets || flags.serviceAccount === undefined;
  if (!live && needsLive && !args.firstDeploy) {
    notes.push(
      note(
        "no_live_config",
        "warn",
        "the live service config was not available, so the candidate holds only what this deploy sets",
        "if the service already exists, grant the gate run.services.get so merged values can be checked too",
        { subject: args.service },
      ),
    );
  }

  // Without --container, gcloud changes the ingress container; the others keep what they have.
  const container = live?.ingressContainer ?? live?.containers[0] ?? "";
  const literal: LiteralOps = {
    clear: replacesEnv,
    remove: envOps.remove ?? [],
    update: Object.entries({ ...envOps.set, ...envOps.update, ...fileVars }),
  };
  for (const [name, value] of literal.update) {
    const reserved = reservedEnvNote(name);
    if (reserved) notes.push(reserved);
    if (looksLikeSecretRef(value)) {
      notes.push(
        note(
          "secret_ref_in_env_vars",
          "warn",
          `${printableKey(name)} is set as plain text to what looks like a Secret Manager reference (SECRET:latest or projects/…/secrets/…); env vars do not resolve it`,
          "move it to the secrets input (or --update-secrets in flags) to have Cloud Run read the secret",
          { subject: printableKey(name) },
        ),
      );
    }
  }
  const secrets = secretChanges({ ...secretOps.set, ...secretOps.update }, replacesSecrets, secretOps.remove ?? [], notes);

  let env = applyLiteralOps(live?.env ?? [], container, literal, notes);
  const applied = applySecretOps(env, live?.secretVolumes ?? [], container, secrets, notes);
  env = applied.env;

  const candidate: RevisionConfig = {
    source: "candidate",
    project: args.project,
    region: args.region,
    service: args.service,
    revision: "candidate",
    containers: live?.containers.length ? [...live.containers] : [container],
    ingressContainer: container,
    env,
    secretVolumes: applied.secretVolumes,
    notes,
  };
  const serviceAccount = flags.serviceAccount ?? live?.serviceAccount;
  if (serviceAccount !== undefined) candidate.serviceAccount = serviceAccount;
  return candidate;
}

/**
 * Merges the input-derived flag with the same flags from `flags` (gcloud's UpdateAction: a
 * key given twice is refused) and refuses combinations gcloud rejects as mutually exclusive.
 */
function combine(pairs: Record<string, string> | undefined, strategy: UpdateStrategy, fromFlags: EnvFlagOps, kind: string): EnvFlagOps {
  const ops: EnvFlagOps = { ...fromFlags };
  if (pairs && Object.keys(pairs).length > 0) {
    // deploy-cloudrun's own flag comes before the user's `flags`, as the first instance.
    if (strategy === "overwrite") ops.set = mergeFlagDict(pairs, fromFlags.set ?? {}, `--set-${kind}`);
    else ops.update = mergeFlagDict(pairs, fromFlags.update ?? {}, `--update-${kind}`);
  }
  const groups = [
    ops.set && `--set-${kind}`,
    ops.clear && `--clear-${kind}`,
    ops.file && "--env-vars-file",
    (ops.update || ops.remove) && `--update-${kind}/--remove-${kind}`,
  ].filter((group): group is string => typeof group === "string");
  if (groups.length > 1) {
    throw new CandidateError(`the deploy would pass ${groups.join(" and ")} together; gcloud refuses these as mutually exclusive`, {
      hint: `use one of them: the ${kind === "secrets" ? "secrets" : "env_vars"} input becomes --update-${kind} with strategy merge and --set-${kind} with overwrite`,
    });
  }
  // Names are trimmed after the merge above, as gcloud does (flags.py _GetEnvChanges/_GetSecretsChanges).
  const set = stripGcloudKeys(ops.set);
  const update = stripGcloudKeys(ops.update);
  if ((set && Object.hasOwn(set, "")) || (update && Object.hasOwn(update, ""))) {
    throw new CandidateError(
      `the deploy would give --set-${kind} or --update-${kind} an item with an empty name (only spaces before "=")`,
      {
        hint: "remove the stray spaces or the empty entry before '='; Cloud Run refuses a variable without a name",
      },
    );
  }
  const remove = lstripGcloudList(ops.remove);
  return { ...ops, ...(set && { set }), ...(update && { update }), ...(remove && { remove }) };
}

function hasEntries(dict: Record<string, string> | undefined): boolean {
  return dict !== undefined && Object.keys(dict).length > 0;
}

/** `NAME:latest`, or a cross-project ref: what `secrets` takes. `host:6379` and `v1:2` are not flagged. */
function looksLikeSecretRef(value: string): boolean {
  return (
    /^[a-zA-Z0-9_-]{1,255}:latest$/.test(value) || /^projects\/[^/\s]+\/secrets\/[a-zA-Z0-9_-]{1,255}(?::|\/versions\/)[^\s]+$/.test(value)
  );
}

function secretChanges(entries: Record<string, string>, clear: boolean, remove: string[], notes: Finding[]): SecretOps {
  const ops: SecretOps = { clear, remove, env: [], files: [] };
  for (const [key, value] of Object.entries(entries)) {
    const target = parseSecretTarget(key);
    let ref: ReturnType<typeof parseSecretRef>;
    try {
      ref = parseSecretRef(value, key);
    } catch (error) {
      if (!(error instanceof SecretRefError && error.problem === "version_missing")) throw error;
      // Collect every missing version in one run instead of stopping at the first.
      notes.push(note("secret_version_missing", "fail", error.message, error.hint ?? "use NAME:latest", { subject: key }));
      continue;
    }
    if (target.kind === "env") {
      const reserved = reservedEnvNote(target.name);
      if (reserved) notes.push(reserved);
      ops.env.push({ name: target.name, ref });
    } else {
      if (target.path.includes(":")) {
        notes.push(
          note(
            "colon_in_mount_key",
            "warn",
            `secrets: gcloud has no DIR:FILE form; it mounts a file named ${JSON.stringify(target.path)} in ${JSON.stringify(target.mountPath)}`,
            "write the full file path, e.g. /secrets/api/config.json=SECRET:VERSION",
            { subject: key },
          ),
        );
      }
      ops.files.push({ mountPath: target.mountPath, path: target.path, ref, key });
    }
  }
  checkSecretFiles(ops.files);
  return ops;
}
