// The gate as a pipeline: inputs → manifest → credentials → revision configs →
// checks and probes → report → outputs. Each stage takes plain values; the
// runner (or a test, or the CLI) supplies the I/O through `deps`.
import { aggregate } from "./aggregate/aggregate.js";
import { assess } from "./gate.js";
import { selectShard } from "./collect/shard.js";
import { resolveTargets } from "./collect/targets.js";
import { describeError, GateError, ManifestError } from "./errors.js";
import { limitConcurrency } from "./gcp/limit.js";
import { annotationTimeMs } from "./github/check-run.js";
import { DEFAULT_FAIL_ON, inputReader, parseInputs, type Inputs } from "./inputs.js";
import { type Manifest, parseManifest } from "./manifest/load.js";
import { type GateResult, type Recommendation, REPORT_SCHEMA_VERSION, type Report } from "./model.js";
import { describeProxies, proxyPasswords } from "./proxy.js";
import { publish, type Publisher, redactReport } from "./publish.js";
import { type RenderLastWords, type RunBackstop, startBackstop, withDeadline } from "./deadline.js";
import { readFailure } from "./read-file.js";
import { recommend } from "./report/recommendation.js";
import { assertVerifyFits } from "./verify-rounds.js";
import { allFindings, failedChecks, shouldFailJob, verdict } from "./report/verdict.js";

/** The publisher's I/O (env, files, outputs, log) plus masking and failing the step. */
export interface Deps extends Publisher {
  mask: (value: string) => void;
  setFailed: (message: string) => void;
  /** What a run killed by the watchdog leaves behind. Absent (a test calling run()): no watchdog. */
  lastWords?: RenderLastWords;
  /** Who runs the gate, so errors name that surface's own knobs (a flag, not an input). Default: action. */
  surface?: "action" | "cli";
}

/** What a run decided, and its report as published (redacted): the CLI shows it without re-reading the outputs. */
export interface RunOutcome {
  result: GateResult;
  report: Report;
}

export async function run(deps: Deps): Promise<RunOutcome> {
  const startedAt = new Date();
  let inputs: Inputs | undefined;
  let report: Report;
  // Services finish one by one; if the deadline strikes, the report still shows those that did.
  const finished: Report["services"] = [];
  // Past the deadline the body may still finish a service (its aborted calls become findings): the
  // report as of the deadline is the one published, in every form, and so are the last words.
  let cut = false;
  let backstop: RunBackstop | undefined;
  try {
    // A proxy URL's password is a credential: masked before anything could print it.
    for (const password of proxyPasswords(deps.env)) deps.mask(password);
    const network = describeProxies(deps.env);
    if (network) deps.log.info(network);
    inputs = parseInputs(inputReader(deps.env), deps.env);
    for (const secret of [inputs.accessToken, inputs.credentialsJson, inputs.githubToken]) if (secret) deps.mask(secret);
    const settings = inputs;
    if (deps.lastWords)
      backstop = startBackstop(
        settings,
        deps.lastWords,
        (raw) => redactReport(completeReport(raw, settings, deps.env), deps.redact),
        startedAt,
      );
    // The last words are redacted when rendered: a value masked after a service finished (another
    // service's secret, read later) may be in that service's findings (a log line quoting it), so
    // they are rendered again, as when a service finishes (at the same bounded cost).
    const mask = (value: string) => {
      deps.mask(value);
      if (finished.length > 0) backstop?.serviceDone(finished);
    };
    report = await withDeadline(settings.timeoutSeconds, (signal) =>
      settings.mode === "aggregate"
        ? aggregate(settings, deps, signal, startedAt)
        : gate(settings, { ...deps, mask }, signal, startedAt, (service) => {
            if (cut) return;
            finished.push(service);
            backstop?.serviceDone(finished);
          }),
    );
  } catch (error) {
    cut = true;
    report = errorReport(error, startedAt, finished);
  }
  const complete = completeReport(report, inputs, deps.env);
  report = complete;
  const failOn = inputs?.failOn ?? DEFAULT_FAIL_ON;
  let published: Report;
  try {
    // Before publishing: even a run whose GitHub exchange fails leaves the pipeline its next move.
    deps.setOutput("recommendation", complete.recommendation);
    backstop?.publishing(annotationTimeMs(report));
    published = await publish(report, inputs, deps);
  } finally {
    // Also when publishing threw (an unwritable GITHUB_OUTPUT): the step still says what the gate decided.
    if (shouldFailJob(report.result, failOn)) {
      const failed = failedChecks(allFindings(report), failOn);
      deps.setFailed(
        report.result === "inconclusive"
          ? `cloud-run-deploy-gate: verification was inconclusive (${failed.join(", ") || "verify.inconclusive"})`
          : report.result === "error"
            ? `cloud-run-deploy-gate could not decide: ${report.checks?.find((check) => check.status === "error")?.message ?? failed.join(", ")}`
            : `cloud-run-deploy-gate: the deploy is bad (${failed.join(", ")})`,
      );
    }
    backstop?.stop();
  }
  return { result: report.result, report: published };
}

async function gate(
  inputs: Inputs,
  deps: Deps,
  signal: AbortSignal,
  startedAt: Date,
  onServiceDone: (service: Report["services"][number]) => void,
): Promise<Report> {
  const manifest = parseManifest(await readManifest(inputs.manifest, deps), inputs.manifest);
  if (inputs.mode === "live") assertVerifyFits(manifest.services, inputs.timeoutSeconds);
  // The Google clients are most of the start-up; a run stopped by its inputs or manifest never loads them.
  const [{ configReader }, { authenticate, fetchIdToken, idTokens }, { iam }, { secretManager }, { cloudLogging }] = await Promise.all([
    import("./collect/configs.js"),
    import("./gcp/auth/index.js"),
    import("./gcp/iam.js"),
    import("./gcp/secret-manager.js"),
    import("./gcp/logging.js"),
  ]);
  const credentials = await authenticate({ ...inputs, env: deps.env, readFile: deps.readFile }, signal);
  const client = limitConcurrency(credentials.client, inputs.maxConcurrency);
  const { targets, consistent } = shardShare(resolveTargets(inputs, manifest, credentials.projectId), manifest, inputs);
  const readConfigs = await configReader(inputs, targets, client, deps.readFile, signal);
  const assessment = await assess(targets, readConfigs, {
    manifest: { ...manifest, consistent },
    secretManager: secretManager(client, inputs.endpoints.secretManager),
    iam: iam(client, { secretManager: inputs.endpoints.secretManager, resourceManager: inputs.endpoints.resourceManager }),
    mask: deps.mask,
    urlOverride: inputs.url,
    projects: [...new Set(targets.map((target) => target.project))],
    probe: inputs.mode === "live",
    env: deps.env,
    idToken: inputs.idToken ? idTokens((audience) => fetchIdToken(credentials, audience, signal), inputs.idTokenAudience) : undefined,
    signal,
    onServiceDone,
    logging: cloudLogging(client, inputs.endpoints.logging),
    redact: deps.redact,
  });
  // Verification that ran out of time is its own answer: never a pass, and never acted on.
  const decide = () => {
    const findings = allFindings(assessment);
    const result = verdict(findings, inputs.failOn);
    return result === "pass" && findings.some((finding) => finding.id === "verify.inconclusive") ? "inconclusive" : result;
  };
  let result = decide();
  if (inputs.onPass !== "none" || inputs.onFail !== "none") {
    const [{ actOnVerdict }, { traffic }] = await Promise.all([import("./act-on-verdict.js"), import("./gcp/traffic.js")]);
    const acted = await actOnVerdict({ result, ...assessment }, inputs, traffic(client, inputs.endpoints.cloudRun), signal);
    if (acted) result = decide();
  }
  return { result, ...assessment, started_at: startedAt.toISOString(), duration_ms: Date.now() - startedAt.getTime() };
}

/** `shard: K/N`: this job's share of the targets, and the consistency groups whose services it holds. */
function shardShare<T extends ReturnType<typeof resolveTargets>[number]>(all: T[], manifest: Manifest, inputs: Inputs) {
  if (!inputs.shard) return { targets: all, consistent: manifest.consistent };
  const share = selectShard(all, manifest.consistent, (group) => group.members.map((member) => member.service), inputs.shard);
  return { targets: share.targets, consistent: share.groups };
}

function shardOf(inputs: Inputs | undefined): Pick<Report, "shard"> {
  return inputs?.shard ? { shard: { index: inputs.shard.index, total: inputs.shard.total } } : {};
}

async function readManifest(path: string, deps: Deps): Promise<string> {
  try {
    return await deps.readFile(path);
  } catch (error) {
    throw new ManifestError(`cannot read the manifest ${path}: ${readFailure(error)}`, {
      hint:
        deps.surface === "cli"
          ? "pass the manifest with --manifest PATH (default .github/deploy-gate.yml); start from .github/deploy-gate.example.yml"
          : "commit .github/deploy-gate.yml or set the manifest input (did the job run actions/checkout?)",
    });
  }
}

/** What every report carries besides its verdict: schema, commit, shard, and what to do (the recommendation). */
export function completeReport(report: Report, inputs: Inputs | undefined, env: Deps["env"]): Report & { recommendation: Recommendation } {
  const complete: Report = { schema_version: REPORT_SCHEMA_VERSION, commit: env.GITHUB_SHA ?? null, ...shardOf(inputs), ...report };
  return { ...complete, recommendation: recommend(complete, inputs?.failOn ?? DEFAULT_FAIL_ON) };
}

/** The report of a run that could not decide: the services finished so far, and the error. Also the entry point's, for a crash. */
export function errorReport(error: unknown, startedAt: Date, finished: readonly Report["services"][number][] = []): Report {
  const code = error instanceof GateError ? error.code : "INTERNAL";
  return {
    result: "error",
    // A copy: the list the caller holds is not the report's, whatever it does with it next.
    services: [...finished],
    // Not ours: a bug (ours or a dependency's), said as such; describeError withholds what it quoted.
    checks: [
      {
        id: `error.${code.toLowerCase()}`,
        status: "error",
        message: `${error instanceof GateError ? "" : "internal error: "}${describeError(error)}`,
      },
    ],
    started_at: startedAt.toISOString(),
    duration_ms: Date.now() - startedAt.getTime(),
  };
}
