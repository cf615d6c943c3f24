// The check run (check_name): a conclusion, the report as its summary, and an
// annotation on each manifest line whose requirement produced a finding, so
// the "Files changed" view points at the line to fix.
import { isAbsolute, relative, sep } from "node:path";
import type { Finding, GateResult, Report } from "../model.js";
import { allFindings, type FailOn } from "../report/verdict.js";
import { verdictText } from "../report/cause.js";
import { problemCount } from "../report/problems.js";
import type { GitHubClient } from "./client.js";

/**
 * GitHub takes at most 50 annotations per request; more go in follow-up updates,
 * which append. Every one is sent: an annotation left out is a manifest line
 * nobody is pointed at (1,500 annotations are 30 requests, well within the budget).
 */
export const ANNOTATIONS_PER_REQUEST = 50;
/** @octokit/plugin-throttling spaces writes a second apart, as GitHub asks of POST and PATCH requests. */
const WRITE_SPACING_MS = 1000;

/**
 * The time the follow-up batches of annotations need beyond the usual publish budget:
 * a second per update. Counted from the findings that can become annotations (an upper bound).
 */
export function annotationTimeMs(report: Report): number {
  const annotated = allFindings(report).filter((finding) => LEVEL[finding.status] && finding.location).length;
  return Math.max(0, Math.ceil(annotated / ANNOTATIONS_PER_REQUEST) - 1) * WRITE_SPACING_MS;
}

export interface Annotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: "notice" | "warning" | "failure";
  title: string;
  message: string;
}

export interface CheckRunRequest {
  owner: string;
  repo: string;
  name: string;
  headSha: string;
  title: string;
  /** Markdown, already within the 65,535-character limit. */
  summary: string;
  conclusion: "success" | "failure" | "neutral";
  annotations: Annotation[];
}

/**
 * `error` concludes as failure, like the exit status: the gate could not decide,
 * and a required check must not let the merge through. `neutral` would, since
 * branch protection counts it as passing; it is kept for fail_on: never.
 */
export function conclusionFor(result: GateResult, failOn: FailOn): CheckRunRequest["conclusion"] {
  if (result === "pass") return "success";
  if ((result === "fail" || result === "inconclusive") && failOn === "never") return "neutral";
  return "failure";
}

export function checkRunTitle(report: Report): string {
  const problems = problemCount(report);
  if (report.result === "pass") return "Pass: the deploy meets the manifest";
  if (report.result === "fail") {
    // The title follows the diagnosis as the comment's headline does: when the tests, not the deploy,
    // are at fault (incident 3), "do not ship this revision" would send the reviewer the wrong way.
    const verdict = verdictText(report);
    const what = verdict.startsWith("fail") ? "do not ship this revision" : verdict;
    return `Fail: ${problems} problem${problems === 1 ? "" : "s"}, ${what}`.slice(0, 255);
  }
  if (report.result === "inconclusive") return "Inconclusive: verification ran out of time";
  return "Error: the gate could not decide";
}

/** Annotations for findings that point at a file inside the workspace (GitHub cannot show others). */
export function annotationsFor(report: Report, workspace: string | undefined): Annotation[] {
  const annotations: Annotation[] = [];
  const scoped = [
    ...report.services.flatMap((service) => service.checks.map((finding) => ({ finding, service: service.service }))),
    ...(report.checks ?? []).map((finding) => ({ finding, service: "" })),
  ];
  for (const { finding, service } of scoped) {
    const level = LEVEL[finding.status];
    const path = finding.location && repositoryPath(finding.location.file, workspace);
    if (!level || !path) continue;
    const line = finding.location?.line ?? 1;
    const message = [finding.message, finding.hint && `Fix: ${finding.hint}`].filter(Boolean).join("\n");
    annotations.push({
      path,
      start_line: line,
      end_line: line,
      annotation_level: level,
      title: (service ? `${service}: ${finding.id}` : finding.id).slice(0, 255),
      message: message.slice(0, 64 * 1024),
    });
  }
  return annotations;
}

const LEVEL: Partial<Record<Finding["status"], Annotation["annotation_level"]>> = { fail: "failure", error: "failure", warn: "warning" };

function repositoryPath(file: string, workspace: string | undefined): string | undefined {
  if (!isAbsolute(file)) return file.replace(/^\.\//, "").split(sep).join("/");
  if (!workspace) return undefined;
  const inside = relative(workspace, file);
  if (!inside || inside.startsWith("..") || isAbsolute(inside)) return undefined;
  return inside.split(sep).join("/");
}

/** Create the check run with the first batch of annotations, then add the rest 50 at a time. */
export async function publishCheckRun(api: GitHubClient, request: CheckRunRequest): Promise<{ url: string; annotated: number }> {
  const { annotations } = request;
  const batches: Annotation[][] = [];
  for (let start = 0; start < annotations.length; start += ANNOTATIONS_PER_REQUEST) {
    batches.push(annotations.slice(start, start + ANNOTATIONS_PER_REQUEST));
  }
  const output = (batch: Annotation[] | undefined) => ({
    title: request.title,
    summary: request.summary,
    ...(batch ? { annotations: batch } : {}),
  });
  const { data: created } = await api.rest.checks.create({
    owner: request.owner,
    repo: request.repo,
    name: request.name,
    head_sha: request.headSha,
    status: "completed",
    conclusion: request.conclusion,
    output: output(batches[0]),
  });
  for (const batch of batches.slice(1)) {
    await api.rest.checks.update({ owner: request.owner, repo: request.repo, check_run_id: created.id, output: output(batch) });
  }
  return { url: created.html_url ?? "", annotated: annotations.length };
}
