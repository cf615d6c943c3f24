// The values the consistency groups compare (incident 2: the same
// JWT_SECRET_KEY on every service), as keyed fingerprints of what each
// member's container sees, or why there is none. The vault already holds them.
import { findEnv } from "../containers.js";
import { type MemberValue, secretKey } from "../facts.js";
import type { Manifest, ServiceRequirement } from "../manifest/load.js";
import type { RevisionConfig } from "../model.js";
import { shortName } from "../resource-name.js";
import type { ConfigUnderTest } from "./configs.js";
import type { SecretVault } from "./secrets.js";

export function consistencyValues(manifest: Manifest, configs: ConfigUnderTest[], vault: SecretVault): Map<string, MemberValue> {
  const values = new Map<string, MemberValue>();
  for (const member of manifest.consistent.flatMap((group) => group.members)) {
    const name = `${member.service}.${member.env}`;
    // Every revision judged for the service: under a traffic split each one answers some requests.
    const judged = configs.filter((candidate) => candidate.config.service === member.service).map((candidate) => candidate.config);
    const requirement = manifest.services.find((candidate) => candidate.name === member.service);
    if (judged.length === 0) {
      values.set(name, { unavailable: "service not checked in this run" });
      continue;
    }
    const each = judged.map((config) => ({
      revision: shortName(config.revision),
      value: revisionValue(config, member.env, requirement, vault),
    }));
    const unavailable = each.find(({ value }) => "unavailable" in value);
    const fingerprints = each.map(({ value }) => ("fingerprint" in value ? value.fingerprint : ""));
    if (unavailable)
      values.set(
        name,
        each.length === 1
          ? unavailable.value
          : { unavailable: `${unavailable.revision}: ${(unavailable.value as { unavailable: string }).unavailable}` },
      );
    else if (new Set(fingerprints).size === 1) values.set(name, { fingerprint: fingerprints[0] ?? "" });
    else values.set(name, { differs: each.map(({ revision }, index) => `${revision}=${fingerprints[index]}`) });
  }
  return values;
}

/** What one revision's container sees for `envName`, by keyed fingerprint, or why the gate cannot know it. */
function revisionValue(
  config: RevisionConfig,
  envName: string,
  requirement: ServiceRequirement | undefined,
  vault: SecretVault,
): { fingerprint: string } | { unavailable: string } {
  const entry = findEnv(config, envName, requirement);
  if (!entry) return { unavailable: "not set" };
  if (entry.secret) {
    const fact = vault.facts.get(secretKey(entry.secret, config.project));
    return fact?.value
      ? { fingerprint: fact.value.fingerprint }
      : { unavailable: fact?.valueError ?? `secret ${fact?.state.status ?? "not read"}` };
  }
  return { fingerprint: vault.fingerprint(new TextEncoder().encode(entry.value ?? "")) };
}
