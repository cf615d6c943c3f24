// Which PR the sticky comment belongs to. pull_request(_target) names it in the
// payload. workflow_run lists it too, except for fork PRs, where GitHub leaves
// the list empty, so we look it up by the head commit. push asks which PRs
// contain the commit. No PR (a push to main, a schedule) is not an error.
import type { GitHubClient } from "./client.js";
import type { RunContext } from "./context.js";

export async function discoverPullRequest(api: GitHubClient, run: RunContext): Promise<number | undefined> {
  if (run.pullRequest !== undefined) return run.pullRequest;
  if (!run.headSha || (run.eventName !== "push" && run.eventName !== "workflow_run")) return undefined;
  const { data: associated } = await api.rest.repos.listPullRequestsAssociatedWithCommit({
    owner: run.owner,
    repo: run.repo,
    commit_sha: run.headSha,
  });
  const open = associated.filter((pr) => pr.state === "open");
  const found = open.find((pr) => pr.head.sha === run.headSha) ?? open[0];
  if (found || run.eventName !== "workflow_run") return found?.number;
  // A fork's commit is not on any branch of this repository; match open PRs by head commit and head repository.
  const { data: pulls } = await api.rest.pulls.list({
    owner: run.owner,
    repo: run.repo,
    state: "open",
    sort: "updated",
    direction: "desc",
    per_page: 100,
  });
  return pulls.find((pr) => pr.head.sha === run.headSha && (!run.headRepository || pr.head.repo?.full_name === run.headRepository))?.number;
}
