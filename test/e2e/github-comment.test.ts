// dist/index.js as the runner runs it, on a PR, against the Cloud Run and
// Secret Manager emulators plus the GitHub emulator: incident 1 leaves one
// failing comment, the fix turns that same comment to passing, two racing jobs
// leave exactly one, a fork's read-only token changes nothing but the comment, and
// a comment someone else planted with the gate's marker is never adopted.
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { incident1, STAGING_SECRET } from "../incidents/incident-1.js";
import { markerFor } from "../../src/github/sticky-comment.js";
import { type GitHubEmulator, githubFault, startGitHubEmulator, type TokenIdentity } from "../emulators/github.js";
import { runAction } from "./harness.js";
import { startIncident, type World } from "./world.js";

const WRITE_TOKEN = "ghs_e2eWriteToken000000000000000000";
const FORK_TOKEN = "ghs_e2eForkReadOnly0000000000000000";
const PAT = "github_pat_e2eDeployUser000000000000";
const APP_TOKEN = "ghs_e2eAppInstallation00000000000000";
const TOKEN_IDENTITIES: [string, string, TokenIdentity | undefined][] = [
  ["GITHUB_TOKEN (github-actions[bot])", WRITE_TOKEN, undefined],
  ["a personal access token (its user)", PAT, { login: "deploy-robot", id: 7001, kind: "user" }],
  ["a GitHub App installation token (<slug>[bot])", APP_TOKEN, { login: "deploy-gate-app[bot]", id: 7002, kind: "installation" }],
];
const PR = 42;

describe("PR comment and check run, end to end", () => {
  let world: World;
  let manifest: string;
  let github: GitHubEmulator;
  let events: string;

  beforeAll(async () => {
    ({ world, manifest } = await startIncident(incident1));
    github = await startGitHubEmulator();
    github.writeTokens.add(WRITE_TOKEN);
    github.readOnlyTokens.add(FORK_TOKEN);
    for (const [, token, identity] of TOKEN_IDENTITIES) {
      github.writeTokens.add(token);
      if (identity) github.identities.set(token, identity);
    }
    events = await mkdtemp(join(tmpdir(), "gate-events-"));
  });
  afterAll(async () => {
    await world.close();
    await github.close();
  });
  beforeEach(() => github.reset());

  /** The env a pull_request run on the runner has, with the event payload on disk. */
  function onPullRequest(token: string, extra: Record<string, string> = {}) {
    const payload = { action: "synchronize", number: PR, pull_request: { number: PR, head: { sha: "feedface" } } };
    return onEvent("pull_request", payload, token, extra);
  }

  async function onEvent(event: string, payload: unknown, token: string, extra: Record<string, string> = {}) {
    const eventPath = join(events, `${event}-${Math.random().toString(36).slice(2)}.json`);
    await writeFile(eventPath, JSON.stringify(payload));
    const inputs = world.inputs(manifest, { github_token: token, check_name: "deploy gate", ...extra });
    const env = {
      GITHUB_API_URL: github.url,
      GITHUB_REPOSITORY: "owner/repo",
      GITHUB_EVENT_NAME: event,
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_SHA: "mergecommit",
      GITHUB_WORKFLOW: "deploy",
      GITHUB_JOB: "gate",
      // The manifest sits in the checked-out repository, so annotations can point at its lines.
      GITHUB_WORKSPACE: world.dir,
    };
    return runAction(inputs, env);
  }

  it("incident 1 broken: one failing comment and a failing check; fixed: the same comment turns to passing", async () => {
    incident1.broken(world);
    const broken = await onPullRequest(WRITE_TOKEN);

    expect(broken.outputs.result).toBe("fail");
    expect(broken.exitCode).toBe(1);
    const [comment] = github.comments.get(PR) ?? [];
    expect(github.comments.get(PR)).toHaveLength(1);
    expect(comment?.body).toContain("fail, do not ship backend-staging");
    expect(comment?.body).toContain("JWT_SECRET_STAGING");
    expect(broken.outputs.comment_url).toBe(comment?.html_url);
    expect(github.checkRuns[0]).toMatchObject({ name: "deploy gate", head_sha: "feedface", conclusion: "failure" });
    expect(github.checkRuns[0]?.annotations).toContainEqual(
      expect.objectContaining({ path: basename(manifest), annotation_level: "failure", start_line: expect.any(Number) }),
    );
    // Rendered once for both: the report file carries exactly the body the PR shows.
    const file = JSON.parse(await readFile(broken.outputs.report_file ?? "", "utf8"));
    expect(file.github.comment).toBe(comment?.body);

    incident1.fixed(world);
    const fixed = await onPullRequest(WRITE_TOKEN);

    expect(fixed.outputs.result).toBe("pass");
    expect(fixed.exitCode).toBe(0);
    expect(github.comments.get(PR)).toHaveLength(1);
    expect(github.comments.get(PR)?.[0]?.id).toBe(comment?.id);
    expect(github.comments.get(PR)?.[0]?.body).toContain("Cloud Run deploy gate: pass");
    expect(fixed.outputs.comment_url).toBe(comment?.html_url);
    expect(github.checkRuns[1]?.conclusion).toBe("success");

    for (const run of [broken, fixed]) {
      expect(run.everything).not.toContain(STAGING_SECRET);
      expect(run.everything).not.toContain(WRITE_TOKEN);
      expect(run.masked).toContain(WRITE_TOKEN);
    }
    const sent = github.requests.map((request) => request.body).join("\n");
    expect(sent).not.toContain(STAGING_SECRET);
    expect(sent).not.toContain(WRITE_TOKEN);
  });

  it("two jobs racing on one PR leave exactly one comment", async () => {
    incident1.broken(world);
    github.holdCommentLists(2);
    const runs = await Promise.all([onPullRequest(WRITE_TOKEN, { check_name: "" }), onPullRequest(WRITE_TOKEN, { check_name: "" })]);

    expect(runs.map((run) => run.outputs.result)).toEqual(["fail", "fail"]);
    const comments = github.comments.get(PR) ?? [];
    expect(comments).toHaveLength(1);
    expect(runs.map((run) => run.outputs.comment_url)).toEqual([comments[0]?.html_url, comments[0]?.html_url]);
  });

  it("a fork PR's read-only token: same result and exit code, one warning, the report file written", async () => {
    incident1.broken(world);
    const run = await onPullRequest(FORK_TOKEN);

    expect(run.outputs.result).toBe("fail");
    expect(run.exitCode).toBe(1);
    expect(github.comments.get(PR) ?? []).toHaveLength(0);
    expect(github.checkRuns).toHaveLength(0);
    const warnings = run.stdout.split("\n").filter((line) => line.startsWith("::warning::") && line.includes("read-only"));
    expect(warnings).toHaveLength(1);
    expect(run.outputs.comment_url).toBe("");

    const file = JSON.parse(await readFile(run.outputs.report_file ?? "", "utf8"));
    expect(run.outputs.report_file).toMatch(/deploy-gate-report\.json$/);
    expect(file.result).toBe("fail");
    expect(file.github).toMatchObject({ repository: "owner/repo", pull_request: PR, head_sha: "feedface", report_id: "deploy/gate" });
    expect(file.github.comment).toContain("fail, do not ship backend-staging");
    expect(JSON.stringify(file)).not.toContain(STAGING_SECRET);
    expect(run.summary).toContain("fail, do not ship backend-staging");
  });

  it.each([
    ["push", { after: "c0ffee" }],
    ["workflow_run", { workflow_run: { head_sha: "c0ffee", pull_requests: [], head_repository: { full_name: "owner/repo" } } }],
  ])("a %s run finds its PR through the API and comments there", async (event, payload) => {
    github.pullRequests.push({ number: 77, headSha: "c0ffee" });
    github.commitPulls.set("c0ffee", [77]);
    incident1.broken(world);
    const run = await onEvent(event, payload, WRITE_TOKEN, { check_name: "" });

    expect(run.outputs.result).toBe("fail");
    expect(github.comments.get(77)).toHaveLength(1);
    expect(run.outputs.comment_url).toBe(github.comments.get(77)?.[0]?.html_url);
  });

  it("a push with no PR is not an error: no comment, no warning", async () => {
    incident1.fixed(world);
    const run = await onEvent("push", { after: "0badc0de" }, WRITE_TOKEN, { check_name: "" });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.comment_url).toBe("");
    expect(run.stdout).not.toContain("::warning::");
  });

  it("a passing run with the fork token fails nothing either", async () => {
    incident1.fixed(world);
    const run = await onPullRequest(FORK_TOKEN);
    expect(run.outputs.result).toBe("pass");
    expect(run.exitCode).toBe(0);
    expect(run.stdout).not.toContain("::error::");
  });

  describe("a stranger's comment carrying the gate's marker", () => {
    /** Posted first, by someone who can comment on the PR, claiming the gate passed. */
    const plant = () => github.addComment(PR, `${markerFor("deploy/gate")}\n## Cloud Run deploy gate: pass\nall good, ship it`, "mallory");

    function expectUntouched(planted: { id: number; body: string }) {
      const now = (github.comments.get(PR) ?? []).find((comment) => comment.id === planted.id);
      expect(now?.body).toBe(planted.body);
      const touched = github.requests.filter((request) => request.method !== "GET" && request.path.endsWith(`/comments/${planted.id}`));
      expect(touched).toEqual([]);
    }

    it.each(TOKEN_IDENTITIES)(
      "with %s: the gate writes its own comment, leaves the stranger's alone, then updates its own",
      async (_, token, identity) => {
        const author = identity?.login ?? "github-actions[bot]";
        const planted = { ...plant() };
        incident1.broken(world);
        const broken = await onPullRequest(token, { check_name: "" });

        expect(broken.outputs.result).toBe("fail");
        const ours = (github.comments.get(PR) ?? []).filter((comment) => comment.user.login === author);
        expect(ours).toHaveLength(1);
        expect(ours[0]?.body).toContain("fail, do not ship backend-staging");
        expect(broken.outputs.comment_url).toBe(ours[0]?.html_url);
        expectUntouched(planted);
        expect(broken.stdout).toMatch(/::warning::.*marker.*(not|another)/i);

        incident1.fixed(world);
        const fixed = await onPullRequest(token, { check_name: "" });

        expect(fixed.outputs.result).toBe("pass");
        const comments = github.comments.get(PR) ?? [];
        expect(comments).toHaveLength(2);
        const updated = comments.find((comment) => comment.user.login === author);
        expect(updated?.id).toBe(ours[0]?.id);
        expect(updated?.body).toContain("Cloud Run deploy gate: pass");
        expect(fixed.outputs.comment_url).toBe(updated?.html_url);
        expectUntouched(planted);
      },
    );

    it("when GitHub will not say who the token is (no GraphQL, GET /user refused), the gate still adopts only what it wrote", async () => {
      github.faults.push({ match: /^POST \/graphql$/, fault: githubFault(404, "Not Found") });
      const planted = { ...plant() };
      incident1.broken(world);
      const broken = await onPullRequest(WRITE_TOKEN, { check_name: "" });
      const ours = (github.comments.get(PR) ?? []).filter((comment) => comment.user.login === "github-actions[bot]");
      expect(ours).toHaveLength(1);
      expect(broken.outputs.comment_url).toBe(ours[0]?.html_url);
      expectUntouched(planted);

      incident1.fixed(world);
      const fixed = await onPullRequest(WRITE_TOKEN, { check_name: "" });
      const comments = github.comments.get(PR) ?? [];
      expect(comments).toHaveLength(2);
      const kept = comments.find((comment) => comment.user.login === "github-actions[bot]");
      expect(kept?.id).toBe(ours[0]?.id);
      expect(kept?.body).toContain("Cloud Run deploy gate: pass");
      expect(fixed.outputs.comment_url).toBe(kept?.html_url);
      expectUntouched(planted);
    });

    it("two racing jobs delete their own extra copy, never the stranger's", async () => {
      const planted = { ...plant() };
      incident1.broken(world);
      github.holdCommentLists(2);
      await Promise.all([onPullRequest(WRITE_TOKEN, { check_name: "" }), onPullRequest(WRITE_TOKEN, { check_name: "" })]);
      const comments = github.comments.get(PR) ?? [];
      expect(comments.map((comment) => comment.user.login).sort()).toEqual(["github-actions[bot]", "mallory"]);
      expectUntouched(planted);
    });
  });
});
