// What the run knows about where it is on GitHub: repository, event, the
// commit to attach a check run to, and the PR the event names, read from the
// runner's GITHUB_* variables and the event payload file. Read when publishing,
// never at import time, and from the `env` passed in (tests set their own).
import type { ReadFile } from "../read-file.js";

/** GitHub caps webhook payloads at 25 MB; the event file is one of them. */
const MAX_EVENT_PAYLOAD_BYTES = 25 * 1024 * 1024;

export interface RunContext {
  owner: string;
  repo: string;
  /** `pull_request`, `push`, `workflow_run`, ... (GITHUB_EVENT_NAME). */
  eventName: string;
  /** The commit the change is about: the PR head, not the merge commit GitHub checks out. */
  headSha: string | undefined;
  /** The PR named by the event payload itself, when it names one. */
  pullRequest: number | undefined;
  /** For workflow_run from a fork: the repository the head commit lives in (`owner/repo`). */
  headRepository: string | undefined;
  /** Key of the sticky comment: the report_id input, else workflow + job. */
  reportId: string;
  apiUrl: string;
  /** Root for annotation paths (GITHUB_WORKSPACE). */
  workspace: string | undefined;
}

type Env = Readonly<Record<string, string | undefined>>;

/** Undefined when this is not a GitHub Actions run of a repository (no GITHUB_REPOSITORY). */
export async function readRunContext(env: Env, readFile: ReadFile, reportId: string | undefined): Promise<RunContext | undefined> {
  const [owner, repo, ...rest] = (env.GITHUB_REPOSITORY ?? "").split("/");
  if (!owner || !repo || rest.length > 0) return undefined;
  const eventName = env.GITHUB_EVENT_NAME ?? "";
  const payload = await readPayload(env.GITHUB_EVENT_PATH, readFile);
  const { pullRequest, headSha, headRepository } = fromPayload(eventName, payload);
  return {
    owner,
    repo,
    eventName,
    headSha: headSha ?? env.GITHUB_SHA,
    pullRequest,
    headRepository,
    reportId: reportId ?? defaultReportId(env),
    apiUrl: (env.GITHUB_API_URL || "https://api.github.com").replace(/\/+$/, ""),
    workspace: env.GITHUB_WORKSPACE,
  };
}

/** Workflow + job: stable across reruns, distinct for two gate jobs in one workflow. */
export function defaultReportId(env: Env): string {
  return [env.GITHUB_WORKFLOW, env.GITHUB_JOB].filter(Boolean).join("/") || "deploy-gate";
}

async function readPayload(path: string | undefined, readFile: ReadFile): Promise<Record<string, unknown>> {
  if (!path) return {};
  try {
    const parsed: unknown = JSON.parse(await readFile(path, { maxBytes: MAX_EVENT_PAYLOAD_BYTES }));
    return isRecord(parsed) ? parsed : {};
  } catch {
    // A missing or broken payload only costs PR discovery; the gate's answer stands.
    return {};
  }
}

function fromPayload(
  eventName: string,
  payload: Record<string, unknown>,
): { pullRequest: number | undefined; headSha: string | undefined; headRepository: string | undefined } {
  if (eventName === "pull_request" || eventName === "pull_request_target") {
    const pr = record(payload.pull_request);
    return { pullRequest: number(pr.number), headSha: string(record(pr.head).sha), headRepository: undefined };
  }
  if (eventName === "workflow_run") {
    const run = record(payload.workflow_run);
    const prs = Array.isArray(run.pull_requests) ? run.pull_requests : [];
    return {
      pullRequest: number(record(prs[0]).number),
      headSha: string(run.head_sha),
      headRepository: string(record(run.head_repository).full_name),
    };
  }
  if (eventName === "push") return { pullRequest: undefined, headSha: string(payload.after), headRepository: undefined };
  return { pullRequest: undefined, headSha: undefined, headRepository: undefined };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function record(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

function number(value: unknown): number | undefined {
  return typeof value === "number" && Number.isInteger(value) && value > 0 ? value : undefined;
}

function string(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}
