// Google's requests go through src/gcp/transport.ts (gaxios's fetchImplementation), not node-fetch.
// Through the same AuthClient and REST wrapper a run uses, against a real server on 127.0.0.1: what
// is sent, and that every answer stays bounded (size, time, redirects) however the server behaves.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiError } from "../../src/gcp/api-error.js";
import { authenticate } from "../../src/gcp/auth/index.js";
import { googleRest } from "../../src/gcp/rest.js";
import { TransportResponse, transportFetch } from "../../src/gcp/transport.js";

type Handler = (request: IncomingMessage, body: string, response: ServerResponse) => void;

describe("the Google transport", () => {
  let server: Server;
  let origin: string;
  let handler: Handler = (_request, _body, response) => response.end("{}");
  const seen: { method: string; url: string; headers: IncomingMessage["headers"]; body: string }[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = "";
      request.setEncoding("utf8");
      request.on("data", (chunk: string) => (body += chunk));
      request.on("end", () => {
        seen.push({ method: request.method ?? "", url: request.url ?? "", headers: request.headers, body });
        handler(request, body, response);
      });
    });
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  const rest = async (signal = new AbortController().signal) => {
    const credentials = await authenticate({ accessToken: "ya29.transport-test", env: {} } as never, signal);
    return googleRest(credentials.client, origin, "https://run.googleapis.com");
  };
  const failure = async (call: Promise<unknown>) => {
    try {
      await call;
    } catch (error) {
      return apiError(error, "the call").message;
    }
    throw new Error("the call did not fail");
  };

  it("sends the token, JSON and the method, asks for no compression, and reads the JSON answer", async () => {
    handler = (_request, _body, response) => {
      response.writeHead(200, { "content-type": "application/json; charset=utf-8" });
      response.end(JSON.stringify({ name: "ok", list: [1, 2] }));
    };
    const api = await rest();
    seen.length = 0;
    const signal = new AbortController().signal;
    expect((await api.get("v2/a", signal, { pageSize: 10 })).data).toEqual({ name: "ok", list: [1, 2] });
    expect((await api.post("v2/b:getIamPolicy", { options: { requestedPolicyVersion: 3 } }, signal)).data).toEqual({
      name: "ok",
      list: [1, 2],
    });
    const [get, post] = seen;
    expect(get).toMatchObject({ method: "GET", url: "/v2/a?pageSize=10" });
    expect(get?.headers.authorization).toBe("Bearer ya29.transport-test");
    expect(get?.headers["accept-encoding"]).toBeUndefined();
    expect(post).toMatchObject({ method: "POST", body: JSON.stringify({ options: { requestedPolicyVersion: 3 } }) });
    expect(post?.headers["content-type"]).toBe("application/json");
    expect(post?.headers["content-length"]).toBe(String(post?.body.length));
  });

  it("gives a form body fetch's own Content-Type (STS posts URLSearchParams)", async () => {
    handler = (_request, _body, response) => response.end("{}");
    seen.length = 0;
    await transportFetch(`${origin}/token`, { method: "POST", body: new URLSearchParams({ grant_type: "x", b: "1 2" }) });
    expect(seen[0]?.headers["content-type"]).toBe("application/x-www-form-urlencoded;charset=UTF-8");
    expect(seen[0]?.body).toBe("grant_type=x&b=1+2");
  });

  it("returns a redirect as it is: nothing is sent to its Location", async () => {
    handler = (_request, _body, response) => {
      response.writeHead(307, { location: "http://127.0.0.2:1/steal" });
      response.end();
    };
    const api = await rest();
    seen.length = 0;
    expect(await failure(api.get("v2/a", new AbortController().signal))).toMatch(/redirect to http:\/\/127\.0\.0\.2:1/);
    expect(seen).toHaveLength(1);
  });

  it("an answer that streams past the cap without a Content-Length: refused while it streams", async () => {
    let written = 0;
    handler = (_request, _body, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      const chunk = Buffer.alloc(256 * 1024, 0x20);
      const pump = () => {
        while (!response.destroyed && written < 64 * 1024 * 1024) {
          written += chunk.length;
          if (!response.write(chunk)) return void response.once("drain", pump);
        }
        response.end();
      };
      pump();
    };
    const started = performance.now();
    const answer = transportFetch(`${origin}/big`, { size: 1024 * 1024 });
    await expect(answer).rejects.toMatchObject({ name: "FetchError", type: "max-size" });
    expect(performance.now() - started).toBeLessThan(5_000);
    // The connection was cut: the server stopped well short of its 64 MiB.
    await new Promise((done) => setTimeout(done, 50));
    expect(written).toBeLessThan(32 * 1024 * 1024);
  });

  it("a compressed answer nobody asked for: inflated, and held to the same cap (no zip bomb)", async () => {
    const small = gzipSync(JSON.stringify({ ok: true }));
    const bomb = gzipSync(Buffer.alloc(4 * 1024 * 1024, 0x20));
    handler = (request, _body, response) => {
      response.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" });
      response.end(request.url === "/bomb" ? bomb : small);
    };
    const answer = await transportFetch(`${origin}/small`, { size: 1024 * 1024 });
    expect(await answer.json()).toEqual({ ok: true });
    expect(bomb.length).toBeLessThan(1024 * 1024);
    await expect(transportFetch(`${origin}/bomb`, { size: 1024 * 1024 })).rejects.toMatchObject({ type: "max-size" });
  });

  it("the signal ends a call whose body never finishes, at once", async () => {
    handler = (_request, _body, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.write('{"name":');
    };
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = performance.now();
    await expect(transportFetch(`${origin}/slow`, { signal: controller.signal })).rejects.toMatchObject({ name: "AbortError" });
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it("an answer cut off mid-body is a network error, not a short answer", async () => {
    handler = (_request, _body, response) => {
      response.writeHead(200, { "content-type": "application/json", "content-length": "1000" });
      response.write('{"name":"half');
      setTimeout(() => response.socket?.destroy(), 20);
    };
    await expect(transportFetch(`${origin}/cut`)).rejects.toMatchObject({ name: "FetchError", type: "system" });
  });

  it("a refused connection keeps the system error's code (the message names it)", async () => {
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, "127.0.0.1", done));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((done) => closed.close(() => done()));
    const credentials = await authenticate({ accessToken: "ya29.transport-test", env: {} } as never, new AbortController().signal);
    const api = googleRest(credentials.client, `http://127.0.0.1:${port}`, "https://run.googleapis.com");
    expect(await failure(api.get("v2/a", new AbortController().signal))).toMatch(/network error ECONNREFUSED/);
  });

  it("refuses a body kind it cannot send whole, and schemes other than http(s)", async () => {
    const { Readable } = await import("node:stream");
    await expect(transportFetch(`${origin}/x`, { method: "POST", body: Readable.from(["a"]) })).rejects.toThrow(/not supported/);
    await expect(transportFetch("file:///etc/passwd")).rejects.toThrow(/not a scheme/);
  });

  it("answers with what gaxios reads: status, headers, text, json, bytes", async () => {
    handler = (_request, _body, response) => {
      response.writeHead(404, { "content-type": "application/json", "x-two": ["a", "b"] });
      response.end(JSON.stringify({ error: { status: "NOT_FOUND" } }));
    };
    const answer = await transportFetch(`${origin}/missing`);
    expect(answer).toBeInstanceOf(TransportResponse);
    expect(answer.status).toBe(404);
    expect(answer.ok).toBe(false);
    expect(answer.headers.get("x-two")).toBe("a, b");
    expect(answer.bodyUsed).toBe(false);
    expect(await answer.json()).toEqual({ error: { status: "NOT_FOUND" } });
    expect(answer.bodyUsed).toBe(true);
    expect(new TextDecoder().decode(await answer.arrayBuffer())).toContain("NOT_FOUND");
    const api = await rest();
    expect(await failure(api.get("v2/missing", new AbortController().signal))).toMatch(/not found \(HTTP 404 NOT_FOUND\)/);
  });
});
