// One gate run over the selected services: secret and IAM facts, pure checks,
// probes, and the cross-service consistency groups. Returns the report's body.
import { checkConsistency, type MemberValue } from "./checks/consistency.js";
import { describeRevision } from "./checks/describe.js";
import { type AccessorFacts, checkAccessor } from "./checks/iam.js";
import { checkEnv, checkPlainTextSecrets, findEnv } from "./checks/env.js";
import { type SecretValueFacts, secretKey } from "./checks/facts.js";
import { checkJwtSecret } from "./checks/jwt-secret.js";
import { checkLogs } from "./checks/logs.js";
import { checkRotation } from "./checks/rotation.js";
import { checkOtherSecretRefs, checkSecrets } from "./checks/secrets.js";
import type { ConfigUnderTest } from "./collect/configs.js";
import { accessorFacts, secretRefsOf } from "./collect/iam.js";
import { readLogFacts } from "./collect/logs.js";
import { latestSecretVersions } from "./collect/rotation.js";
import { type SecretVault, secretVault } from "./collect/secrets.js";
import { diagnose } from "./diagnose.js";
import type { Iam } from "./gcp/iam.js";
import type { CloudLogging } from "./gcp/logging.js";
import type { SecretManager, SecretState } from "./gcp/secret-manager.js";
import type { Manifest, ServiceRequirement } from "./manifest/load.js";
import { memo } from "./memo.js";
import type { Finding, LatestSecretVersion, LogFacts, RevisionConfig, ServiceReport } from "./model.js";
import { compareTestSecret } from "./probes/compare.js";
import { probeHttp, probeRefusals, probeWebsocket, type RefusalOutcomes } from "./probes/index.js";
import { forgedToken, jwtSecretValue, tokensFor } from "./probes/tokens.js";
import { preloadWebsocket } from "./probes/websocket.js";
import { verifyOverTime } from "./verify-rounds.js";

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
  /** The projects the services live in: their IAM policies are read while the services are. */
  projects?: readonly string[];
  /** Called as each service's report is complete (a partial report survives the deadline). */
  onServiceDone?: (service: ServiceReport) => void;
  /** Reads a revision's log entries, for services whose manifest entry has `logs:`. */
  logging?: CloudLogging | undefined;
  /** Replaces every masked value: log lines are redacted before they are clipped. */
  redact?: ((text: string) => string) | undefined;
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
  const forgedOnce = memo<string | undefined>();
  const versionTimeOnce = memo<SecretState>();
  const forgedFor = (requirement: ServiceRequirement) => forgedOnce(requirement.name, () => forgedToken(requirement, context.mask));
  const probed = context.probe ? context.manifest.services.filter((requirement) => requirement.health || requirement.websocket) : [];
  // While the first Google requests are in flight the CPU and the network are idle: read the projects'
  // IAM policies, load ws and mint the forged tokens now rather than after the revisions arrive, when
  // the secret reads' answers would wait behind that work.
  setImmediate(() => {
    for (const project of context.projects ?? []) accessorsOf?.prefetch(project);
    if (probed.some((requirement) => requirement.websocket)) preloadWebsocket();
    for (const requirement of probed) forgedFor(requirement).catch(() => undefined);
  });
  const assessed = await Promise.all(
    targets.map(async (target) => {
      const entries = await readConfigs(target);
      return Promise.all(
        entries.map(async (entry) => {
          const ownSecrets = vault.load(entry.config, (envName) => needsValue(context.manifest, entry.config.service, envName));
          const otherFacts = Promise.all([
            accessorsOf?.(entry.config),
            entry.previous ? vault.load(entry.previous, () => false) : undefined,
          ]);
          otherFacts.catch(() => undefined); // awaited below; dropped if this revision's own secrets fail first
          const logFacts = readLogFacts(context.logging, entry.config, entry.requirement, context.signal);
          logFacts.catch(() => undefined);
          // /health, the ID token and the refusal handshakes need no secret: start them once the
          // Google requests above are on their way (their set-up is CPU those requests would wait behind).
          const early = await afterPendingWork(() => startProbes(entry, context, forgedFor(entry.requirement)));
          await ownSecrets;
          const latestVersions = latestSecretVersions(
            entry.config,
            context.secretManager,
            (ref) => vault.facts.get(secretKey(ref, entry.config.project))?.state,
            (ref, read) => versionTimeOnce(secretKey(ref, entry.config.project), read),
            context.signal,
          );
          latestVersions.catch(() => undefined);
          // The signed probes need only this revision's secrets, not the IAM or previous-revision facts.
          const jwtSecret = entry.requirement.jwt
            ? jwtSecretValue(entry.config, entry.requirement.jwt.secret_env, vault, context.mask)
            : undefined;
          const runtime = runtimeFindings(entry, early, jwtSecret?.bytes, vault, context);
          runtime.catch(() => undefined);
          const [[accessor], { testSecret, probes: firstProbes }] = await Promise.all([otherFacts, runtime]);
          const probes = [
            ...firstProbes,
            ...(early ? await verification(entry, jwtSecret?.bytes, context, forgedFor(entry.requirement)) : []),
          ];
          const service = serviceReport(
            entry,
            vault,
            accessor,
            jwtSecret?.facts,
            testSecret,
            probes,
            {
              logs: await logFacts,
              latestVersions: await latestVersions,
            },
            context,
          );
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

interface EarlyProbes {
  baseUrl: string;
  http: ReturnType<typeof probeHttp>;
  forgedToken: Promise<string | undefined>;
  refusals: Promise<RefusalOutcomes>;
}

function probeBaseUrl(entry: ConfigUnderTest, context: GateContext): string | undefined {
  const { requirement } = entry;
  if (!context.probe || !(requirement.health || requirement.websocket)) return undefined;
  return context.urlOverride ?? entry.config.url;
}

function afterPendingWork<T>(start: () => T): Promise<T> {
  return new Promise((resolve) => setImmediate(() => resolve(start())));
}

function startProbes(entry: ConfigUnderTest, context: GateContext, forged: Promise<string | undefined>): EarlyProbes | undefined {
  const { requirement } = entry;
  const baseUrl = probeBaseUrl(entry, context);
  if (!baseUrl) return undefined;
  const http = probeHttp(requirement, { baseUrl, ...(entry.config.url ? { audience: entry.config.url } : {}) }, context.signal, {
    mask: context.mask,
    ...(context.idToken ? { idToken: context.idToken } : {}),
  });
  // The refusal handshakes carry the ID token too (a private service refuses everything without it).
  const refusals = Promise.all([forged, http]).then(([token, { headers }]) =>
    probeRefusals(requirement, { baseUrl, forgedToken: token }, headers, context.signal),
  );
  // Awaited later; if the service's pipeline fails first, their outcomes are simply dropped.
  for (const pending of [http, forged, refusals]) pending.catch(() => undefined);
  return { baseUrl, http, forgedToken: forged, refusals };
}

/** What needs the deployed secret's value: the test secret comparison (incident 3) and the signed probes. */
async function runtimeFindings(
  entry: ConfigUnderTest,
  early: EarlyProbes | undefined,
  secret: Uint8Array | undefined,
  vault: SecretVault,
  context: GateContext,
): Promise<{ testSecret: Finding[]; probes: Finding[] }> {
  const { requirement, config } = entry;
  const [testSecret, probes] = await Promise.all([
    requirement.jwt
      ? compareTestSecret(config.service, requirement.jwt, secret, {
          env: context.env,
          readSecret: (ref, signal) => context.secretManager.access(ref, config.project, signal),
          fingerprint: vault.fingerprint,
          mask: context.mask,
          signal: context.signal,
        })
      : [],
    runProbes(entry, early, secret, context),
  ]);
  return { testSecret, probes };
}

function serviceReport(
  entry: ConfigUnderTest,
  vault: SecretVault,
  accessor: AccessorFacts | undefined,
  jwtSecret: SecretValueFacts | undefined,
  testSecretFindings: Finding[],
  probeFindings: Finding[],
  runtime: { logs: LogFacts | undefined; latestVersions: LatestSecretVersion[] },
  context: GateContext,
): ServiceReport {
  const { requirement, config, previous } = entry;
  const configFindings = [
    ...configChecks(requirement, config, vault, jwtSecret, accessor),
    ...checkRotation(config, runtime.latestVersions),
  ];
  // Right after the config findings: the log line that explains a missing secret sits next to it.
  const logFindings = checkLogs(requirement, config, runtime.logs, context.redact ?? ((text) => text), configFindings);
  return {
    service: config.service,
    revision: config.revision,
    ...((context.urlOverride ?? config.url) ? { url: context.urlOverride ?? config.url } : {}),
    ...(config.trafficPercent !== undefined ? { traffic_percent: config.trafficPercent } : {}),
    checks: [
      ...diagnose(requirement, [...configFindings, ...testSecretFindings], probeFindings, config),
      ...configFindings,
      ...logFindings,
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
  early: EarlyProbes | undefined,
  secret: Uint8Array | undefined,
  context: GateContext,
): Promise<Finding[]> {
  const { requirement, config } = entry;
  if (!context.probe || !(requirement.health || requirement.websocket)) return [];
  if (!early) {
    return [
      {
        id: "probe.no_url",
        status: "skip",
        message: `${describeRevision(config)} takes only part (or none) of ${config.service}'s traffic, so no URL reaches it alone: probes skipped`,
        hint: "deploy it with --tag=NAME and set the tag input, or set url",
      },
    ];
  }
  const tokens = await tokensFor(requirement, secret, context.mask, await early.forgedToken);
  const { findings, headers } = await early.http;
  const websocket = await probeWebsocket(requirement, { baseUrl: early.baseUrl, ...tokens }, headers, context.signal, early.refusals);
  return [...tokens.tokenFindings, ...findings, ...websocket];
}

/** `verify:` rounds after the first probes: the same probes (fresh tokens, same secret) and the log lines written since the last round. */
async function verification(
  entry: ConfigUnderTest,
  secret: Uint8Array | undefined,
  context: GateContext,
  forged: Promise<string | undefined>,
): Promise<Finding[]> {
  const verify = entry.requirement.verify;
  if (!verify) return [];
  let since = new Date().toISOString();
  const round = async () => {
    const from = since;
    since = new Date().toISOString();
    const [probes, logs] = await Promise.all([
      runProbes(entry, startProbes(entry, context, forged), secret, context),
      readLogFacts(context.logging, { ...entry.config, createTime: from }, entry.requirement, context.signal),
    ]);
    return [...probes, ...checkLogs(entry.requirement, entry.config, logs, context.redact ?? ((text) => text))];
  };
  return [await verifyOverTime(verify, entry.config.service, round, context.signal)];
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
