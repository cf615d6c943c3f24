// The GitHub token goes only to GITHUB_API_URL's origin: not only on a redirect
// (github-transport.test.ts) but on any URL a GitHub answer hands Octokit to
// request next, such as a pagination Link header, which Octokit follows with
// the token whatever its origin.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { publishToGitHub } from "../../src/github/publish-to-github.js";
import type { GitHubEmulator } from "../emulators/github.js";
import { failing, recordingLog, runContext, settings, startGitHub, WRITE_TOKEN } from "./github-fixtures.js";

describe("the GitHub token stays on GITHUB_API_URL's origin", () => {
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

  const nothingElsewhere = () => {
    expect(elsewhere.requests).toHaveLength(0);
    for (const request of elsewhere.requests) expect(JSON.stringify(request)).not.toContain(WRITE_TOKEN);
  };

  it.each([
    ["another port", (other: string) => other],
    ["userinfo naming the API host", (other: string, api: string) => other.replace("http://", `http://${new URL(api).host}@`)],
  ])("a pagination Link to %s is not requested: the token does not go there", async (_, next) => {
    github.faults.push({
      match: /^GET .*\/comments$/,
      fault: {
        kind: "status",
        status: 200,
        body: [],
        headers: { link: `<${next(elsewhere.url, github.url)}/repos/owner/repo/issues/7/comments?page=2>; rel="next"` },
        times: 1,
      },
    });
    const log = recordingLog();
    const outcome = await publishToGitHub(failing, runContext(github.url), settings(), log);

    nothingElsewhere();
    expect(outcome.commentUrl).toBeUndefined();
    expect(log.warnings()).toEqual([expect.stringContaining("could not write the PR comment (the gate's result stands)")]);
    expect(log.warnings().join("\n")).not.toContain("/repos/owner/repo/issues/7/comments?page=2");
  });

  it("a pagination Link on the API's own origin is still followed", async () => {
    github.faults.push({
      match: /^GET .*\/comments$/,
      fault: {
        kind: "status",
        status: 200,
        body: [],
        headers: { link: `<${github.url}/repos/owner/repo/issues/7/comments?page=2>; rel="next"` },
        times: 1,
      },
    });
    const log = recordingLog();
    const outcome = await publishToGitHub(failing, runContext(github.url), settings(), log);

    expect(log.warnings()).toEqual([]);
    expect(outcome.commentUrl).toBeDefined();
    expect(github.requests.some((request) => request.path.includes("page=2"))).toBe(true);
  });

  it.each([
    ["userinfo naming the API host", (other: string, api: string) => other.replace("http://", `http://${new URL(api).host}@`)],
    ["a scheme-relative Location", (other: string) => other.replace("http:", "")],
    ["a backslash Location", (other: string) => other.replace("http://", "/\\")],
    ["the API host with a trailing dot", (_: string, api: string) => api.replace("127.0.0.1", "127.0.0.1.")],
    ["the API host as an IPv4-mapped IPv6 address", (_: string, api: string) => api.replace("127.0.0.1", "[::ffff:127.0.0.1]")],
    ["https on the API's host and port", (_: string, api: string) => api.replace("http:", "https:")],
  ])("a 307 to %s is not followed: the token stays home", async (_, target) => {
    github.faults.push({
      match: /^POST .*\/comments$/,
      fault: {
        kind: "status",
        status: 307,
        headers: { location: `${target(elsewhere.url, github.url)}/repos/owner/repo/issues/7/comments` },
      },
    });
    const log = recordingLog();
    const outcome = await publishToGitHub(failing, runContext(github.url), settings(), log);

    nothingElsewhere();
    expect(outcome.commentUrl).toBeUndefined();
    expect(log.warnings().join("\n")).not.toContain("/repos/owner/repo/issues/7/comments");
  });

  it("an answer that never ends is cut at the cap, not read into memory until the timeout", async () => {
    const chunk = Buffer.alloc(1 << 20, 0x20);
    const written: number[] = [];
    const flood = createServer((req, res) => {
      const index = written.push(0) - 1;
      res.writeHead(200, { "content-type": "application/json; charset=utf-8" });
      const pump = () => {
        while (!res.destroyed && res.write(chunk)) written[index] = (written[index] ?? 0) + chunk.length;
      };
      res.on("drain", pump);
      req.socket.on("close", () => res.destroy());
      pump();
    });
    await new Promise<void>((resolve) => flood.listen(0, "127.0.0.1", resolve));
    try {
      const api = `http://127.0.0.1:${(flood.address() as AddressInfo).port}`;
      const log = recordingLog();
      const started = Date.now();
      const outcome = await publishToGitHub(failing, runContext(api), settings({ requestTimeoutMs: 20_000, budgetMs: 60_000 }), log);

      expect(outcome.commentUrl).toBeUndefined();
      expect(log.warnings()).toEqual([expect.stringContaining("could not write the PR comment (the gate's result stands)")]);
      expect(log.warnings()[0]).toContain("MiB");
      // Each attempt stops near the cap (64 MiB, plus what the sockets buffer), long before its 20 s timeout.
      expect(written.length).toBeGreaterThan(0);
      for (const bytes of written) expect(bytes).toBeLessThan(96 * 2 ** 20);
      expect(Date.now() - started).toBeLessThan(20_000);
    } finally {
      flood.closeAllConnections();
      flood.close();
    }
  }, 40_000);

  describe("behind a proxy URL no client can use", () => {
    const saved = { ...process.env };
    afterEach(() => {
      for (const name of ["HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY"]) {
        if (saved[name] === undefined) delete process.env[name];
        else process.env[name] = saved[name];
      }
    });

    it.each([
      ["407", "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=x\r\nContent-Length: 0\r\n\r\n"],
      ["302", "HTTP/1.1 302 Found\r\nLocation: ELSEWHERE/steal\r\nContent-Length: 0\r\n\r\n"],
    ])("a proxy answering CONNECT with %s: a warning naming the proxy, nothing reaches GitHub or the Location", async (status, answer) => {
      const proxy = createServer((_, res) => res.writeHead(502).end());
      proxy.on("connect", (_req, socket) => socket.end(answer.replace("ELSEWHERE", elsewhere.url)));
      await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
      try {
        const proxyUrl = `http://gate:Pr0xyCanaryPassw0rd7f3e@127.0.0.1:${(proxy.address() as AddressInfo).port}`;
        process.env.HTTPS_PROXY = proxyUrl;
        process.env.HTTP_PROXY = proxyUrl;
        delete process.env.NO_PROXY;
        const log = recordingLog();
        const outcome = await publishToGitHub(failing, runContext(github.url), settings(), log);

        expect(outcome.commentUrl).toBeUndefined();
        expect(github.requests).toHaveLength(0);
        nothingElsewhere();
        const warnings = log.warnings().join("\n");
        expect(warnings).toContain(
          `the proxy http://127.0.0.1:${(proxy.address() as AddressInfo).port} failed the request to ${github.url}`,
        );
        expect(warnings).toContain(`HTTP ${status}`);
        expect(warnings).not.toContain("Pr0xyCanaryPassw0rd7f3e");
        expect(warnings).not.toContain("/steal");
      } finally {
        proxy.closeAllConnections();
        proxy.close();
      }
    });

    it.each(["http://gate:Pr0xyCan/aryPassw0rd7f3e@127.0.0.1:3128", "socks5://gate:Pr0xyCanaryPassw0rd7f3e@127.0.0.1:1080"])(
      "%s: a warning naming the proxy variables, no part of the URL, nothing sent",
      async (proxy) => {
        process.env.HTTPS_PROXY = proxy;
        process.env.HTTP_PROXY = proxy;
        delete process.env.NO_PROXY;
        const log = recordingLog();
        const outcome = await publishToGitHub(failing, runContext(github.url), settings(), log);

        expect(outcome.commentUrl).toBeUndefined();
        expect(github.requests).toHaveLength(0);
        const warnings = log.warnings().join("\n");
        expect(warnings).toContain("HTTPS_PROXY");
        for (const part of ["Pr0xyCan", "aryPassw0rd7f3e"]) expect(warnings).not.toContain(part);
      },
    );
  });
});
