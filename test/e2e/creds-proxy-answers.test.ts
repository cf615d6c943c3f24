// A proxy that answers CONNECT itself, with a redirect or a 407: the answer is the
// proxy's (an `error`, the revision not blamed), never the target's, and its
// Location is neither followed nor quoted, for the probes and for Google alike.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmulatorServer, serveJson } from "../emulators/http.js";
import { addSecret, deploy } from "../emulators/scenario.js";
import { checksOf, reportOf, runAction } from "./harness.js";
import { startWorld, type World } from "./world.js";

const SECRET = "canary-creds-proxy2-3e5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a";
const MANIFEST = `region: us-central1
services:
  ws-backend:
    jwt: { secret_env: JWT_SECRET_STAGING, claims: { sub: deploy-gate } }
    health: {}
    websocket: { path: /ws }
    http:
      - { path: /api/me, with_token: true }
`;

describe("a proxy that answers CONNECT itself", () => {
  let world: World;
  let proxy: Server;
  let proxyUrl: string;
  let elsewhere: EmulatorServer;
  let answer = "";
  beforeAll(async () => {
    world = await startWorld({ "ws-backend": {} });
    addSecret(world.scenario, "jwt-secret-staging", SECRET);
    elsewhere = await serveJson(() => ({ status: 200, body: { status: "healthy" } }));
    proxy = createServer((_, res) => res.writeHead(502).end());
    proxy.on("connect", (_req, socket) => socket.end(answer.replace("ELSEWHERE", elsewhere.url)));
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    proxy.closeAllConnections();
    await new Promise((resolve) => proxy.close(resolve));
    await Promise.all([world.close(), elsewhere.close()]);
  });

  it.each([
    ["HTTP 302", "HTTP/1.1 302 Found\r\nLocation: ELSEWHERE/steal?x=1\r\nContent-Length: 0\r\n\r\n"],
    ["HTTP 407", "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=x\r\nContent-Length: 0\r\n\r\n"],
  ])("%s to CONNECT: the probes' and Google's requests are proxy errors, nothing follows the answer", async (status, text) => {
    answer = text;
    for (const host of ["localhost", "127.0.0.1"]) {
      deploy(world.scenario, "ws-backend", {
        url: world.backends.get("ws-backend")!.url.replace("127.0.0.1", host),
        secrets: { JWT_SECRET_STAGING: "jwt-secret-staging:latest" },
      });
      // localhost: Google directly (NO_PROXY=127.0.0.1), the probes through the proxy; 127.0.0.1: everything through it.
      const run = await runAction(world.inputs(await world.writeManifest(MANIFEST)), {
        HTTPS_PROXY: proxyUrl,
        HTTP_PROXY: proxyUrl,
        ...(host === "localhost" ? { NO_PROXY: "127.0.0.1" } : {}),
      });

      expect(elsewhere.requests).toEqual([]);
      expect(run.everything).not.toContain(SECRET);
      expect(run.everything).not.toContain("/steal");
      expect(run.outputs.result).toBe("error");
      const messages =
        host === "localhost"
          ? ["health.proxy_error", "http.proxy_error", "ws.proxy_error"].map((id) => {
              const check = checksOf(run.outputs).find((found) => found.id === id);
              expect(check?.status, id).toBe("error");
              return check?.message;
            })
          : [reportOf(run.outputs).checks?.[0]?.message];
      for (const message of messages) {
        expect(message).toContain(`the proxy ${proxyUrl} failed the request to`);
        expect(message).toContain(status);
      }
      if (host === "localhost") expect(checksOf(run.outputs).filter((check) => check.status === "fail")).toEqual([]);
    }
  });
});
