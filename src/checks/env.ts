// Plain environment variables the manifest requires. Pure: facts in, findings out.
import type { ServiceRequirement } from "../manifest/load.js";
import { matchesPattern } from "../manifest/pattern.js";
import type { EnvEntry, Finding, RevisionConfig } from "../model.js";
import { describeRevision, displayValue, updateCommand } from "./describe.js";

/** The entry a container actually sees; the first container that defines it wins, as ingress is listed first. */
export function findEnv(config: RevisionConfig, name: string): EnvEntry | undefined {
  return config.env.find((entry) => entry.name === name);
}

export function checkEnv(config: RevisionConfig, requirement: ServiceRequirement): Finding[] {
  return requirement.env.map((required): Finding => {
    const base = { subject: required.name, location: required.location };
    const entry = findEnv(config, required.name);
    if (!entry) {
      return {
        ...base,
        id: "env.missing",
        status: required.optional ? "warn" : "fail",
        message: `${required.name} is not set on ${describeRevision(config)}`,
        hint: `set it: ${updateCommand(config, `--update-env-vars=${required.name}=VALUE`)}`,
        expected: "set",
        found: "missing",
      };
    }
    if (entry.secret) {
      // A Secret Manager ref satisfies "must be set"; its value is not compared here.
      return {
        ...base,
        id: "env.present",
        status: "pass",
        message: `${required.name} is set (from Secret Manager ${entry.secret.secret})`,
      };
    }
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

/** Names that look like they hold a credential. */
export const SECRET_SHAPED_NAME = /SECRET|_KEY$|^KEY$|TOKEN|PASSWORD|PASSWD|CREDENTIAL|PRIVATE/i;

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
