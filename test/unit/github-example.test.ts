// examples/fork-pr-comment.yml, stage 2 of the fork pattern, run for real: its
// github-script body against the GitHub emulator, fed a report file the gate
// wrote. It must post the same sticky comment the gate would, and refuse an
// artifact that names another PR or carries something else.
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { getOctokit } from "@actions/github";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { stickyCommentBody } from "../../src/github/publish-to-github.js";
import { markerFor } from "../../src/github/sticky-comment.js";
import { type GitHubEmulator, startGitHubEmulator } from "../emulators/github.js";
import { failing, passing, WRITE_TOKEN } from "./github-fixtures.js";

interface Step {
  uses?: string;
  with?: { script?: string };
}
const workflow = parse(await readFile(resolve(import.meta.dirname, "../../examples/fork-pr-comment.yml"), "utf8")) as {
  jobs: Record<string, { steps: Step[] }>;
};
const script = Object.values(workflow.jobs)
  .flatMap((job) => job.steps)
  .find((step) => step.uses?.startsWith("actions/github-script@"))?.with?.script;

const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
  ...args: string[]
) => (...values: unknown[]) => Promise<unknown>;

describe("examples/fork-pr-comment.yml", () => {
  let github: GitHubEmulator;
  let dir: string;
  beforeAll(async () => {
    github = await startGitHubEmulator();
    github.writeTokens.add(WRITE_TOKEN);
    github.pullRequests.push({ number: 9, headSha: "forkhead", headRepository: "someone/repo" }, { number: 10, headSha: "otherhead" });
    dir = await mkdtemp(join(tmpdir(), "fork-example-"));
  });
  afterAll(() => github.close());
  beforeEach(() => github.comments.clear());

  /** Runs the step as actions/github-script does: script body with github, context, core, require, process. */
  async function stage2(file: unknown) {
    const path = join(dir, `report-${Math.random().toString(36).slice(2)}.json`);
    await writeFile(path, JSON.stringify(file));
    const messages: string[] = [];
    const core = {
      info: (text: string) => messages.push(`info: ${text}`),
      warning: (text: string) => messages.push(`warning: ${text}`),
      setFailed: (text: string) => messages.push(`failed: ${text}`),
    };
    const context = { repo: { owner: "owner", repo: "repo" }, payload: { workflow_run: { head_sha: "forkhead" } } };
    const api = getOctokit(WRITE_TOKEN, { baseUrl: github.url });
    const run = new AsyncFunction("github", "context", "core", "require", "process", script ?? "");
    await run(api, context, core, createRequire(import.meta.url), { env: { REPORT_FILE: path } });
    return messages;
  }

  const reportFile = (pullRequest: number, comment: string) => ({
    ...failing,
    github: { repository: "owner/repo", pull_request: pullRequest, head_sha: "forkhead", report_id: "staging", comment },
  });

  it("has a github-script step", () => {
    expect(script).toContain("github.rest.issues.createComment");
  });

  it("posts the gate's comment, then updates that same comment on the next run", async () => {
    await stage2(reportFile(9, stickyCommentBody(failing, "staging")));
    await stage2(reportFile(9, stickyCommentBody(passing, "staging")));

    const comments = github.comments.get(9) ?? [];
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body.startsWith(markerFor("staging"))).toBe(true);
    expect(comments[0]?.body).toContain("Cloud Run deploy gate: pass");
  });

  it("updates a comment the gate itself wrote earlier (same marker), not a second one", async () => {
    github.addComment(9, stickyCommentBody(failing, "staging"));
    await stage2(reportFile(9, stickyCommentBody(passing, "staging")));
    expect(github.comments.get(9)).toHaveLength(1);
  });

  it("leaves a stranger's comment that carries the marker alone, and posts its own", async () => {
    const planted = github.addComment(9, `${stickyCommentBody(passing, "staging")}`, "mallory");
    await stage2(reportFile(9, stickyCommentBody(failing, "staging")));
    const comments = github.comments.get(9) ?? [];
    expect(comments).toHaveLength(2);
    expect(comments.find((comment) => comment.id === planted.id)?.body).toBe(planted.body);
    expect(comments.find((comment) => comment.id !== planted.id)?.body).toContain("Cloud Run deploy gate: fail");
  });

  it("refuses a report that names a PR at another commit", async () => {
    const messages = await stage2(reportFile(10, stickyCommentBody(failing, "staging")));
    expect(github.comments.get(10) ?? []).toHaveLength(0);
    expect(messages).toContain("failed: PR #10 is not at forkhead: not commenting");
  });

  it("refuses a body that is not a gate comment, or one with a bare @mention, and posts code spans exactly", async () => {
    const refused = await stage2(reportFile(9, "hello @everyone"));
    expect(refused).toContain("failed: the report file holds no deploy gate comment");

    const mention = await stage2(reportFile(9, `${markerFor("staging")}\nping @octocat`));
    expect(mention).toContain("failed: the comment mentions someone outside a code span: not posting it");
    expect(github.comments.get(9) ?? []).toHaveLength(0);

    const exact = `${markerFor("staging")}\nrun \`gcloud secrets add-iam-policy-binding x --member=serviceAccount:run@p.iam.gserviceaccount.com\``;
    await stage2(reportFile(9, exact));
    expect(github.comments.get(9)?.[0]?.body).toBe(exact);
    expect(github.comments.get(9)?.[0]?.body).not.toMatch(/[\u200b-\u200d\u2060\ufeff]/);
  });
});
