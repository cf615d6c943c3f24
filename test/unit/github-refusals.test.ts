// A request the gate itself refuses (a redirect or pagination link to another
// origin, an answer past the size cap, too many redirects) is final: Octokit's
// retry plugin saw each refusal as a failed fetch (HTTP 500) and sent the
// request again, twice, 1 s and 4 s later. A real 5xx is still retried.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { publishToGitHub } from "../../src/github/publish-to-github.js";
import { type GitHubEmulator, githubFault } from "../emulators/github.js";
import { failing, recordingLog, runContext, settings, startGitHub } from "./github-fixtures.js";

describe("the gate's own refusals are not retried", () => {
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
  const posts = () => github.requests.filter((request) => request.method === "POST" && request.path.endsWith("/comments"));

  it("a 307 to another origin: the POST is sent once, refused, not sent again", async () => {
    github.faults.push({
      match: /^POST .*\/comments$/,
      fault: { kind: "status", status: 307, headers: { location: `${elsewhere.url}/repos/owner/repo/issues/7/comments` } },
    });
    const log = recordingLog();
    const started = Date.now();
    const outcome = await publishToGitHub(failing, runContext(github.url), settings(), log);

    expect(outcome.commentUrl).toBeUndefined();
    expect(posts()).toHaveLength(1);
    expect(elsewhere.requests).toHaveLength(0);
    expect(log.warnings()).toEqual([expect.stringContaining("to another origin")]);
    expect(Date.now() - started).toBeLessThan(900);
  });

  it("too many redirects on the API's own origin: followed up to the cap once, not three times", async () => {
    github.faults.push({
      match: /^POST .*\/comments$/,
      fault: { kind: "status", status: 307, headers: { location: `${github.url}/repos/owner/repo/issues/7/comments` } },
    });
    const log = recordingLog();
    await publishToGitHub(failing, runContext(github.url), settings(), log);

    // The first request and MAX_REDIRECTS (5) hops.
    expect(posts()).toHaveLength(6);
    expect(log.warnings()).toEqual([expect.stringContaining("too many redirects")]);
  });

  it("a pagination Link to another origin: refused at once, with no retry waits", async () => {
    github.faults.push({
      match: /^GET .*\/comments$/,
      fault: {
        kind: "status",
        status: 200,
        body: [],
        headers: { link: `<${elsewhere.url}/repos/owner/repo/issues/7/comments?page=2>; rel="next"` },
      },
    });
    const log = recordingLog();
    const started = Date.now();
    await publishToGitHub(failing, runContext(github.url), settings(), log);

    expect(github.requests.filter((request) => request.method === "GET")).toHaveLength(1);
    expect(elsewhere.requests).toHaveLength(0);
    expect(log.warnings()).toEqual([expect.stringContaining("is not on GITHUB_API_URL's origin")]);
    // Retried, the refusal waited 1 s and then 4 s.
    expect(Date.now() - started).toBeLessThan(900);
  });

  it("an answer past the size cap: read once, not asked for again", async () => {
    const chunk = Buffer.alloc(1 << 20, 0x20);
    let connections = 0;
    const flood = createServer((req, res) => {
      connections++;
      res.writeHead(200, { "content-type": "application/json; charset=utf-8" });
      const pump = () => {
        while (!res.destroyed && res.write(chunk)) {}
      };
      res.on("drain", pump);
      req.socket.on("close", () => res.destroy());
      pump();
    });
    await new Promise<void>((resolve) => flood.listen(0, "127.0.0.1", resolve));
    try {
      const api = `http://127.0.0.1:${(flood.address() as AddressInfo).port}`;
      const log = recordingLog();
      await publishToGitHub(failing, runContext(api), settings({ requestTimeoutMs: 20_000, budgetMs: 60_000 }), log);

      expect(connections).toBe(1);
      expect(log.warnings()).toEqual([expect.stringContaining("MiB: not read")]);
    } finally {
      flood.closeAllConnections();
      flood.close();
    }
  }, 40_000);

  it("a real 502 is still retried (twice) and then written", async () => {
    github.faults.push({ match: /^POST .*\/comments$/, fault: { ...githubFault(502, "Bad Gateway"), times: 2 } });
    const log = recordingLog();
    const outcome = await publishToGitHub(failing, runContext(github.url), settings(), log);

    expect(posts()).toHaveLength(3);
    expect(outcome.commentUrl).toBeDefined();
    expect(log.warnings()).toEqual([]);
  }, 20_000);
});
