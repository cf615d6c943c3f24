// One gate run over the selected services: secret and IAM facts, pure checks,
// probes, and the cross-service consistency groups. Returns the report's body.
import { checkConsistency } from "./checks/consistency.js";
import { describeRevision } from "./checks/describe.js";
import { checkAccessor } from "./checks/iam.js";
import { checkContainer, checkDuplicateEnv } from "./checks/containers.js";
import { diagnose } from "./checks/diagnose.js";
import { checkEnv, checkPlainTextSecrets } from "./checks/env.js";
import { checkJwtSecret } from "./checks/jwt-secret.js";
import { checkLogs } from "./checks/logs.js";
import { checkRollout, withFailureLogs } from "./checks/rollout.js";
import { checkRotation } from "./checks/rotation.js";
import { checkSecretVolumesWithoutSecret } from "./checks/secret-volumes.js";
import { checkOtherSecretRefs, checkSecrets } from "./checks/secrets.js";
import { checkTestSecret } from "./checks/test-secret.js";
import type { ConfigUnderTest } from "./collect/configs.js";
import { consistencyValues } from "./collect/consistency.js";
import {
  type AccessorFactsReader,
  accessorFacts,
  type ProjectNumberOf,
  projectNumberReader,
  projectNumbers,
  secretRefsOf,
} from "./collect/iam.js";
import { type LogCursor, logCursor, readFailureLogs } from "./collect/logs.js";
import { latestSecretVersions } from "./collect/rotation.js";
import { type SecretVault, secretVault } from "./collect/secrets.js";
import { jwtSecretValue } from "./collect/signing-secret.js";
import { type TestSecretContext, testSecretFacts } from "./collect/test-secret.js";
import { credentialShape } from "./shown-value.js";
import { comparesValue, needsValue, publicValue } from "./collect/value-reads.js";
import { type AccessorFacts, type ProjectNumbers, type SecretState, type SecretValueFacts, secretKey, secretTextOf } from "./facts.js";
import type { Iam } from "./gcp/iam.js";
import type { CloudLogging } from "./gcp/logging.js";
import type { SecretManager } from "./gcp/secret-manager.js";
import type { Located, Manifest, ServiceRequirement } from "./manifest/load.js";
import type { JwtRequirement } from "./manifest/schema.js";
import { memo } from "./memo.js";
import type { FailureLogs, Finding, LatestSecretVersion, LogFacts, RevisionConfig, ServiceReport } from "./model.js";
import { cloudRunTraps } from "./probes/cloud-run-traps.js";
import { probeHttpChecks } from "./probes/http-checks.js";
import { hasProbes, probeHttp, probeRefusals, probeWebsocket, type RefusalOutcomes } from "./probes/run-probes.js";
import { forgedToken, type ProbeTokens, roundTokenMarginMs, roundTokens, tokensFor, validToken } from "./probes/tokens.js";
import { preloadWebsocket } from "./probes/websocket.js";
import { startNow } from "./start-now.js";
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
  /** Cloud Logging, for `logs:`; absent: no log check. */
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
  const run = runState(context);
  const assessed = await Promise.all(
    targets.map(async (target) => {
      const entries = await readConfigs(target);
      return Promise.all(entries.map((entry) => assessRevision(entry, run, context)));
    }),
  );
  const all = assessed.flat();
  const memberValues = consistencyValues(
    context.manifest,
    all.map(({ entry }) => entry),
    run.vault,
  );
  return { services: all.map(({ service }) => service), checks: checkConsistency(context.manifest.consistent, memberValues) };
}

/** What every revision of the run shares: one vault, one IAM reader, one forged token per service. */
interface RunState {
  vault: SecretVault;
  numberOf: ProjectNumberOf;
  accessorsOf: AccessorFactsReader | undefined;
  forgedFor: (requirement: ServiceRequirement) => Promise<string | undefined>;
  /** A `latest` version's create time, asked once per version per run (rotation warnings). */
  versionTimeOnce: ReturnType<typeof memo<SecretState>>;
}

function runState(context: GateContext): RunState {
  const vault = secretVault(context.secretManager, context.mask, context.signal, context.manifest.devFallbackSecrets);
  const numberOf = projectNumberReader(context.iam, context.signal);
  const accessorsOf = context.iam ? accessorFacts(context.iam, context.signal, numberOf) : undefined;
  const forgedOnce = memo<string | undefined>();
  const forgedFor = (requirement: ServiceRequirement) =>
    forgedOnce(requirement.name, () => startNow(() => forgedToken(requirement, context.mask)));
  const probed = context.probe ? context.manifest.services.filter((requirement) => requirement.health || requirement.websocket) : [];
  // While the first Google requests are in flight the CPU and the network are idle: read the projects'
  // IAM policies, load ws and mint the forged tokens now rather than after the revisions arrive, when
  // the secret reads' answers would wait behind that work.
  setImmediate(() => {
    for (const project of context.projects ?? []) accessorsOf?.prefetch(project);
    if (probed.some((requirement) => requirement.websocket)) preloadWebsocket();
    for (const requirement of probed) void forgedFor(requirement);
  });
  return { vault, numberOf, accessorsOf, forgedFor, versionTimeOnce: memo<SecretState>() };
}

/** One revision: its facts, the probes that need none, then the checks and the probes that need its secret. */
async function assessRevision(
  entry: ConfigUnderTest,
  run: RunState,
  context: GateContext,
): Promise<{ entry: ConfigUnderTest; service: ServiceReport }> {
  maskPastedRefs(entry, context.mask);
  // Facts: this revision's own secrets (the signed probes wait only for them), and the rest alongside.
  // startNow: a shared secret's failure, already settled by another service, rejects before the await below.
  const ownSecrets = startNow(() =>
    run.vault.load(
      entry.config,
      (envName) => needsValue(context.manifest, entry.config.service, envName),
      (envName) => publicValue(entry.requirement, envName),
    ),
  );
  const otherFacts = startNow(() => collectOtherFacts(entry, run));
  // One cursor for the revision's logs: the first read here, then each `verify:` round's new entries.
  const logs = logCursor(context.logging, entry.config, entry.requirement);
  const logFacts = startNow(() => logs.read(context.signal));
  const failureLogs = startNow(() => readFailureLogs(context.logging, entry.config, logFacts, context.signal));
  // Probes: /health, the ID token and the refusal handshakes need no secret: start them once the
  // Google requests above are on their way (their set-up is CPU those requests would wait behind).
  const early = await afterPendingWork(() => startProbes(entry, context, run.forgedFor(entry.requirement)));
  await ownSecrets;
  const jwtSecret = entry.requirement.jwt
    ? jwtSecretValue(entry.config, entry.requirement.jwt.secret_env, run.vault, context.mask, entry.requirement)
    : undefined;
  const latestVersions = startNow(() =>
    latestSecretVersions(
      entry.config,
      context.secretManager,
      (ref) => run.vault.facts.get(secretKey(ref, entry.config.project))?.state,
      (ref, read) => run.versionTimeOnce(secretKey(ref, entry.config.project), read),
      context.signal,
    ),
  );
  const runtime = startNow(() => runtimeFindings(entry, early, jwtSecret?.bytes, run.vault, context));
  // Checks, once every fact is in; the report waits for the probes (and any `verify:` rounds) too.
  const [{ accessor, numbers }, { testSecret, probes: firstProbes }] = await Promise.all([otherFacts, runtime]);
  const probes = [...firstProbes, ...(early ? await verification(entry, jwtSecret?.bytes, context, logs) : [])];
  const later = { logs: await logFacts, latestVersions: await latestVersions, failureLogs: await failureLogs };
  const service = serviceReport(entry, { vault: run.vault, numbers }, accessor, jwtSecret?.facts, testSecret, probes, later, context);
  context.onServiceDone?.(service);
  return { entry, service };
}

/**
 * A secret "name" or version shaped like a credential is a value pasted where a reference belongs
 * (`--set-secrets=JWT_SECRET=<the value>`): refText withholds it, and it is masked so that no other
 * message naming the secret (the IAM grant that reads it, the gcloud command that creates it) quotes it.
 */
function maskPastedRefs(entry: ConfigUnderTest, mask: (value: string) => void): void {
  for (const config of entry.previous ? [entry.config, entry.previous] : [entry.config]) {
    for (const { ref } of secretRefsOf(config)) {
      for (const part of [ref.secret, ref.version]) if (credentialShape(part)) mask(part);
    }
  }
}

/** The facts the config checks need beyond the revision's own secrets. */
async function collectOtherFacts(
  entry: ConfigUnderTest,
  run: RunState,
): Promise<{ accessor: AccessorFacts | undefined; numbers: ProjectNumbers }> {
  const [accessor, , numbers] = await Promise.all([
    run.accessorsOf?.(entry.config),
    // The previous revision's values are read only for env comparisons (the before/after table).
    entry.previous
      ? run.vault.load(
          entry.previous,
          (envName) => comparesValue(entry.requirement, envName),
          (envName) => publicValue(entry.requirement, envName),
        )
      : undefined,
    projectNumbers(entry.requirement, [entry.config, entry.previous], run.numberOf),
  ]);
  return { accessor, numbers };
}

/** The facts every config check may read: the vault's secrets and the project numbers looked up for this service. */
interface ConfigFacts {
  vault: SecretVault;
  numbers: ProjectNumbers;
}

/** Every check that needs only facts, no probe: run on the revision under test and on the previous one. */
function configChecks(
  requirement: ServiceRequirement,
  config: RevisionConfig,
  { vault, numbers }: ConfigFacts,
  jwtSecret: SecretValueFacts | undefined,
  accessor: AccessorFacts | undefined,
): Finding[] {
  return [
    ...checkRollout(config),
    ...(config.notes ?? []),
    ...checkContainer(config, requirement),
    // A candidate file's duplicates are reported by its reader, with their lines.
    ...(config.source === "live" ? checkDuplicateEnv(config) : []),
    ...checkSecretVolumesWithoutSecret(config),
    ...checkEnv(config, requirement, secretTextOf(vault.facts, vault.values, config.project)),
    ...checkSecrets(config, requirement, vault.facts, numbers),
    ...checkOtherSecretRefs(config, requirement, vault.facts),
    ...checkPlainTextSecrets(config, requirement),
    ...checkJwtSecret(config, requirement, jwtSecret, vault.facts),
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
  if (!context.probe || !hasProbes(requirement)) return undefined;
  return context.urlOverride ?? entry.config.url;
}

function afterPendingWork<T>(start: () => T): Promise<T> {
  return new Promise((resolve) => setImmediate(() => resolve(start())));
}

function startProbes(entry: ConfigUnderTest, context: GateContext, forged: Promise<string | undefined>): EarlyProbes | undefined {
  const { requirement } = entry;
  const baseUrl = probeBaseUrl(entry, context);
  if (!baseUrl) return undefined;
  const http = startNow(() =>
    probeHttp(requirement, { baseUrl }, context.signal, {
      mask: context.mask,
      ...(context.idToken ? { idToken: context.idToken } : {}),
    }),
  );
  // The refusal handshakes carry the ID token too (a private service refuses everything without it).
  const refusals = startNow(() =>
    Promise.all([forged, http]).then(([token, { headers }]) =>
      probeRefusals(requirement, { baseUrl, forgedToken: token }, headers, context.signal),
    ),
  );
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

/** The tests' secret beside the deployed one (incident 3): read it (collect/), then judge it (checks/). */
export async function compareTestSecret(
  service: string,
  jwt: Located<JwtRequirement>,
  deployed: Uint8Array | undefined,
  context: TestSecretContext,
): Promise<Finding[]> {
  return checkTestSecret(service, jwt, await testSecretFacts(jwt, deployed, context));
}

function serviceReport(
  entry: ConfigUnderTest,
  facts: ConfigFacts,
  accessor: AccessorFacts | undefined,
  jwtSecret: SecretValueFacts | undefined,
  testSecretFindings: Finding[],
  probeFindings: Finding[],
  later: { logs: LogFacts | undefined; latestVersions: LatestSecretVersion[]; failureLogs: FailureLogs | undefined },
  context: GateContext,
): ServiceReport {
  const { requirement, config, previous } = entry;
  const redact = context.redact ?? ((text: string) => text);
  const configFindings = withFailureLogs(
    [...configChecks(requirement, config, facts, jwtSecret, accessor), ...checkRotation(config, later.latestVersions)],
    later.failureLogs,
    redact,
  );
  // Right after the config findings: the log line that explains a missing secret sits next to it.
  const logFindings = checkLogs(requirement, config, later.logs, redact, configFindings);
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
      ? { previous: { revision: previous.revision, checks: configChecks(requirement, previous, facts, undefined, undefined) } }
      : {}),
  };
}

async function runProbes(
  entry: ConfigUnderTest,
  early: EarlyProbes | undefined,
  secret: Uint8Array | undefined,
  context: GateContext,
  minted?: ProbeTokens,
): Promise<Finding[]> {
  const { requirement, config } = entry;
  if (!context.probe || !hasProbes(requirement)) return [];
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
  const tokens = minted ?? (await tokensFor(requirement, secret, context.mask, await early.forgedToken));
  const { findings, headers } = await early.http;
  const [websocket, http] = await Promise.all([
    probeWebsocket(requirement, { baseUrl: early.baseUrl, ...tokens }, headers, context.signal, early.refusals),
    probeHttpChecks(requirement.http ?? [], early.baseUrl, { ...tokens, token: validToken(tokens) }, headers, context.signal),
  ]);
  return [...tokens.tokenFindings, ...findings, ...http, ...websocket, ...cloudRunTraps(config, requirement, websocket)];
}

/** `verify:` rounds after the first probes: the same probes with the same tokens (re-minted only before they expire) and the log entries no earlier read returned. */
async function verification(
  entry: ConfigUnderTest,
  secret: Uint8Array | undefined,
  context: GateContext,
  cursor: LogCursor,
): Promise<Finding[]> {
  const verify = entry.requirement.verify;
  if (!verify) return [];
  const tokens = roundTokens(entry.requirement, secret, context.mask, roundTokenMarginMs(entry.requirement));
  const round = async () => {
    const minted = await tokens();
    const [probes, logs] = await Promise.all([
      runProbes(entry, startProbes(entry, context, Promise.resolve(minted.forged)), secret, context, minted.tokens),
      cursor.read(context.signal),
    ]);
    return [...probes, ...checkLogs(entry.requirement, entry.config, logs, context.redact ?? ((text) => text))];
  };
  return [await verifyOverTime(verify, entry.config.service, round, context.signal)];
}
