// One gate run over already-read revision configs: secret facts, pure checks,
// probes, and the cross-service consistency groups. Returns the report's body.
import { randomBytes } from "node:crypto";
import { checkConsistency, type MemberValue } from "./checks/consistency.js";
import { checkEnv, checkPlainTextSecrets, findEnv } from "./checks/env.js";
import { secretKey, type SecretValueFacts } from "./checks/facts.js";
import { checkJwtSecret, isDevFallback } from "./checks/jwt-secret.js";
import { checkSecrets } from "./checks/secrets.js";
import { collectSecrets, type SecretVault } from "./collect/secrets.js";
import { diagnose } from "./diagnose.js";
import type { SecretManager } from "./gcp/secret-manager.js";
import type { Manifest, ServiceRequirement } from "./manifest/load.js";
import type { Finding, RevisionConfig, ServiceReport } from "./model.js";
import { probeService } from "./probes/index.js";
import { mintToken } from "./probes/jwt.js";

export interface GateContext {
  manifest: Manifest;
  secretManager: SecretManager;
  /** Register a value with the runner's log masking. */
  mask: (value: string) => void;
  /** Probe this base URL instead of the revision's own URL. */
  urlOverride: string | undefined;
  probe: boolean;
  signal: AbortSignal;
}

export interface Assessment {
  services: ServiceReport[];
  checks: Finding[];
}

export async function assess(
  configs: { requirement: ServiceRequirement; config: RevisionConfig }[],
  context: GateContext,
): Promise<Assessment> {
  const vault = await collectSecrets(
    context.secretManager,
    configs.map(({ config }) => config),
    (config, envName) => needsValue(context.manifest, config.service, envName),
    context.mask,
    context.signal,
  );
  const services = await Promise.all(configs.map(({ requirement, config }) => assessService(requirement, config, vault, context)));
  const memberValues = consistencyValues(context.manifest, configs, vault);
  return { services, checks: checkConsistency(context.manifest.consistent, memberValues) };
}

async function assessService(
  requirement: ServiceRequirement,
  config: RevisionConfig,
  vault: SecretVault,
  context: GateContext,
): Promise<ServiceReport> {
  const jwtSecret = requirement.jwt ? jwtSecretValue(config, requirement.jwt.secret_env, vault, context.mask) : undefined;
  const configFindings = [
    ...(config.notes ?? []),
    ...checkEnv(config, requirement),
    ...checkSecrets(config, requirement, vault.facts),
    ...checkPlainTextSecrets(config, requirement),
    ...checkJwtSecret(config, requirement, jwtSecret?.facts),
  ];
  const baseUrl = context.urlOverride ?? config.url;
  let probeFindings: Finding[] = [];
  if (context.probe && baseUrl && (requirement.health || requirement.websocket)) {
    const tokens = await tokensFor(requirement, jwtSecret?.bytes, context.mask);
    probeFindings = await probeService(requirement, { baseUrl, ...tokens }, context.signal);
  } else if (context.probe && !baseUrl && (requirement.health || requirement.websocket)) {
    probeFindings = [{ id: "probe.no_url", status: "skip", message: `${config.service} has no URL to probe`, hint: "set the url input" }];
  }
  return {
    service: config.service,
    revision: config.revision,
    ...(baseUrl ? { url: baseUrl } : {}),
    checks: [...diagnose(requirement, configFindings, probeFindings), ...configFindings, ...probeFindings],
  };
}

/** The JWT signing secret as the revision holds it: a Secret Manager value or a plain env value. */
function jwtSecretValue(
  config: RevisionConfig,
  envName: string,
  vault: SecretVault,
  mask: (value: string) => void,
): { bytes: Uint8Array; facts: SecretValueFacts } | undefined {
  const entry = findEnv(config, envName);
  if (entry?.secret) {
    const key = secretKey(entry.secret, config.project);
    const bytes = vault.values.get(key);
    const facts = vault.facts.get(key)?.value;
    return bytes && facts ? { bytes, facts } : undefined;
  }
  if (entry?.value) {
    mask(entry.value);
    const bytes = new TextEncoder().encode(entry.value);
    return {
      bytes,
      facts: { byteLength: bytes.byteLength, fingerprint: vault.fingerprint(bytes), devFallback: isDevFallback(entry.value) },
    };
  }
  return undefined;
}

async function tokensFor(requirement: ServiceRequirement, secret: Uint8Array | undefined, mask: (value: string) => void) {
  const jwt = requirement.jwt;
  if (!jwt) return { token: undefined, tokenNote: "no jwt section in the manifest: sent no token", forgedToken: undefined };
  // A token signed with a random key: what a client holding the wrong secret sends (incident 3).
  const forged = await mintToken(randomBytes(64), jwt);
  mask(forged.token);
  if (!secret) {
    return {
      token: forged.token,
      tokenNote: `the revision has no readable ${jwt.secret_env}, so no valid token exists; sent one signed with a random key`,
      forgedToken: undefined,
    };
  }
  const minted = await mintToken(secret, jwt);
  mask(minted.token);
  return {
    token: minted.token,
    tokenNote: `token signed with the revision's ${jwt.secret_env}, claims: ${minted.claimNames.join(", ")}`,
    forgedToken: forged.token,
  };
}

function needsValue(manifest: Manifest, service: string, envName: string): boolean {
  const requirement = manifest.services.find((candidate) => candidate.name === service);
  if (!requirement) return false;
  if (requirement.jwt?.secret_env === envName) return true;
  if (requirement.secrets.some((secret) => secret.name === envName && secret.min_bytes !== undefined)) return true;
  return manifest.consistent.some((group) => group.members.some((member) => member.service === service && member.env === envName));
}

function consistencyValues(manifest: Manifest, configs: { config: RevisionConfig }[], vault: SecretVault): Map<string, MemberValue> {
  const values = new Map<string, MemberValue>();
  for (const member of manifest.consistent.flatMap((group) => group.members)) {
    const name = `${member.service}.${member.env}`;
    const config = configs.find((candidate) => candidate.config.service === member.service)?.config;
    const entry = config && findEnv(config, member.env);
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
