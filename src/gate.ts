// One gate run over the selected services: secret and IAM facts, pure checks,
// probes, and the cross-service consistency groups. Returns the report's body.
import { checkConsistency, type MemberValue } from "./checks/consistency.js";
import { describeRevision } from "./checks/describe.js";
import { type AccessorFacts, checkAccessor } from "./checks/iam.js";
import { checkEnv, checkPlainTextSecrets, findEnv } from "./checks/env.js";
import { type SecretValueFacts, secretKey } from "./checks/facts.js";
import { checkJwtSecret } from "./checks/jwt-secret.js";
import { checkOtherSecretRefs, checkSecrets } from "./checks/secrets.js";
import type { ConfigUnderTest } from "./collect/configs.js";
import { accessorFacts, secretRefsOf } from "./collect/iam.js";
import { type SecretVault, secretVault } from "./collect/secrets.js";
import { diagnose } from "./diagnose.js";
import type { Iam } from "./gcp/iam.js";
import type { SecretManager } from "./gcp/secret-manager.js";
import type { Manifest, ServiceRequirement } from "./manifest/load.js";
import type { Finding, RevisionConfig, ServiceReport } from "./model.js";
import { compareTestSecret } from "./probes/compare.js";
import { probeHttp, probeWebsocket } from "./probes/index.js";
import { jwtSecretValue, tokensFor } from "./probes/tokens.js";

export interface GateContext {
  manifest: Manifest;
  secretManager: SecretManager;
  /** Absent: skip the runtime service account's secretAccessor check. */
  iam: Iam | undefined;
  /** Register a value with the runner's log masking. */
  mask: (value: string) => void;
  /** Probe this base URL instead of the revision's own URL. */
  urlOverride: string | undefined;
  probe: boolean;
  signal: AbortSignal;
  /** The job's environment, for `jwt.compare_with: { env }`. */
  env: Readonly<Record<string, string | undefined>>;
  /** Mints a Google ID token for a private service's URL; absent unless the `id_token` input asks. */
  idToken?: ((audience: string) => Promise<string>) | undefined;
  /** Called as each service's report is complete (a partial report survives the deadline). */
  onServiceDone?: (service: ServiceReport) => void;
}

export interface Assessment {
  services: ServiceReport[];
  checks: Finding[];
}

/**
 * Each target runs its own pipeline (read config → secret and IAM facts → checks → probes),
 * so one slow service delays no other; shared facts are fetched once through the vault.
 */
export async function assess<T>(
  targets: T[],
  readConfigs: (target: T) => Promise<ConfigUnderTest[]>,
  context: GateContext,
): Promise<Assessment> {
  const vault = secretVault(context.secretManager, context.mask, context.signal, context.manifest.devFallbackSecrets);
  const accessorsOf = context.iam ? accessorFacts(context.iam, context.signal) : undefined;
  const assessed = await Promise.all(
    targets.map(async (target) => {
      const entries = await readConfigs(target);
      return Promise.all(
        entries.map(async (entry) => {
          // /health needs no token: start it now, alongside the secret and IAM reads.
          const http = startHttpProbe(entry, context);
          const [, , accessor] = await Promise.all([
            vault.load(entry.config, (envName) => needsValue(context.manifest, entry.config.service, envName)),
            entry.previous ? vault.load(entry.previous, () => false) : undefined,
            accessorsOf?.(entry.config),
          ]);
          const service = await assessService(entry, vault, accessor, context, http);
          context.onServiceDone?.(service);
          return { entry, service };
        }),
      );
    }),
  );
  const all = assessed.flat();
  const memberValues = consistencyValues(
    context.manifest,
    all.map(({ entry }) => entry),
    vault,
  );
  return { services: all.map(({ service }) => service), checks: checkConsistency(context.manifest.consistent, memberValues) };
}

/** Every check that needs only facts, no probe: run on the revision under test and on the previous one. */
function configChecks(
  requirement: ServiceRequirement,
  config: RevisionConfig,
  vault: SecretVault,
  jwtSecret: SecretValueFacts | undefined,
  accessor: AccessorFacts | undefined,
): Finding[] {
  return [
    ...(config.notes ?? []),
    ...checkEnv(config, requirement),
    ...checkSecrets(config, requirement, vault.facts),
    ...checkOtherSecretRefs(config, requirement, vault.facts),
    ...checkPlainTextSecrets(config, requirement),
    ...checkJwtSecret(config, requirement, jwtSecret),
    ...(accessor ? checkAccessor(config, secretRefsOf(config), accessor) : []),
  ];
}

type HttpProbe = ReturnType<typeof probeHttp>;

function probeBaseUrl(entry: ConfigUnderTest, context: GateContext): string | undefined {
  const { requirement } = entry;
  if (!context.probe || !(requirement.health || requirement.websocket)) return undefined;
  return context.urlOverride ?? entry.config.url;
}

function startHttpProbe(entry: ConfigUnderTest, context: GateContext): HttpProbe | undefined {
  const baseUrl = probeBaseUrl(entry, context);
  if (!baseUrl) return undefined;
  const probe = probeHttp(entry.requirement, { baseUrl, ...(entry.config.url ? { audience: entry.config.url } : {}) }, context.signal, {
    mask: context.mask,
    ...(context.idToken ? { idToken: context.idToken } : {}),
  });
  // Awaited later; if the service's pipeline fails first, the probe's outcome is simply dropped.
  probe.catch(() => undefined);
  return probe;
}

async function assessService(
  entry: ConfigUnderTest,
  vault: SecretVault,
  accessor: AccessorFacts | undefined,
  context: GateContext,
  http: HttpProbe | undefined,
): Promise<ServiceReport> {
  const { requirement, config, previous } = entry;
  const jwtSecret = requirement.jwt ? jwtSecretValue(config, requirement.jwt.secret_env, vault, context.mask) : undefined;
  const configFindings = configChecks(requirement, config, vault, jwtSecret?.facts, accessor);
  const baseUrl = probeBaseUrl(entry, context);
  const [testSecretFindings, probeFindings] = await Promise.all([
    // Incident 3: the secret the team's tests sign with, against the one the revision uses.
    requirement.jwt
      ? compareTestSecret(config.service, requirement.jwt, jwtSecret?.bytes, {
          env: context.env,
          readSecret: (ref, signal) => context.secretManager.access(ref, config.project, signal),
          fingerprint: vault.fingerprint,
          mask: context.mask,
          signal: context.signal,
        })
      : [],
    runProbes(entry, baseUrl, http, jwtSecret?.bytes, context),
  ]);
  return {
    service: config.service,
    revision: config.revision,
    ...((context.urlOverride ?? config.url) ? { url: context.urlOverride ?? config.url } : {}),
    checks: [
      ...diagnose(requirement, [...configFindings, ...testSecretFindings], probeFindings, config),
      ...configFindings,
      ...testSecretFindings,
      ...probeFindings,
    ],
    ...(previous
      ? { previous: { revision: previous.revision, checks: configChecks(requirement, previous, vault, undefined, undefined) } }
      : {}),
  };
}

async function runProbes(
  entry: ConfigUnderTest,
  baseUrl: string | undefined,
  http: HttpProbe | undefined,
  secret: Uint8Array | undefined,
  context: GateContext,
): Promise<Finding[]> {
  const { requirement, config } = entry;
  if (!context.probe || !(requirement.health || requirement.websocket)) return [];
  if (!baseUrl || !http) {
    return [
      {
        id: "probe.no_url",
        status: "skip",
        message: `${describeRevision(config)} takes only part (or none) of ${config.service}'s traffic, so no URL reaches it alone: probes skipped`,
        hint: "deploy it with --tag=NAME and set the tag input, or set url",
      },
    ];
  }
  const tokens = await tokensFor(requirement, secret, context.mask);
  const { findings, headers } = await http;
  const websocket = await probeWebsocket(requirement, { baseUrl, ...tokens }, headers, context.signal);
  return [...(tokens.tokenFindings ?? []), ...findings, ...websocket];
}

function needsValue(manifest: Manifest, service: string, envName: string): boolean {
  const requirement = manifest.services.find((candidate) => candidate.name === service);
  if (!requirement) return false;
  if (requirement.jwt?.secret_env === envName) return true;
  if (requirement.secrets.some((secret) => secret.name === envName && secret.min_bytes !== undefined)) return true;
  return manifest.consistent.some((group) => group.members.some((member) => member.service === service && member.env === envName));
}

function consistencyValues(manifest: Manifest, configs: ConfigUnderTest[], vault: SecretVault): Map<string, MemberValue> {
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
