// What GitHub can answer besides yes: a fork's read-only token, validation
// errors, rate limits, server errors, silence. None of it changes the gate's
// result, nothing throws, and the step is never held past its budget.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { publishToGitHub } from "../../src/github/publish-to-github.js";
import { type GitHubEmulator, githubFault } from "../emulators/github.js";
import { failing, READ_TOKEN, recordingLog, runContext, settings, WRITE_TOKEN, startGitHub } from "./github-fixtures.js";

describe("GitHub faults", () => {
  let github: GitHubEmulator;
  beforeAll(async () => {
    github = await startGitHub();
  });
  afterAll(() => github.close());
  beforeEach(() => github.reset());

  it("a fork's read-only token: one warning for comment and check run together, pointing at the report file", async () => {
    const log = recordingLog();
    const outcome = await publishToGitHub(failing, runContext(github.url), settings({ token: READ_TOKEN, checkName: "deploy gate" }), log);

    expect(outcome.readOnly).toBe(true);
    expect(outcome.commentUrl).toBeUndefined();
    expect(log.warnings()).toHaveLength(1);
    expect(log.warnings()[0]).toContain("/tmp/deploy-gate-report.json");
    expect(log.warnings()[0]).toContain("examples/fork-pr-comment.yml");
    expect(github.requests.filter((request) => request.path.includes("check-runs"))).toHaveLength(0);
  });

  it("422 on create is a warning naming the status, not a thrown error", async () => {
    github.faults.push({ match: /^POST .*\/comments$/, fault: githubFault(422, "Validation Failed") });
    const log = recordingLog();
    const outcome = await publishToGitHub(failing, runContext(github.url), settings(), log);

    expect(outcome.commentUrl).toBeUndefined();
    expect(log.warnings()).toEqual([
      expect.stringContaining("could not write the PR comment (the gate's result stands): HTTP 422: Validation Failed"),
    ]);
  });

  it("waits out a primary rate limit (x-ratelimit-reset) and then writes", async () => {
    const reset = String(Math.ceil(Date.now() / 1000));
    github.faults.push({
      match: /^POST .*\/comments$/,
      fault: {
        ...githubFault(403, "API rate limit exceeded"),
        headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": reset },
        times: 1,
      },
    });
    const log = recordingLog();
    const outcome = await publishToGitHub(failing, runContext(github.url), settings(), log);

    expect(outcome.commentUrl).toBeDefined();
    expect(github.comments.get(7)).toHaveLength(1);
    expect(log.lines.some((line) => /rate limit .* retrying in \d+ s/.test(line.text))).toBe(true);
  });

  it("waits out a secondary rate limit (Retry-After) and then writes", async () => {
    github.faults.push({
      match: /^POST .*\/comments$/,
      fault: { ...githubFault(403, "You have exceeded a secondary rate limit"), headers: { "retry-after": "1" }, times: 1 },
    });
    const outcome = await publishToGitHub(failing, runContext(github.url), settings(), recordingLog());
    expect(outcome.commentUrl).toBeDefined();
  });

  it("gives up on a rate limit that resets after the budget, with a warning", async () => {
    github.faults.push({
      match: /^GET .*\/comments$/,
      fault: { ...githubFault(429, "Too many requests"), headers: { "retry-after": "600" } },
    });
    const log = recordingLog();
    const started = Date.now();
    const outcome = await publishToGitHub(failing, runContext(github.url), settings({ budgetMs: 8_000 }), log);

    expect(Date.now() - started).toBeLessThan(9_000);
    expect(outcome.commentUrl).toBeUndefined();
    expect(log.warnings()).toHaveLength(1);
  });

  it("retries a 5xx and succeeds", async () => {
    github.faults.push({ match: /^GET .*\/comments$/, fault: { ...githubFault(502, "Bad Gateway"), times: 1 } });
    const outcome = await publishToGitHub(failing, runContext(github.url), settings(), recordingLog());
    expect(outcome.commentUrl).toBeDefined();
  });

  it("a GitHub that never answers costs at most the budget", async () => {
    github.faults.push({ match: /comments/, fault: { kind: "hang" } });
    const log = recordingLog();
    const started = Date.now();
    await publishToGitHub(failing, runContext(github.url), settings({ budgetMs: 1_500, requestTimeoutMs: 1_000 }), log);

    expect(Date.now() - started).toBeLessThan(2_500);
    expect(log.warnings().join("\n")).toMatch(/did not answer within 2 s|timed out/);
  });

  it("never prints the token, whatever GitHub answers", async () => {
    github.faults.push({ match: /comments/, fault: githubFault(500, `echo ${WRITE_TOKEN}`) });
    const log = recordingLog();
    await publishToGitHub(failing, runContext(github.url), settings({ budgetMs: 8_000 }), log);
    // The runner's log masks the token (deps.mask); here we check the client adds nothing of its own.
    expect(log.lines.map((line) => line.text).join("\n")).not.toContain("authorization");
  });

  it("no token, or not a repository run: skipped with a note, no request", async () => {
    const log = recordingLog();
    await publishToGitHub(failing, runContext(github.url), settings({ token: undefined }), log);
    await publishToGitHub(failing, undefined, settings(), log);
    expect(github.requests).toHaveLength(0);
    expect(log.warnings()).toHaveLength(0);
  });
});
