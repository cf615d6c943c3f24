// The report on GitHub: the sticky PR comment and the check run. Whatever
// GitHub answers, the gate's result stands: a failure here is a warning, a
// read-only token (fork PRs) is one warning for the whole step, and the whole
// exchange is bounded by a budget so a slow or rate-limited API cannot hang the run.
import type { Report } from "../model.js";
import type { RunLinks } from "../report/links.js";
import { CHECK_RUN_SUMMARY_LIMIT, COMMENT_LIMIT, renderMarkdown } from "../report/markdown.js";
import type { FailOn } from "../report/verdict.js";
import { annotationTimeMs, annotationsFor, checkRunTitle, conclusionFor, publishCheckRun } from "./check-run.js";
import { type GitHubClient, githubClient } from "./client.js";
import type { RunContext } from "./context.js";
import { describeGitHubError, isReadOnlyToken } from "./failure.js";
import { isLogin } from "./identity.js";
import { discoverPullRequest } from "./pull-request.js";
import { commentBody, markerFor, upsertStickyComment } from "./sticky-comment.js";

export interface GitHubSettings {
  token: string | undefined;
  comment: "always" | "on-failure" | "never";
  checkName: string | undefined;
  failOn: FailOn;
  /** The whole exchange with GitHub, retries and rate-limit waits included. */
  budgetMs: number;
  requestTimeoutMs: number;
  /** Where the report file went, to point a fork PR's reader at it. */
  reportFile: string | undefined;
  /** Links to the manifest lines at the commit and to the workflow run (report/links.ts). */
  links?: RunLinks;
  /**
   * The sticky comment's body, when the caller renders it anyway (the report file carries it):
   * one render of a 500-service report, not two. Absent: rendered here, only if a comment is posted.
   */
  commentBody?: () => string;
}

export interface GitHubIO {
  log: { info: (line: string) => void; warning: (line: string) => void };
  fetch?: typeof globalThis.fetch;
}

export interface GitHubOutcome {
  commentUrl?: string;
  checkRunUrl?: string;
  /** The token could not write (fork PR): nothing was posted. */
  readOnly: boolean;
}

/** The sticky comment's full body: marker, then the report cut to the comment limit. */
export function stickyCommentBody(report: Report, reportId: string, links?: RunLinks): string {
  const limit = COMMENT_LIMIT - markerFor(reportId).length - 1;
  return commentBody(reportId, renderMarkdown(report, { limit, ...(links ? { links } : {}) }));
}

export async function publishToGitHub(
  report: Report,
  run: RunContext | undefined,
  settings: GitHubSettings,
  io: GitHubIO,
): Promise<GitHubOutcome> {
  const outcome: GitHubOutcome = { readOnly: false };
  if (settings.comment === "never" && !settings.checkName) return outcome;
  if (!settings.token) {
    io.log.info("no github_token: the PR comment and check run are skipped");
    return outcome;
  }
  if (!run) {
    io.log.info("not a GitHub Actions run of a repository (no GITHUB_REPOSITORY): the PR comment and check run are skipped");
    return outcome;
  }
  const controller = new AbortController();
  const startedAt = Date.now();
  // Every annotation is delivered: the budget grows by the follow-up batches' spacing (the watchdog's too, deadline.ts).
  const budgetMs = settings.budgetMs + (settings.checkName ? annotationTimeMs(report) : 0);
  const api = githubClient({
    token: settings.token,
    apiUrl: run.apiUrl,
    signal: controller.signal,
    requestTimeoutMs: settings.requestTimeoutMs,
    remainingMs: () => budgetMs - (Date.now() - startedAt),
    info: io.log.info,
    ...(io.fetch ? { fetch: io.fetch } : {}),
  });
  const failed = (what: string) => (error: unknown) => {
    if (isReadOnlyToken(error)) {
      if (!outcome.readOnly) io.log.warning(readOnlyWarning(settings.reportFile));
      outcome.readOnly = true;
    } else {
      io.log.warning(`could not write the ${what} (the gate's result stands): ${describeGitHubError(error)}`);
    }
  };
  const work = async () => {
    if (settings.comment !== "never") await comment(api, report, run, settings, io, outcome).catch(failed("PR comment"));
    const { checkName } = settings;
    if (checkName && !outcome.readOnly)
      await checkRun(api, report, run, { ...settings, checkName }, io, outcome).catch(failed("check run"));
  };
  let timer: NodeJS.Timeout | undefined;
  const outOfTime = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), budgetMs);
  });
  try {
    if ((await Promise.race([work().then(() => "done" as const), outOfTime])) === "late") {
      io.log.warning(`GitHub did not answer within ${Math.round(budgetMs / 1000)} s: the PR comment or check run may be missing`);
    }
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return outcome;
}

async function comment(
  api: GitHubClient,
  report: Report,
  run: RunContext,
  settings: GitHubSettings,
  io: GitHubIO,
  outcome: GitHubOutcome,
): Promise<void> {
  const pullRequest = await discoverPullRequest(api, run);
  if (pullRequest === undefined) {
    io.log.info(`no pull request for this ${run.eventName || "run"}: no PR comment`);
    return;
  }
  // on-failure: a pass still updates an earlier failing comment, so a stale failure is never left.
  const updateOnly = settings.comment === "on-failure" && report.result === "pass";
  const target = { owner: run.owner, repo: run.repo, pullRequest, reportId: run.reportId };
  const body = settings.commentBody?.() ?? stickyCommentBody(report, run.reportId, settings.links);
  const result = await upsertStickyComment(api, target, body, updateOnly);
  if (result.url) outcome.commentUrl = result.url;
  if (result.action !== "none") io.log.info(`PR #${pullRequest} comment ${result.action}: ${result.url ?? ""}`);
  if (result.impostors.length > 0) io.log.warning(impostorWarning(pullRequest, result.impostors));
}

/** Someone posted a comment that looks like the gate's report: say it is not, without quoting it. */
function impostorWarning(pullRequest: number, impostors: { id: number; login: string | undefined }[]): string {
  const one = impostors.length === 1;
  const named = impostors.slice(0, 5).map((comment) => `${comment.id}${isLogin(comment.login) ? ` by ${comment.login}` : ""}`);
  const list = `${one ? "comment" : "comments"} ${named.join(", ")}${impostors.length > 5 ? ` and ${impostors.length - 5} more` : ""}`;
  return `PR #${pullRequest}: ${list} ${one ? "carries" : "carry"} this gate's marker but ${one ? "was" : "were"} not written by the gate's token: left alone, ${one ? "it is" : "they are"} not the gate's report`;
}

async function checkRun(
  api: GitHubClient,
  report: Report,
  run: RunContext,
  settings: GitHubSettings & { checkName: string },
  io: GitHubIO,
  outcome: GitHubOutcome,
): Promise<void> {
  if (!run.headSha) {
    io.log.info("no commit SHA (GITHUB_SHA): no check run");
    return;
  }
  const annotations = annotationsFor(report, run.workspace);
  const created = await publishCheckRun(api, {
    owner: run.owner,
    repo: run.repo,
    name: settings.checkName,
    headSha: run.headSha,
    title: checkRunTitle(report),
    summary: renderMarkdown(report, { limit: CHECK_RUN_SUMMARY_LIMIT, ...(settings.links ? { links: settings.links } : {}) }),
    conclusion: conclusionFor(report.result, settings.failOn),
    annotations,
  });
  outcome.checkRunUrl = created.url;
  io.log.info(
    `check run "${settings.checkName}" created with ${created.annotated} annotation${created.annotated === 1 ? "" : "s"}: ${created.url}`,
  );
}

function readOnlyWarning(reportFile: string | undefined): string {
  return [
    "the GitHub token is read-only here (a pull request from a fork, or missing `pull-requests: write` / `checks: write`),",
    "so no PR comment or check run was written; the gate's result stands.",
    reportFile
      ? `The report is in the job summary and in ${reportFile} (output report_file): upload it and comment from a workflow_run job, see examples/fork-pr-comment.yml.`
      : "The report is in the job summary.",
  ].join(" ");
}
