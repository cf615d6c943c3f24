// The sticky PR comment against the GitHub emulator: one per report_id,
// updated in place, never duplicated, even when two jobs race.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { publishToGitHub } from "../../src/github/publish-to-github.js";
import { markerFor } from "../../src/github/sticky-comment.js";
import type { GitHubEmulator } from "../emulators/github.js";
import { failing, passing, recordingLog, runContext, settings, startGitHub } from "./github-fixtures.js";

describe("sticky PR comment", () => {
  let github: GitHubEmulator;
  beforeAll(async () => {
    github = await startGitHub();
  });
  afterAll(() => github.close());
  beforeEach(() => github.reset());

  it("creates one failing comment, then updates the same comment to passing", async () => {
    const first = await publishToGitHub(failing, runContext(github.url), settings(), recordingLog());
    const second = await publishToGitHub(passing, runContext(github.url), settings(), recordingLog());

    const comments = github.comments.get(7) ?? [];
    expect(comments).toHaveLength(1);
    expect(second.commentUrl).toBe(first.commentUrl);
    expect(comments[0]?.body.startsWith(markerFor("deploy/gate"))).toBe(true);
    expect(comments[0]?.body).toContain("pass");
    expect(comments[0]?.body).not.toContain("do not ship");
  });

  it("keeps several gates on one PR apart by report_id", async () => {
    await publishToGitHub(failing, runContext(github.url, { reportId: "staging" }), settings(), recordingLog());
    await publishToGitHub(passing, runContext(github.url, { reportId: "production" }), settings(), recordingLog());
    await publishToGitHub(passing, runContext(github.url, { reportId: "staging" }), settings(), recordingLog());

    const bodies = (github.comments.get(7) ?? []).map((comment) => comment.body);
    expect(bodies).toHaveLength(2);
    expect(bodies.filter((body) => body.startsWith(markerFor("staging")))).toHaveLength(1);
  });

  it("finds its comment on a later page of a long PR thread (Link header pagination)", async () => {
    for (let index = 0; index < 130; index++) github.addComment(7, `review note ${index}`, "a-person");
    await publishToGitHub(failing, runContext(github.url), settings(), recordingLog());
    for (let index = 0; index < 30; index++) github.addComment(7, `later note ${index}`, "a-person");
    await publishToGitHub(passing, runContext(github.url), settings(), recordingLog());

    const ours = (github.comments.get(7) ?? []).filter((comment) => comment.body.startsWith(markerFor("deploy/gate")));
    expect(ours).toHaveLength(1);
    expect(ours[0]?.body).toContain(": pass");
    expect(github.requests.some((request) => request.path.includes("page=2"))).toBe(true);
  });

  it("leaves exactly one comment when two jobs race, keeping the oldest", async () => {
    github.holdCommentLists(2);
    const [a, b] = await Promise.all([
      publishToGitHub(failing, runContext(github.url), settings(), recordingLog()),
      publishToGitHub(failing, runContext(github.url), settings(), recordingLog()),
    ]);

    const comments = github.comments.get(7) ?? [];
    expect(comments).toHaveLength(1);
    expect(github.requests.filter((request) => request.method === "POST")).toHaveLength(2);
    expect(github.requests.filter((request) => request.method === "DELETE").length).toBeGreaterThanOrEqual(1);
    expect(a.commentUrl).toBe(comments[0]?.html_url);
    expect(b.commentUrl).toBe(comments[0]?.html_url);
  });

  it("removes copies left by an earlier race and ignores a person quoting the marker", async () => {
    github.addComment(7, `${markerFor("deploy/gate")}\nold`);
    github.addComment(7, `${markerFor("deploy/gate")}\nolder race copy`);
    github.addComment(7, `> ${markerFor("deploy/gate")}\nquoted by a person`, "a-person");

    await publishToGitHub(passing, runContext(github.url), settings(), recordingLog());

    const comments = github.comments.get(7) ?? [];
    expect(comments).toHaveLength(2);
    expect(comments[0]?.body).toContain(": pass");
    expect(comments[1]?.user.login).toBe("a-person");
  });

  it("comment: on-failure creates nothing on a pass, but turns an earlier failing comment to passing", async () => {
    const onFailure = settings({ comment: "on-failure" });
    await publishToGitHub(passing, runContext(github.url), onFailure, recordingLog());
    expect(github.comments.get(7) ?? []).toHaveLength(0);

    await publishToGitHub(failing, runContext(github.url), onFailure, recordingLog());
    const after = await publishToGitHub(passing, runContext(github.url), onFailure, recordingLog());

    const comments = github.comments.get(7) ?? [];
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toContain(": pass");
    expect(after.commentUrl).toBe(comments[0]?.html_url);
  });

  it("comment: never makes no request", async () => {
    await publishToGitHub(failing, runContext(github.url), settings({ comment: "never" }), recordingLog());
    expect(github.requests).toHaveLength(0);
  });

  it("does not rewrite an unchanged comment", async () => {
    await publishToGitHub(failing, runContext(github.url), settings(), recordingLog());
    await publishToGitHub(failing, runContext(github.url), settings(), recordingLog());
    expect(github.requests.filter((request) => request.method === "PATCH")).toHaveLength(0);
  });

  it("cuts a huge report to GitHub's comment limit instead of failing", async () => {
    const huge = {
      ...failing,
      services: Array.from({ length: 400 }, (_, index) => ({
        service: `service-${index}`,
        checks: [{ id: "env.missing", status: "fail" as const, message: "x".repeat(280), hint: "y".repeat(280) }],
      })),
    };
    const outcome = await publishToGitHub(huge, runContext(github.url), settings(), recordingLog());
    const body = github.comments.get(7)?.[0]?.body ?? "";
    expect(outcome.commentUrl).toBeDefined();
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(body).toContain("Left out to fit GitHub's size limit");
  });

  describe("only the token's own comments are the gate's", () => {
    const planted = () => ({ ...github.addComment(7, `${markerFor("deploy/gate")}\n## Cloud Run deploy gate: fail`, "mallory") });
    const writes = () => github.requests.filter((request) => request.method !== "GET" && request.path.includes("/comments/"));

    it("comment: on-failure on a pass leaves a stranger's marker comment alone and creates nothing", async () => {
      const stranger = planted();
      const log = recordingLog();
      const outcome = await publishToGitHub(passing, runContext(github.url), settings({ comment: "on-failure" }), log);

      expect(outcome.commentUrl).toBeUndefined();
      expect(github.comments.get(7)).toEqual([stranger]);
      expect(writes()).toEqual([]);
      expect(log.warnings()).toEqual([expect.stringContaining(`comment ${stranger.id} by mallory carries this gate's marker`)]);
    });

    it("a first run asks nothing about who the token is", async () => {
      await publishToGitHub(failing, runContext(github.url), settings(), recordingLog());
      expect(github.requests.filter((request) => request.path === "/graphql" || request.path === "/user")).toEqual([]);
    });

    it("matches its login case-insensitively, as GitHub does", async () => {
      github.addComment(7, `${markerFor("deploy/gate")}\nold`, "GitHub-Actions[bot]");
      await publishToGitHub(passing, runContext(github.url), settings(), recordingLog());
      const comments = github.comments.get(7) ?? [];
      expect(comments).toHaveLength(1);
      expect(comments[0]?.body).toContain(": pass");
    });

    it("never prints a login GitHub would not issue", async () => {
      github.addComment(7, `${markerFor("deploy/gate")}\nx`, "evil\n::add-mask::x");
      const log = recordingLog();
      await publishToGitHub(failing, runContext(github.url), settings(), log);
      expect(log.warnings()).toHaveLength(1);
      expect(log.warnings()[0]).not.toContain("evil");
      expect(log.warnings()[0]).toMatch(/^PR #7: comment \d+ carries this gate's marker/);
    });
  });
});
