// boundedFetch (node:http since issue 14's CPU work) against real servers on
// 127.0.0.1: a per-call timeout, the run's signal, a reset mid-body, a redirect
// never followed, and one kept-alive connection across calls (a `verify:` round
// after another).
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { boundedFetch } from "../../src/probes/http.js";

describe("boundedFetch", () => {
  let server: Server;
  let base: string;
  let connections = 0;
  const seen: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req.url ?? "");
      if (req.url === "/slow") return; // never answers
      if (req.url === "/reset") {
        res.writeHead(200, { "content-length": "100" });
        res.write("partial");
        setTimeout(() => req.socket.destroy(), 20);
        return;
      }
      if (req.url === "/redirect") {
        res.writeHead(302, { location: "http://127.0.0.2:9/elsewhere?token=x" }).end();
        return;
      }
      res.writeHead(200, { "content-type": "application/json" }).end('{"status":"healthy"}');
    });
    server.on("connection", () => connections++);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const options = (signal = new AbortController().signal) => ({ headers: {}, signal, bodyCap: 1024, timeoutMs: 300 });

  it("times out a server that never answers, within its own timeout", async () => {
    const started = Date.now();
    const outcome = await boundedFetch(`${base}/slow`, options());
    expect(outcome).toEqual({ kind: "error", failure: { class: "timeout", reason: "timed out" } });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("stops at the run's signal, and says it was the deadline", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("deadline")), 50);
    const outcome = await boundedFetch(`${base}/slow`, { ...options(controller.signal), timeoutMs: 5_000 });
    expect(outcome).toMatchObject({ kind: "error", failure: { class: "aborted" } });
  });

  it("reports a connection reset mid-body as a network failure, not a short answer", async () => {
    const outcome = await boundedFetch(`${base}/reset`, options());
    expect(outcome).toMatchObject({ kind: "error", failure: { class: "reset" } });
  });

  it("never follows a redirect: the answer names the target's origin only", async () => {
    const before = seen.length;
    const outcome = await boundedFetch(`${base}/redirect`, options());
    expect(outcome).toMatchObject({ kind: "response", status: 302, redirectedTo: "http://127.0.0.2:9" });
    expect(seen.slice(before)).toEqual(["/redirect"]);
  });

  it("keeps the connection alive from one call to the next", async () => {
    await boundedFetch(`${base}/health`, options());
    const after = connections;
    for (let call = 0; call < 3; call++) {
      expect(await boundedFetch(`${base}/health`, options())).toMatchObject({
        kind: "response",
        status: 200,
        body: '{"status":"healthy"}',
      });
    }
    expect(connections).toBe(after);
  });
});
