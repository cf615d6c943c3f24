// The gate as a pipeline: inputs → manifest → credentials → revision configs →
// checks and probes → report → outputs. Each stage takes plain values; the
// runner (or a test, or the CLI) supplies the I/O through `deps`.
import { assess } from "./gate.js";
import { memo } from "./memo.js";
import { resolveTargets } from "./collect/targets.js";
import { describeError, GateError } from "./errors.js";
import { limitConcurrency } from "./gcp/limit.js";
import { inputReader, parseInputs, type Inputs } from "./inputs.js";
import { parseManifest } from "./manifest/load.js";
import type { GateResult, Report } from "./model.js";
import { publish, type Publisher } from "./publish.js";
import { recommend } from "./report/recommendation.js";
import { assertVerifyFits } from "./verify-rounds.js";
import { allFindings, failedChecks, shouldFailJob, verdict } from "./report/verdict.js";

/** The publisher's I/O (env, files, outputs, log) plus masking and failing the step. */
export interface Deps extends Publisher {
  mask: (value: string) => void;
  setFailed: (message: string) => void;
}

export async function run(deps: Deps): Promise<GateResult> {
  const startedAt = new Date();
  let inputs: Inputs | undefined;
  let report: Report;
  // Services finish one by one; if the deadline strikes, the report still shows those that did.
  const finished: Report["services"] = [];
  try {
    inputs = parseInputs(inputReader(deps.env), deps.env);
    for (const secret of [inputs.accessToken, inputs.credentialsJson, inputs.githubToken]) if (secret) deps.mask(secret);
    const settings = inputs;
    report = await withDeadline(settings.timeoutSeconds, (signal) =>
      gate(settings, deps, signal, startedAt, (service) => finished.push(service)),
    );
  } catch (error) {
    report = errorReport(error, startedAt, finished);
  }
  report.recommendation = recommend(report, inputs?.failOn ?? "error");
  // Before publishing: even a run whose GitHub exchange fails leaves the pipeline its next move.
  deps.setOutput("recommendation", report.recommendation);
  await publish(report, inputs, deps);
  const failOn = inputs?.failOn ?? "error";
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
  return report.result;
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
  const [{ configReader }, { authenticate, fetchIdToken }, { iam }, { secretManager }, { cloudLogging }] = await Promise.all([
    import("./collect/configs.js"),
    import("./gcp/auth.js"),
    import("./gcp/iam.js"),
    import("./gcp/secret-manager.js"),
    import("./gcp/logging.js"),
  ]);
  const credentials = await authenticate({ ...inputs, env: deps.env, readFile: deps.readFile }, signal);
  const client = limitConcurrency(credentials.client, inputs.maxConcurrency);
  const targets = resolveTargets(inputs, manifest, credentials.projectId);
  const readConfigs = await configReader(inputs, targets, client, deps.readFile, signal);
  const assessment = await assess(targets, readConfigs, {
    manifest,
    secretManager: secretManager(client, inputs.endpoints.secretManager),
    iam: iam(client, { secretManager: inputs.endpoints.secretManager, resourceManager: inputs.endpoints.resourceManager }),
    mask: deps.mask,
    urlOverride: inputs.url,
    projects: [...new Set(targets.map((target) => target.project))],
    probe: inputs.mode === "live",
    env: deps.env,
    idToken: inputs.idToken ? idTokenOnce((audience) => fetchIdToken(credentials, audience, signal), inputs.idTokenAudience) : undefined,
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

/** One ID token per audience per run: revisions of one service (split traffic, tags) share it. */
function idTokenOnce(
  fetch: (audience: string) => Promise<string>,
  fixedAudience: string | undefined,
): (audience: string) => Promise<string> {
  const once = memo<string>();
  return (probed) => {
    const audience = fixedAudience ?? probed;
    return once(audience, () => fetch(audience));
  };
}

async function readManifest(path: string, deps: Deps): Promise<string> {
  try {
    return await deps.readFile(path);
  } catch {
    throw new GateError("MANIFEST_INVALID", `cannot read the manifest ${path}`, {
      hint: "commit .github/deploy-gate.yml or set the manifest input (did the job run actions/checkout?)",
    });
  }
}

/** The whole run is bounded: past the deadline every pending call is aborted and an error report is written. */
async function withDeadline<T>(seconds: number, body: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new GateError("DEADLINE_EXCEEDED", `the gate did not finish within timeout (${seconds} s)`, {
        hint: "raise timeout, or check which call hangs in the log",
      });
      controller.abort(error);
      reject(error);
    }, seconds * 1000);
  });
  try {
    return await Promise.race([body(controller.signal), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function errorReport(error: unknown, startedAt: Date, finished: Report["services"]): Report {
  const code = error instanceof GateError ? error.code : "INTERNAL";
  return {
    result: "error",
    services: finished,
    checks: [{ id: `error.${code.toLowerCase()}`, status: "error", message: describeError(error) }],
    started_at: startedAt.toISOString(),
    duration_ms: Date.now() - startedAt.getTime(),
  };
}
