// gateFetch from source (vitest loads src/proxied-fetch.ts where the bundle
// requires dist/proxied-fetch.js): behind a real proxy (npm `proxy`) a request
// goes through a CONNECT tunnel, a redirect is still returned, not followed,
// and the caller's timeout still holds.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { createProxy } from "proxy";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { gateFetch } from "../../src/fetch.js";
import { boundedFetch } from "../../src/probes/http.js";

const listen = async (server: Server) => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

describe("gateFetch behind a proxy", () => {
  const tunnels: string[] = [];
  const proxy = createProxy(createServer());
  const target = createServer((req, res) => {
    if (req.url === "/hang") return;
    if (req.url === "/redirect") return void res.writeHead(302, { location: "http://elsewhere.test/steal" }).end();
    res.end("ok");
  });
  let proxyUrl = "";
  let targetUrl = "";

  beforeAll(async () => {
    proxy.on("connect", (req: IncomingMessage, _socket: Socket) => tunnels.push(req.url ?? ""));
    proxyUrl = await listen(proxy);
    targetUrl = await listen(target);
    process.env.HTTP_PROXY = proxyUrl;
  });
  afterEach(() => {
    tunnels.length = 0;
  });
  afterAll(() => {
    delete process.env.HTTP_PROXY;
    proxy.close();
    target.closeAllConnections();
    target.close();
  });

  it("tunnels the request through the proxy", async () => {
    const response = await gateFetch(`${targetUrl}/`, {});
    expect(await response.text()).toBe("ok");
    expect(tunnels).toEqual([new URL(targetUrl).host]);
  });

  it("returns a redirect as it is (redirect: manual), never following it", async () => {
    const outcome = await boundedFetch(`${targetUrl}/redirect`, { headers: {}, signal: new AbortController().signal, bodyCap: 1024 });
    expect(outcome).toMatchObject({ kind: "response", status: 302, redirectedTo: "http://elsewhere.test" });
    expect(tunnels).toEqual([new URL(targetUrl).host]);
  });

  it("keeps the per-call timeout", async () => {
    const started = performance.now();
    const outcome = await boundedFetch(`${targetUrl}/hang`, {
      headers: {},
      signal: new AbortController().signal,
      bodyCap: 1024,
      timeoutMs: 300,
    });
    expect(outcome).toMatchObject({ kind: "error", failure: { class: "timeout" } });
    expect(performance.now() - started).toBeLessThan(3_000);
  });

  it("NO_PROXY: directly", async () => {
    process.env.NO_PROXY = "127.0.0.1";
    try {
      const response = await gateFetch(`${targetUrl}/`, {});
      expect(await response.text()).toBe("ok");
      expect(tunnels).toEqual([]);
    } finally {
      delete process.env.NO_PROXY;
    }
  });
});
