// The values the consistency groups compare (incident 2: the same
// JWT_SECRET_KEY on every service), as keyed fingerprints of what each
// member's container sees, or why there is none. The vault already holds them.
import { findEnv } from "../containers.js";
import { type MemberValue, secretKey } from "../facts.js";
import type { Manifest } from "../manifest/load.js";
import type { ConfigUnderTest } from "./configs.js";
import type { SecretVault } from "./secrets.js";

export function consistencyValues(manifest: Manifest, configs: ConfigUnderTest[], vault: SecretVault): Map<string, MemberValue> {
  const values = new Map<string, MemberValue>();
  for (const member of manifest.consistent.flatMap((group) => group.members)) {
    const name = `${member.service}.${member.env}`;
    const config = configs.find((candidate) => candidate.config.service === member.service)?.config;
    const requirement = manifest.services.find((candidate) => candidate.name === member.service);
    const entry = config && findEnv(config, member.env, requirement);
    if (!config) values.set(name, { unavailable: "service not checked in this run" });
    else if (!entry) values.set(name, { unavailable: "not set" });
    else if (entry.secret) {
      const fact = vault.facts.get(secretKey(entry.secret, config.project));
      values.set(
        name,
        fact?.value
          ? { fingerprint: fact.value.fingerprint }
          : { unavailable: fact?.valueError ?? `secret ${fact?.state.status ?? "not read"}` },
      );
    } else values.set(name, { fingerprint: vault.fingerprint(new TextEncoder().encode(entry.value ?? "")) });
  }
  return values;
}
