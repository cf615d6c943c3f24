// Plain environment variables the manifest requires. Pure: facts in, findings out.
import { lookupEnv, type TargetContainer, targetContainer } from "../containers.js";
import type { SecretTextOf } from "../facts.js";
import type { Located, ServiceRequirement } from "../manifest/load.js";
import { matchesPattern } from "../manifest/pattern.js";
import type { EnvRequirement } from "../manifest/schema.js";
import type { Finding, RevisionConfig, SecretRef } from "../model.js";
import { SECRET_SHAPED_NAME } from "../secret-shapes.js";
import { containerFlag, elsewhereMessage } from "./containers.js";
import { describeRevision, displayValue, updateCommand } from "./describe.js";

/**
 * `readSecret` gives the value a secret ref resolves to, for `equals` / `matches`; without it (or
 * when it cannot say) the comparison is "cannot verify", never a pass.
 */
export function checkEnv(config: RevisionConfig, requirement: ServiceRequirement, readSecret?: SecretTextOf): Finding[] {
  const target = targetContainer(config, requirement);
  return requirement.env.map((required): Finding => {
    const base = { subject: required.name, location: required.location };
    const { entry, elsewhere } = lookupEnv(config, required.name, target);
    if (!entry) {
      return {
        ...base,
        id: "env.missing",
        status: required.optional ? "warn" : "fail",
        message:
          elsewhereMessage(config, required.name, target, elsewhere) ??
          `${required.name} is not set on ${target.label === undefined ? "" : `${target.description} of `}${describeRevision(config)}`,
        hint: `set it: ${updateCommand(config, `${containerFlag(target)}--update-env-vars=${required.name}=VALUE`)}`,
        expected: "set",
        found: elsewhere.length > 0 ? "only on another container" : "missing",
      };
    }
    if (entry.secret) return secretBacked(config, required, entry.secret, readSecret, target);
    const value = entry.value ?? "";
    if (required.equals !== undefined && value !== required.equals) {
      return {
        ...base,
        id: "env.value_mismatch",
        status: "fail",
        message: `${required.name} on ${describeRevision(config)} does not have the required value`,
        hint: `set ${required.name} to the value the manifest requires`,
        expected: displayValue(required.name, required.equals, SECRET_SHAPED_NAME),
        found: displayValue(required.name, value, SECRET_SHAPED_NAME),
      };
    }
    if (required.matches !== undefined && !matchesPattern(required.matches, value)) {
      return {
        ...base,
        id: "env.value_mismatch",
        status: "fail",
        message: `${required.name} on ${describeRevision(config)} does not match /${required.matches}/`,
        expected: `/${required.matches}/`,
        found: displayValue(required.name, value, SECRET_SHAPED_NAME),
      };
    }
    if (value === "") {
      return { ...base, id: "env.empty", status: "warn", message: `${required.name} is set but empty on ${describeRevision(config)}` };
    }
    return { ...base, id: "env.present", status: "pass", message: `${required.name} is set` };
  });
}

/**
 * A Secret Manager ref satisfies "must be set"; `equals` / `matches` are compared with the value it
 * resolves to. The finding says only whether it matched: no value, length or part of it.
 */
function secretBacked(
  config: RevisionConfig,
  required: Located<EnvRequirement>,
  ref: SecretRef,
  readSecret: SecretTextOf | undefined,
  target: TargetContainer,
): Finding {
  const base = { subject: required.name, location: required.location };
  const from = `${required.name} (from Secret Manager ${ref.project ? `projects/${ref.project}/secrets/` : ""}${ref.secret}:${ref.version})`;
  if (required.equals === undefined && required.matches === undefined) {
    return { ...base, id: "env.present", status: "pass", message: `${required.name} is set (from Secret Manager ${ref.secret})` };
  }
  const read = readSecret?.(ref) ?? { unavailable: "the gate did not read it" };
  if ("unavailable" in read) {
    return {
      ...base,
      id: "env.value_unverifiable",
      status: "error",
      message: `cannot verify ${from} on ${describeRevision(config)}: ${read.unavailable}`,
      hint: "the gate reads the value to compare it: the version must exist and be enabled, and the gate's identity needs roles/secretmanager.secretAccessor on the secret",
    };
  }
  const fix = `add a version with the required value (gcloud secrets versions add ${ref.secret} --data-file=-), or point ${required.name} at another secret: ${updateCommand(config, `${containerFlag(target)}--update-secrets=${required.name}=SECRET:VERSION`)}`;
  if (required.equals !== undefined && read.text !== required.equals) {
    return {
      ...base,
      id: "env.value_mismatch",
      status: "fail",
      message: `${from} on ${describeRevision(config)} differs from the required value`,
      hint: fix,
      expected: "the value in the manifest (not shown: the variable is a secret)",
      found: "a different value (not shown)",
    };
  }
  if (required.matches !== undefined && !matchesPattern(required.matches, read.text)) {
    return {
      ...base,
      id: "env.value_mismatch",
      status: "fail",
      message: `${from} on ${describeRevision(config)} does not match /${required.matches}/`,
      hint: fix,
      expected: `/${required.matches}/`,
      found: "a value that does not match (not shown)",
    };
  }
  return { ...base, id: "env.present", status: "pass", message: `${from} has the required value` };
}

/** A credential-looking variable set as plain text is visible to anyone with run.services.get. */
export function checkPlainTextSecrets(config: RevisionConfig, requirement: ServiceRequirement): Finding[] {
  const allowedPlain = new Set(requirement.env.map((required) => required.name));
  return config.env
    .filter(
      (entry) => entry.secret === undefined && entry.value !== "" && SECRET_SHAPED_NAME.test(entry.name) && !allowedPlain.has(entry.name),
    )
    .filter((entry) => !requirement.secrets.some((required) => required.name === entry.name)) // reported by checkSecrets
    .map((entry) => ({
      id: "env.secret_as_plain_text",
      status: "warn" as const,
      subject: entry.name,
      message: `${entry.name} looks like a credential but is a plain env var on ${describeRevision(config)}`,
      hint: `move it to Secret Manager: ${updateCommand(config, `--update-secrets=${entry.name}=SECRET_NAME:latest`)}`,
    }));
}
