// Which secret values the vault reads for one service, and which of them it
// may leave unmasked. A read costs Secret Manager quota and widens what must
// never be printed, so only the checks that compare or use a value ask for it.
import type { Manifest, ServiceRequirement } from "../manifest/load.js";
import { SECRET_SHAPED_NAME } from "../secret-shapes.js";

/** Strength (jwt, min_bytes), consistency, and env comparisons need the value; presence checks do not. */
export function needsValue(manifest: Manifest, service: string, envName: string): boolean {
  const requirement = manifest.services.find((candidate) => candidate.name === service);
  if (!requirement) return false;
  if (requirement.jwt?.secret_env === envName) return true;
  if (comparesValue(requirement, envName)) return true;
  if (requirement.secrets.some((secret) => secret.name === envName && secret.min_bytes !== undefined)) return true;
  return manifest.consistent.some((group) => group.members.some((member) => member.service === service && member.env === envName));
}

/** `env.<NAME>.equals` / `matches`: a secret-backed variable is compared with the value it resolves to. */
export function comparesValue(requirement: ServiceRequirement, envName: string): boolean {
  return requirement.env.some((env) => env.name === envName && (env.equals !== undefined || env.matches !== undefined));
}

/**
 * The manifest's own `equals` text for a variable nothing else reads the value of: a secret equal to it
 * is public already. A variable that also signs tokens or must be long stays secret whatever it holds.
 */
export function publicValue(requirement: ServiceRequirement, envName: string): string | undefined {
  if (requirement.jwt?.secret_env === envName || requirement.secrets.some((secret) => secret.name === envName)) return undefined;
  if (SECRET_SHAPED_NAME.test(envName)) return undefined;
  return requirement.env.find((env) => env.name === envName)?.equals;
}
