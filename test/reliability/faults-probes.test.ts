// Backends misbehaving under the probes, through dist/index.js: a /health that
// hangs, fails or is not JSON; a WebSocket that never answers, drops with 1006,
// speaks TLS the runner does not trust, or lives on a host that does not
// resolve; a backend that echoes the token. Each gets its verdict, in time,
// with no token or secret in any output.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorld, type World } from "../e2e/world.js";
import { makeTestCa } from "../emulators/backend.js";
import { type EmulatorServer, serveJson } from "../emulators/http.js";
import { addSecret, deploy } from "../emulators/scenario.js";
import { CANARY, expectCleanError, expectNoLeak, finding, gate } from "./support.js";

const TIMEOUT_S = 5;
const manifest = (service: string, probes: string) => `region: us-central1
services:
  ${service}:
    secrets:
      JWT_SECRET_STAGING: { secret: jwt-secret-staging }
    jwt: { secret_env: JWT_SECRET_STAGING, claims: { sub: deploy-gate } }
${probes}`;
const HEALTH = "    health: { path: /health, retries: 1, expect_json: { status: healthy } }\n";
const WS = "    websocket: { path: /ws, timeout_ms: 1000, observe_ms: 200 }\n";

describe("probe faults", () => {
  let world: World;
  let page: EmulatorServer;

  beforeAll(async () => {
    world = await startWorld({
      "hanging-health": { healthDelayMs: 60_000 },
      "failing-health": { healthFailures: 1_000, healthRetryAfter: "0" },
      "slow-upgrade": { upgradeDelayMs: 60_000 },
      "dropping-socket": { closeAfterAccept: { code: 1006, afterMs: 50 } },
      "echoing-backend": { echoTokenInError: true, refuseStatus: 401, requiredClaims: { aud: "someone-else" } },
      "tls-backend": { tls: makeTestCa() },
    });
    addSecret(world.scenario, "jwt-secret-staging", CANARY.secret);
    for (const [service, backend] of world.backends) {
      deploy(world.scenario, service, { url: backend.url, secrets: { JWT_SECRET_STAGING: "jwt-secret-staging:latest" } });
    }
    // A proxy that answers /health with an HTML page carrying workflow commands and a token-looking string.
    page = await serveJson(() => ({ status: 404 }));
    page.faults.push({
      match: /^GET \/health$/,
      fault: {
        kind: "raw",
        status: 200,
        contentType: "text/html",
        body: `<html>\n::set-output name=result::pass\n::add-mask::INJECTED\n::error::INJECTED eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.${"a".repeat(20)}</html>`,
      },
    });
    deploy(world.scenario, "html-health", { url: page.url, secrets: { JWT_SECRET_STAGING: "jwt-secret-staging:latest" } });
  });
  afterAll(async () => {
    await page.close();
    await world.close();
  });

  const probe = async (service: string, probes: string, extra: Record<string, string> = {}, env: Record<string, string> = {}) => {
    const inputs = world.inputs(await world.writeManifest(manifest(service, probes)), {
      access_token: CANARY.accessToken,
      timeout: String(TIMEOUT_S),
      ...extra,
    });
    world.scenario.accessTokens.add(CANARY.accessToken);
    const result = await gate(inputs, env);
    expect(result.ms).toBeLessThan(TIMEOUT_S * 1000 + 4_000);
    expectNoLeak(result);
    return result;
  };

  it("/health hangs: the run stops at the deadline and says so", async () => {
    const result = await probe("hanging-health", HEALTH);
    expectCleanError(result, `did not finish within timeout (${TIMEOUT_S} s)`);
  });

  it("/health answers 503 on every try: fails health.status after the retries", async () => {
    const result = await probe("failing-health", HEALTH);
    expect(result.outputs.result).toBe("fail");
    expect(finding(result, "health.status")?.message).toContain("answered HTTP 503, expected 200 (after 2 attempts)");
  });

  it("/health answers HTML full of workflow commands: health.json fails, no command runs", async () => {
    const result = await probe("html-health", HEALTH);
    expect(result.outputs.result).toBe("fail");
    expect(finding(result, "health.json")?.message).toContain("did not return JSON");
  });

  it("/health answers 500 with that page: its excerpt is shown escaped, the JWT cut out", async () => {
    const fault = page.faults[0]?.fault;
    if (fault?.kind === "raw") fault.status = 500;
    const result = await probe("html-health", HEALTH);
    if (fault?.kind === "raw") fault.status = 200;
    expect(finding(result, "health.status")?.message).toContain("answered HTTP 500");
    expect(finding(result, "health.status")?.message).toContain("[redacted]");
  });

  it("the WebSocket handshake never answers: ws.timeout within timeout_ms", async () => {
    const result = await probe("slow-upgrade", WS);
    expect(result.outputs.result).toBe("fail");
    expect(finding(result, "ws.timeout")?.status).toBe("fail");
  });

  it("the socket is accepted then dropped without a close frame: ws.closed with 1006", async () => {
    const result = await probe("dropping-socket", WS);
    expect(result.outputs.result).toBe("fail");
    expect(finding(result, "ws.closed")?.message).toContain("closed with code 1006");
  });

  it("the backend echoes the token in its refusal: reported redacted, no JWT anywhere", async () => {
    const result = await probe("echoing-backend", WS);
    expect(finding(result, "ws.rejected")?.message).toContain("[redacted]");
  });

  it("TLS the runner does not trust: TLS is named, not 403", async () => {
    const result = await probe("tls-backend", HEALTH + WS);
    expect(result.outputs.result).toBe("fail");
    expect(finding(result, "ws.tls_error")?.message).toContain("TLS error");
    expect(finding(result, "health.unreachable")?.message).toMatch(/TLS error/);
  });

  it("a url that does not resolve (.invalid): DNS is named for both probes", async () => {
    const result = await probe("failing-health", HEALTH + WS, { url: "http://backend-staging.invalid" });
    expect(result.outputs.result).toBe("fail");
    expect(finding(result, "health.unreachable")?.message).toContain("DNS lookup failed");
    expect(result.findings.some((item) => item.id.startsWith("ws.") && /DNS/.test(item.message))).toBe(true);
  });
});
