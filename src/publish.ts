// Everything the gate tells the outside world goes through here: the log,
// outputs, the job summary, the report file, the PR comment and the check run.
// The last line of defence against a leak is here too: the report is passed
// through `redact` (every masked value, then the excerpts cut: src/cut.ts)
// before anything is rendered from it.
import { join } from "node:path";
import { settleCuts } from "./cut.js";
import { defaultReportId, type RunContext, readRunContext } from "./github/context.js";
import { publishToGitHub, stickyCommentBody } from "./github/publish-to-github.js";
import { readFailure } from "./read-file.js";
import { DEFAULT_FAIL_ON, DEFAULT_TIMEOUT_SECONDS, type Inputs } from "./inputs.js";
import type { Finding, Report } from "./model.js";
import { escapeLog, inertJson } from "./report/escape.js";
import { runLinks } from "./report/links.js";
import { renderMarkdown, SUMMARY_LIMIT } from "./report/markdown.js";
import { allFindings, failedChecks } from "./report/verdict.js";

export interface Publisher {
  env: Readonly<Record<string, string | undefined>>;
  readFile: (path: string) => Promise<string>;
  /** Absent: no report file (a host without a filesystem to hand over). The text comes in pieces (see jsonPieces). */
  writeFile?: (path: string, text: Iterable<string>) => Promise<void>;
  setOutput: (name: string, value: string) => void;
  writeSummary: (markdown: string) => Promise<void>;
  log: { info: (line: string) => void; warning: (line: string) => void; error: (line: string) => void };
  /** Replace every masked value in text (secrets, tokens, keys), then finish the deferred cuts (src/redact.ts). */
  redact: (text: string) => string;
}

/** The whole GitHub exchange (comment, check run, retries, rate-limit waits) never takes longer than this. */
const GITHUB_BUDGET_MS = 30_000;
const GITHUB_REQUEST_TIMEOUT_MS = 10_000;
export const REPORT_FILE_NAME = "deploy-gate-report.json";
/** The report file's report_id outside a GitHub run (no GITHUB_REPOSITORY). */
const DEFAULT_REPORT_ID = "deploy-gate";

/** Publishes the report; returns it as published (redacted), for a caller that shows it itself. */
export async function publish(rawReport: Report, inputs: Inputs | undefined, out: Publisher): Promise<Report> {
  const report = redactReport(rawReport, out.redact);
  const findings = allFindings(report);
  const failOn = inputs?.failOn ?? DEFAULT_FAIL_ON;
  logReport(report, out);

  const firstRevision = report.services.find((service) => service.revision)?.revision ?? "";
  const firstUrl = report.services.find((service) => service.url)?.url ?? "";
  out.setOutput("result", report.result);
  // Without GITHUB_OUTPUT, @actions/core writes outputs as ::set-output lines: no command may ride in the JSON.
  out.setOutput("report", inertJson(out.redact(JSON.stringify(report))));
  out.setOutput("failed_checks", failedChecks(findings, failOn).join(","));
  out.setOutput("revision", firstRevision);
  out.setOutput("url", firstUrl);
  const run = await readRunContext(out.env, out.readFile, shardReportId(inputs, out.env));
  // Manifest lines link to the file at the commit the PR shows (its head), not the merge commit.
  const links = runLinks(out.env, run?.headSha);
  try {
    await out.writeSummary(out.redact(renderMarkdown(report, { limit: SUMMARY_LIMIT, measure: "bytes", links })));
  } catch {
    out.log.warning("could not write the job summary");
  }

  // The report file and the PR comment carry the same body: rendered once, and only if one of them needs it.
  let body: string | undefined;
  const commentBody = () => (body ??= stickyCommentBody(report, run?.reportId ?? DEFAULT_REPORT_ID, links));
  // Written before GitHub is asked anything: on a fork PR this file is how the report reaches the comment.
  const reportFile = await writeReportFile(report, run, out, commentBody);
  if (reportFile) out.setOutput("report_file", reportFile);
  const github = await publishToGitHub(
    report,
    run,
    {
      token: inputs?.githubToken,
      comment: inputs?.comment ?? "always",
      checkName: shardCheckName(inputs),
      failOn,
      budgetMs: Math.min(GITHUB_BUDGET_MS, (inputs?.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000),
      requestTimeoutMs: GITHUB_REQUEST_TIMEOUT_MS,
      reportFile,
      links,
      commentBody,
    },
    { log: { info: (line) => out.log.info(escapeLog(out.redact(line))), warning: (line) => out.log.warning(escapeLog(out.redact(line))) } },
  );
  out.setOutput("comment_url", github.commentUrl ?? "");
  return report;
}

/**
 * A shard publishes to the PR only when asked, and then under its own names: a passing check run
 * under the required check's name would pass a PR on a part of the services.
 */
function shardCheckName(inputs: Inputs | undefined): string | undefined {
  if (!inputs?.checkName || !inputs.shard) return inputs?.checkName;
  return `${inputs.checkName} (shard ${inputs.shard.index}/${inputs.shard.total})`;
}

function shardReportId(inputs: Inputs | undefined, env: Publisher["env"]): string | undefined {
  if (!inputs?.shard) return inputs?.reportId;
  return `${inputs.reportId ?? defaultReportId(env)} shard ${inputs.shard.index}/${inputs.shard.total}`;
}

/**
 * The report plus what a later workflow_run job needs to post it: the PR, the
 * commit, and the comment body. Fork PRs get no write token, so that job does the posting.
 */
async function writeReportFile(
  report: Report,
  run: RunContext | undefined,
  out: Publisher,
  commentBody: () => string,
): Promise<string | undefined> {
  const dir = out.env.RUNNER_TEMP;
  if (!dir || !out.writeFile) return undefined;
  const path = join(dir, REPORT_FILE_NAME);
  const github = {
    repository: run ? `${run.owner}/${run.repo}` : null,
    pull_request: run?.pullRequest ?? null,
    head_sha: run?.headSha ?? null,
    report_id: run?.reportId ?? DEFAULT_REPORT_ID,
    // A shard never owns the comment (the aggregate job renders it): its file skips the costly render.
    comment: report.shard ? null : commentBody(),
  };
  try {
    await out.writeFile(path, jsonPieces({ ...report, github }));
    return path;
  } catch (error) {
    out.log.warning(`could not write the report file ${path}: ${readFailure(error)}`);
    return undefined;
  }
}

/** Characters per piece of the report file: well under V8's large-object size, so each piece dies young. */
const PIECE_CHARS = 32 * 1024;

/**
 * `JSON.stringify(value, null, 2)` and a newline, in pieces of about PIECE_CHARS: a 500-service
 * report is 1.4 MB of text, and as one string plus its Buffer it outlived several garbage
 * collections during the write and stayed in the process's peak memory (issue 15). Each
 * top-level array's items are stringified one at a time, each at the depth it has in the
 * whole, so the pieces are exactly the bytes of the whole at once.
 */
export function* jsonPieces(value: Record<string, unknown>): Generator<string> {
  let piece = "";
  const emit = (text: string) => {
    piece += text;
    return piece.length >= PIECE_CHARS;
  };
  const take = () => {
    const out = piece;
    piece = "";
    return out;
  };
  // An item as it sits in the whole text: stringified inside a wrapper at the same depth, which is cut
  // off again (a cut, not a copy), where re-indenting every line copied each item's text once more.
  const property = (item: unknown) => JSON.stringify({ x: item }, null, 2).slice('{\n  "x": '.length, -"\n}".length);
  const element = (item: unknown) => JSON.stringify({ x: [item] }, null, 2).slice('{\n  "x": [\n    '.length, -"\n  ]\n}".length);
  // As JSON.stringify: properties whose value has no JSON form are left out.
  const keys = Object.keys(value).filter((key) => {
    const item = value[key];
    return item !== undefined && typeof item !== "function" && typeof item !== "symbol";
  });
  if (keys.length === 0) emit("{}");
  for (const [index, key] of keys.entries()) {
    const item = value[key];
    if (emit(`${index === 0 ? "{" : ","}\n  ${JSON.stringify(key)}: `)) yield take();
    if (Array.isArray(item) && item.length > 0) {
      emit("[");
      for (let at = 0; at < item.length; at++) if (emit(`${at === 0 ? "" : ","}\n    ${element(item[at])}`)) yield take();
      emit("\n  ]");
    } else if (emit(property(item))) yield take();
  }
  emit(keys.length === 0 ? "\n" : "\n}\n");
  yield take();
}

function logReport(report: Report, out: Publisher): void {
  const say = (text: string) => escapeLog(out.redact(text));
  // An aggregate's passing checks are in each shard job's log already: its own log lists the problems
  // (a 200-service fleet's thousands of passing lines were a third of the aggregate's CPU).
  const merged = report.shards !== undefined;
  for (const service of report.services) {
    out.log.info(say(`${service.service}: ${service.revision ?? "(no revision)"}`));
    for (const finding of service.checks) {
      if (merged && (finding.status === "pass" || finding.status === "skip")) continue;
      logFinding(out, say, `${service.service}: `, finding);
    }
  }
  if (merged) out.log.info("passing and skipped checks: see the shard jobs' logs and the job summary");
  for (const finding of report.checks ?? []) logFinding(out, say, "", finding);
  out.log.info(say(`result: ${report.result}`));
}

function logFinding(out: Publisher, say: (text: string) => string, prefix: string, finding: Finding): void {
  const line = say(`${prefix}[${finding.status}] ${finding.id}: ${finding.message}${finding.hint ? ` (fix: ${finding.hint})` : ""}`);
  if (finding.status === "fail" || finding.status === "error") out.log.error(line);
  else if (finding.status === "warn") out.log.warning(line);
  else out.log.info(line);
}

/**
 * Every string in the report, redacted before any rendering (escaping first would hide a secret
 * from redact). A cut `redact` left deferred is finished here, so no uncut window is ever shown.
 * What redaction leaves as it was is shared, not copied: an aggregate's report is tens of
 * thousands of objects, most with nothing to redact, and copying them all was most of its cost.
 */
export function redactReport(report: Report, redact: (text: string) => string): Report {
  const walk = (value: unknown): unknown => {
    if (typeof value === "string") return settleCuts(redact(value), []);
    if (Array.isArray(value)) {
      let copy: unknown[] | undefined;
      for (let index = 0; index < value.length; index++) {
        const item = value[index];
        const inner = walk(item);
        if (inner !== item && !copy) copy = value.slice(0, index);
        copy?.push(inner);
      }
      return copy ?? value;
    }
    if (value && typeof value === "object") {
      const plain = Object.getPrototypeOf(value) === Object.prototype;
      const keys = Object.keys(value);
      let copy: Record<string, unknown> | undefined;
      for (let index = 0; index < keys.length; index++) {
        const key = keys[index] as string;
        const item = (value as Record<string, unknown>)[key];
        const inner = walk(item);
        if (!copy && (inner !== item || !plain)) {
          copy = {};
          for (let before = 0; before < index; before++)
            own(copy, keys[before] as string, (value as Record<string, unknown>)[keys[before] as string]);
        }
        if (copy) own(copy, key, inner);
      }
      return copy ?? value;
    }
    return value;
  };
  return walk(report) as Report;
}

/** Sets an own key; an own `__proto__` key stays a key, as fromEntries would leave it, and never becomes the prototype. */
function own(copy: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
  else copy[key] = value;
}
