// /health against a real local backend: warming 503s, Retry-After, JSON fields,
// latency, body cap, the run's deadline, and the ID token header.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { backoff, probeHealth as rawProbeHealth } from "../../src/probes/health.js";
import { parseRetryAfter } from "../../src/wait.js";
import { type Backend, type BackendBehaviour, startBackend } from "../emulators/backend.js";
import { newScenario } from "../emulators/scenario.js";
import { shown } from "./shown.js";

const probeHealth = async (...args: Parameters<typeof rawProbeHealth>) => shown(await rawProbeHealth(...args));
const retryAfter = (header: string, now?: number) => parseRetryAfter(header, 30_000, now);

const open: Backend[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((backend) => backend.close()));
});

async function backend(behaviour: Partial<BackendBehaviour> = {}): Promise<Backend> {
  const started = await startBackend(newScenario(), "backend-staging", behaviour);
  open.push(started);
  return started;
}

const fast = { backoffBaseMs: 5 };
const signal = () => AbortSignal.timeout(20_000);

describe("probeHealth", () => {
  it("passes on 200 with the expected JSON fields, by dotted path", async () => {
    const server = await backend({ health: { status: "healthy", db: { status: "connected" } } });
    const findings = await probeHealth(
      server.url,
      { path: "/health", expect_status: 200, expect_json: { status: "healthy", "db.status": "connected" } },
      { signal: signal() },
    );
    expect(findings.map((finding) => [finding.id, finding.status])).toEqual([
      ["health.status", "pass"],
      ["health.json", "pass"],
    ]);
  });

  it("names each field that differs or is missing", async () => {
    const server = await backend({ health: { status: "degraded" } });
    const findings = await probeHealth(
      server.url,
      { path: "/health", expect_status: 200, expect_json: { status: "healthy", database_status: "connected" } },
      { signal: signal() },
    );
    expect(findings.filter((finding) => finding.status === "fail").map((finding) => finding.message)).toEqual([
      '/health field status is "degraded", expected "healthy"',
      '/health field database_status is missing, expected "connected"',
    ]);
  });

  it("retries 503s while the revision warms up, then passes", async () => {
    const server = await backend({ healthFailures: 2 });
    const findings = await probeHealth(server.url, { path: "/health", expect_status: 200 }, { signal: signal(), ...fast });
    expect(findings[0]).toMatchObject({ id: "health.status", status: "pass" });
    expect(server.healthCalls).toBe(3);
  });

  it("gives up after the configured retries, saying how many attempts it made", async () => {
    const server = await backend({ healthFailures: 10 });
    const findings = await probeHealth(server.url, { path: "/health", expect_status: 200, retries: 2 }, { signal: signal(), ...fast });
    expect(findings).toEqual([expect.objectContaining({ id: "health.status", status: "fail", found: "503" })]);
    expect(findings[0]?.message).toContain("after 3 attempts");
    expect(findings[0]?.message).toContain('"warming up"');
    expect(server.healthCalls).toBe(3);
  });

  it("honours Retry-After over its own backoff", async () => {
    const server = await backend({ healthFailures: 1, healthRetryAfter: "1" });
    const started = performance.now();
    const findings = await probeHealth(server.url, { path: "/health", expect_status: 200 }, { signal: signal(), ...fast });
    expect(findings[0]?.status).toBe("pass");
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
  });

  it("does not retry a 404: waiting will not make the path appear", async () => {
    const server = await backend();
    const findings = await probeHealth(server.url, { path: "/healthz", expect_status: 200 }, { signal: signal(), ...fast });
    expect(findings).toEqual([expect.objectContaining({ id: "health.status", found: "404" })]);
    expect(server.healthCalls).toBe(0);
  });

  it("warns when the answer is over the latency budget", async () => {
    const server = await backend({ healthDelayMs: 150 });
    const findings = await probeHealth(server.url, { path: "/health", expect_status: 200, max_latency_ms: 50 }, { signal: signal() });
    expect(findings.map((finding) => finding.id)).toEqual(["health.status", "health.latency"]);
    expect(findings[1]?.status).toBe("warn");
  });

  it("stops at the run's deadline instead of waiting out the retries", async () => {
    const server = await backend({ healthFailures: 100, healthRetryAfter: "20" });
    const started = performance.now();
    const findings = await probeHealth(
      server.url,
      { path: "/health", expect_status: 200, retries: 10 },
      { signal: AbortSignal.timeout(300) },
    );
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(findings[0]).toMatchObject({ id: "health.status", status: "fail" });
  });

  it("reads at most max_body_bytes, and says so when the JSON is cut", async () => {
    const server = await backend({ health: { status: "healthy", padding: "x".repeat(10_000) } });
    const findings = await probeHealth(
      server.url,
      { path: "/health", expect_status: 200, expect_json: { status: "healthy" }, max_body_bytes: 1_000 },
      { signal: signal() },
    );
    expect(findings[1]).toMatchObject({ id: "health.json", status: "fail" });
    expect(findings[1]?.message).toContain("larger than max_body_bytes");
  });

  it("classifies a refused connection", async () => {
    const server = await backend();
    const url = server.url;
    await server.close();
    const findings = await probeHealth(url, { path: "/health", expect_status: 200, retries: 1 }, { signal: signal(), ...fast });
    expect(findings).toEqual([expect.objectContaining({ id: "health.unreachable", found: "refused" })]);
  });

  it("sends the method and headers it is given (the ID token for a private service), and never echoes them", async () => {
    const seen: { method?: string; auth?: string } = {};
    const server = createServer((req, res) => {
      seen.method = String(req.method);
      seen.auth = String(req.headers["x-serverless-authorization"]);
      res.writeHead(401).end(`bad token ${req.headers["x-serverless-authorization"]}`);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const header = "Bearer eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL3gifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ";
      const findings = await probeHealth(
        url,
        { path: "/health", expect_status: 200, method: "POST" },
        { signal: signal(), headers: { "X-Serverless-Authorization": header } },
      );
      expect(seen).toEqual({ method: "POST", auth: header });
      expect(findings[0]?.found).toBe("401");
      expect(JSON.stringify(findings)).not.toContain("eyJhdWQiOiJodHRwczovL3gifQ");
    } finally {
      server.close();
    }
  });
});

describe("backoff and Retry-After", () => {
  it("doubles up to a cap, with jitter in the upper half", () => {
    expect([1, 2, 3, 4, 10].map((attempt) => backoff(attempt, 250, () => 0))).toEqual([125, 250, 500, 1000, 4000]);
    expect([1, 2, 3, 4, 10].map((attempt) => backoff(attempt, 250, () => 1))).toEqual([250, 500, 1000, 2000, 8000]);
  });

  it.each([
    ["3", 3_000],
    ["0", 0],
    ["3600", 30_000],
    ["", undefined],
    ["soon", undefined],
  ])("Retry-After %j waits %j ms", (header, expected) => {
    expect(retryAfter(header)).toBe(expected);
  });

  it("reads an HTTP date", () => {
    const now = Date.parse("2025-01-01T00:00:00Z");
    expect(retryAfter("Wed, 01 Jan 2025 00:00:05 GMT", now)).toBe(5_000);
  });
});
