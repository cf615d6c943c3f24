// How the GitHub requests travel without a proxy: not through Node's own fetch
// (its first request loads undici and a WebAssembly parser, ~16 MiB of peak RSS,
// issue 15), and a redirect never carries the token to another origin.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { publishToGitHub } from "../../src/github/publish-to-github.js";
import type { GitHubEmulator } from "../emulators/github.js";
import { failing, recordingLog, runContext, settings, startGitHub, WRITE_TOKEN } from "./github-fixtures.js";

describe("GitHub transport", () => {
  let github: GitHubEmulator;
  let elsewhere: GitHubEmulator;
  beforeAll(async () => {
    [github, elsewhere] = await Promise.all([startGitHub(), startGitHub()]);
  });
  afterAll(() => Promise.all([github.close(), elsewhere.close()]));
  beforeEach(() => {
    github.reset();
    elsewhere.reset();
  });
  const nodeFetch = globalThis.fetch;
  afterEach(() => {
    globalThis.fetch = nodeFetch;
  });

  it("posts the comment and check run without calling Node's global fetch", async () => {
    let calls = 0;
    globalThis.fetch = (...args) => {
      calls++;
      return nodeFetch(...args);
    };
    const outcome = await publishToGitHub(failing, runContext(github.url), settings({ checkName: "deploy gate" }), recordingLog());

    expect(outcome.commentUrl).toBeDefined();
    expect(outcome.checkRunUrl).toBeDefined();
    expect(github.checkRuns).toHaveLength(1);
    expect(calls).toBe(0);
  });

  it("follows a same-origin redirect with the token, once", async () => {
    github.faults.push({
      match: /^POST .*\/comments$/,
      fault: { kind: "status", status: 307, headers: { location: `${github.url}/repos/owner/repo/issues/7/comments` }, times: 1 },
    });
    const log = recordingLog();
    const outcome = await publishToGitHub(failing, runContext(github.url), settings(), log);

    expect(log.warnings()).toEqual([]);
    expect(outcome.commentUrl).toBeDefined();
    expect(github.comments.get(7)).toHaveLength(1);
    const posts = github.requests.filter((request) => request.method === "POST");
    expect(posts).toHaveLength(2);
    expect(posts[1]?.headers.authorization).toContain(WRITE_TOKEN);
    expect(posts[1]?.body).toBe(posts[0]?.body);
  });

  it.each([301, 302, 303, 307, 308])(
    "a %i to another origin (another port) is not followed: neither the token nor the body goes there",
    async (status) => {
      github.faults.push({
        match: /^POST .*\/comments$/,
        fault: { kind: "status", status, headers: { location: `${elsewhere.url}/repos/owner/repo/issues/7/comments` } },
      });
      const log = recordingLog();
      const outcome = await publishToGitHub(failing, runContext(github.url), settings(), log);

      expect(outcome.commentUrl).toBeUndefined();
      expect(log.warnings()).toEqual([expect.stringContaining("could not write the PR comment (the gate's result stands)")]);
      expect(elsewhere.requests).toHaveLength(0);
      for (const request of elsewhere.requests) {
        expect(request.headers.authorization).toBeUndefined();
        expect(JSON.stringify(request)).not.toContain(WRITE_TOKEN);
      }
      expect(elsewhere.comments.get(7) ?? []).toHaveLength(0);
    },
  );

  it("an endless redirect is a warning, not a hang", async () => {
    github.faults.push({
      match: /^GET .*\/comments$/,
      fault: { kind: "status", status: 302, headers: { location: `${github.url}/repos/owner/repo/issues/7/comments` } },
    });
    const log = recordingLog();
    const outcome = await publishToGitHub(failing, runContext(github.url), settings(), log);

    expect(outcome.commentUrl).toBeUndefined();
    expect(log.warnings()).toEqual([expect.stringContaining("could not write the PR comment (the gate's result stands)")]);
  });
});
