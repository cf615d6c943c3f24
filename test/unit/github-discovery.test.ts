// Which PR a run belongs to, from each trigger's event payload (GITHUB_EVENT_PATH)
// and, where the payload does not say, from the API.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { defaultReportId, readRunContext } from "../../src/github/context.js";
import { publishToGitHub } from "../../src/github/publish-to-github.js";
import { type GitHubEmulator, startGitHubEmulator } from "../emulators/github.js";
import { failing, recordingLog, settings, WRITE_TOKEN } from "./github-fixtures.js";

const payloads: Record<string, unknown> = {
  "/e/pull_request.json": { pull_request: { number: 11, head: { sha: "prhead" } } },
  "/e/pull_request_target.json": { pull_request: { number: 12, head: { sha: "targethead" } } },
  "/e/workflow_run.json": {
    workflow_run: { head_sha: "runhead", pull_requests: [{ number: 13 }], head_repository: { full_name: "owner/repo" } },
  },
  "/e/workflow_run_fork.json": {
    workflow_run: { head_sha: "forkhead", pull_requests: [], head_repository: { full_name: "someone/repo" } },
  },
  "/e/push.json": { after: "pushhead" },
};
const readFile = async (path: string) => {
  if (!(path in payloads)) throw new Error("ENOENT");
  return JSON.stringify(payloads[path]);
};

function env(event: string, file = event): Record<string, string> {
  return {
    GITHUB_REPOSITORY: "owner/repo",
    GITHUB_EVENT_NAME: event,
    GITHUB_EVENT_PATH: `/e/${file}.json`,
    GITHUB_SHA: "mergecommit",
    GITHUB_WORKFLOW: "deploy",
    GITHUB_JOB: "gate",
  };
}

describe("run context from the event payload", () => {
  it.each([
    ["pull_request", "pull_request", 11, "prhead"],
    ["pull_request_target", "pull_request_target", 12, "targethead"],
    ["workflow_run", "workflow_run", 13, "runhead"],
    ["workflow_run", "workflow_run_fork", undefined, "forkhead"],
    ["push", "push", undefined, "pushhead"],
    ["workflow_dispatch", "missing", undefined, "mergecommit"],
  ])("%s (%s.json): PR %s, head %s", async (event, file, pullRequest, headSha) => {
    const run = await readRunContext(env(event, file), readFile, undefined);
    expect(run).toMatchObject({ owner: "owner", repo: "repo", eventName: event, pullRequest, headSha, reportId: "deploy/gate" });
  });

  it("is absent outside a repository run, and report_id wins over workflow/job", async () => {
    expect(await readRunContext({}, readFile, undefined)).toBeUndefined();
    expect((await readRunContext(env("push"), readFile, "prod"))?.reportId).toBe("prod");
    expect(defaultReportId({})).toBe("deploy-gate");
  });

  it("GITHUB_API_URL is honoured (GitHub Enterprise)", async () => {
    const run = await readRunContext({ ...env("push"), GITHUB_API_URL: "https://ghe.example.com/api/v3/" }, readFile, undefined);
    expect(run?.apiUrl).toBe("https://ghe.example.com/api/v3");
  });
});

describe("PR discovery through the API", () => {
  let github: GitHubEmulator;
  beforeAll(async () => {
    github = await startGitHubEmulator();
    github.writeTokens.add(WRITE_TOKEN);
    github.pullRequests.push(
      { number: 21, headSha: "pushhead" },
      { number: 22, headSha: "oldhead", state: "closed" },
      { number: 23, headSha: "forkhead", headRepository: "someone/repo" },
    );
    github.commitPulls.set("pushhead", [22, 21]);
  });
  afterAll(() => github.close());
  beforeEach(() => github.comments.clear());

  const publishFor = async (event: string, file: string) => {
    const run = await readRunContext({ ...env(event, file), GITHUB_API_URL: github.url }, readFile, undefined);
    const log = recordingLog();
    return { outcome: await publishToGitHub(failing, run, settings(), log), log };
  };

  it("push: the open PR that contains the commit", async () => {
    await publishFor("push", "push");
    expect([...github.comments.keys()]).toEqual([21]);
  });

  it("workflow_run from a fork: the open PR whose head is that commit in that repository", async () => {
    await publishFor("workflow_run", "workflow_run_fork");
    expect([...github.comments.keys()]).toEqual([23]);
  });

  it("no PR (a push to main) is not an error", async () => {
    github.commitPulls.set("pushhead", []);
    const { outcome, log } = await publishFor("push", "push");
    expect(outcome.commentUrl).toBeUndefined();
    expect(log.warnings()).toEqual([]);
    expect(log.lines.map((line) => line.text)).toContain("no pull request for this push: no PR comment");
  });
});
