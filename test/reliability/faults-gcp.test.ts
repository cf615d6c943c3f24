// Cloud Run and Secret Manager misbehaving, through dist/index.js: each fault
// ends in the verdict a person would expect, well inside `timeout`, with no
// canary (secret value, access token) anywhere in what the run leaves behind.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startWorld, type World } from "../e2e/world.js";
import type { Fault } from "../emulators/http.js";
import { addSecret, deploy } from "../emulators/scenario.js";
import { CANARY, expectCleanError, expectNoLeak, finding, gate, ids } from "./support.js";

const MANIFEST = `region: us-central1
services:
  backend-staging:
    env:
      ENVIRONMENT: { equals: staging }
    secrets:
      JWT_SECRET_STAGING: { secret: jwt-secret-staging, min_bytes: 32 }
      SERVICE_SECRET: {}
`;
const TIMEOUT_S = 4;
const SERVICE = /^GET \/v2\/.*\/services\/backend-staging$/;
const JWT_VERSION = /^GET \/v1\/.*\/secrets\/jwt-secret-staging\/versions\/latest$/;
const JWT_ACCESS = /^GET \/v1\/.*\/secrets\/jwt-secret-staging\/versions\/latest:access$/;

describe("Google API faults", () => {
  let world: World;
  let manifest: string;

  const deployGood = (extra: Record<string, string> = {}) =>
    deploy(world.scenario, "backend-staging", {
      env: { ENVIRONMENT: "staging" },
      secrets: { JWT_SECRET_STAGING: "jwt-secret-staging:latest", SERVICE_SECRET: "service-secret:latest", ...extra },
    });
  const run = async (inputs: Record<string, string> = {}) => {
    const result = await gate(world.inputs(manifest, { access_token: CANARY.accessToken, timeout: String(TIMEOUT_S), ...inputs }));
    // Never past the deadline: process start, the deadline itself, the report.
    expect(result.ms).toBeLessThan(TIMEOUT_S * 1000 + 4_000);
    expectNoLeak(result);
    return result;
  };
  const cloudRunFault = (fault: Fault, match = SERVICE) => world.cloudRun.faults.push({ match, fault });
  const secretFault = (fault: Fault, match: RegExp) => world.secretManager.faults.push({ match, fault });
  const serviceJson = () => world.scenario.services.get("backend-staging")?.service;

  beforeAll(async () => {
    world = await startWorld();
    world.scenario.accessTokens.add(CANARY.accessToken);
    addSecret(world.scenario, "jwt-secret-staging", CANARY.secret);
    addSecret(world.scenario, "service-secret", CANARY.otherSecret);
    deployGood();
    manifest = await world.writeManifest(MANIFEST);
  });
  afterEach(() => {
    world.cloudRun.faults.length = 0;
    world.secretManager.faults.length = 0;
  });
  afterAll(() => world.close());

  it("baseline: the healthy service passes", async () => {
    const result = await run();
    expect(result.outputs.result).toBe("pass");
    expect(result.masked).toContain(CANARY.secret);
  });

  describe("Cloud Run", () => {
    it("404: error, says not found and what to check", async () => {
      cloudRunFault({ kind: "status", status: 404 });
      expectCleanError(await run(), "Cloud Run service backend-staging (us-central1): not found", "check the name, project and region");
    });

    it.each([403, 401])("%i: error, says permission denied and which role", async (status) => {
      cloudRunFault({ kind: "status", status });
      expectCleanError(await run(), `permission denied (HTTP ${status}`, "roles/run.viewer");
    });

    it("429 with a short Retry-After: waits it out and passes", async () => {
      cloudRunFault({ kind: "status", status: 429, headers: { "retry-after": "1" }, times: 1 });
      const result = await run();
      expect(result.outputs.result).toBe("pass");
      expect(result.ms).toBeGreaterThan(1_000);
    });

    it("429 with Retry-After of an hour: gives up inside the timeout, says 429", async () => {
      cloudRunFault({ kind: "status", status: 429, headers: { "retry-after": "3600" } });
      expectCleanError(await run(), /HTTP 429|did not finish within timeout/);
    });

    it("503 once: retried, passes", async () => {
      cloudRunFault({ kind: "status", status: 503, times: 1 });
      expect((await run()).outputs.result).toBe("pass");
    });

    it("503 always: error naming the status, with a retry hint", async () => {
      cloudRunFault({ kind: "status", status: 503 });
      expectCleanError(await run(), "HTTP 503 UNAVAILABLE", "retry");
    });

    it("connection dropped every time: error, a network error, not a crash", async () => {
      cloudRunFault({ kind: "drop" });
      expectCleanError(await run(), "Cloud Run service backend-staging", /network error|request failed/);
    });

    it("hangs: error at the deadline, not at the 15 s call timeout", async () => {
      cloudRunFault({ kind: "hang" });
      expectCleanError(await run(), `did not finish within timeout (${TIMEOUT_S} s)`);
    });

    it("HTML error page with 502: error naming the status", async () => {
      cloudRunFault({ kind: "raw", status: 502, contentType: "text/html", body: "<html><body>Bad Gateway</body></html>" });
      expectCleanError(await run(), "HTTP 502");
    });

    it("HTML with 200 (a captive portal): error, not 'no ready revision'", async () => {
      cloudRunFault({ kind: "raw", status: 200, contentType: "text/html", body: "<html>Sign in to the Wi-Fi</html>" });
      expectCleanError(await run(), "not Cloud Run API JSON");
    });

    it("an oversized body: error, the body is not read into the report", async () => {
      const body = JSON.stringify({ ...serviceJson(), padding: "x".repeat(9 * 1024 * 1024) });
      cloudRunFault({ kind: "raw", status: 200, contentType: "application/json", body });
      const result = await run();
      expectCleanError(result, "Cloud Run service backend-staging");
      expect(result.outputs.report?.length ?? 0).toBeLessThan(10_000);
    });

    it("unknown fields in service and revision: ignored, passes", async () => {
      const body = JSON.stringify({ ...serviceJson(), satisfiesPzs: true, futureThing: { nested: [1, 2, 3] } });
      cloudRunFault({ kind: "raw", status: 200, contentType: "application/json", body });
      expect((await run()).outputs.result).toBe("pass");
    });

    it("missing fields: a service with no revisions at all is a clear error", async () => {
      const { latestReadyRevision: _r, latestCreatedRevision: _c, trafficStatuses: _t, ...rest } = serviceJson() ?? {};
      cloudRunFault({ kind: "raw", status: 200, contentType: "application/json", body: JSON.stringify(rest) });
      expectCleanError(await run(), "has no ready revision");
    });

    it("missing fields: a revision without containers fails the missing vars, no crash", async () => {
      const service = serviceJson();
      const bare = { name: service?.latestReadyRevision };
      // Whichever way it arrives: in the list of recent revisions, or read on its own.
      cloudRunFault(
        { kind: "raw", status: 200, contentType: "application/json", body: JSON.stringify({ revisions: [bare] }) },
        /\/revisions$/,
      );
      cloudRunFault({ kind: "raw", status: 200, contentType: "application/json", body: JSON.stringify(bare) }, /\/revisions\/[^/]+$/);
      const result = await run();
      expect(result.outputs.result).toBe("fail");
      expect(ids(result)).toEqual(expect.arrayContaining(["env.missing", "secret.missing", "revision.not_ready"]));
    });

    it("rollout in progress: says so first, judges the ready revision", async () => {
      deploy(world.scenario, "backend-staging", { env: { ENVIRONMENT: "staging" }, rolling: true });
      const result = await run();
      expect(finding(result, "revision.rollout_in_progress")?.status).toBe("warn");
      expect(result.outputs.result).toBe("pass");
      deployGood();
    });

    it("a revision name from the API with ../ is never requested", async () => {
      const body = JSON.stringify({ ...serviceJson(), latestReadyRevision: "projects/p/locations/l/services/s/revisions/..%2F..%2Fx" });
      cloudRunFault({ kind: "raw", status: 200, contentType: "application/json", body });
      expectCleanError(await run(), "the Cloud Run API answered with a revision name that is not valid");
      expect(world.cloudRun.requests.some((request) => /%2F|\.\./i.test(request.path))).toBe(false);
    });

    // Cloud Run validates refs when it deploys: one that breaks Secret Manager's grammar is a broken answer.
    it("a secret ref from the API with ../ or ? is an error, never a request", async () => {
      deployGood({ SERVICE_SECRET: "../../../v1/projects/other/secrets/x:latest", OTHER: "service-secret?alt=json:latest" });
      const result = await run();
      expectCleanError(result, "the Cloud Run API answered with a secret id that is not valid");
      expect(world.secretManager.requests.some((request) => /\.\.|alt=json|other/.test(request.path))).toBe(false);
      deployGood();
    });
  });

  describe("Secret Manager", () => {
    const withVersions = (secret: string, ...versions: { state: "ENABLED" | "DISABLED" | "DESTROYED"; data: string }[]) =>
      world.scenario.secrets.set(`${world.scenario.project}/${secret}`, versions);
    afterEach(() => {
      withVersions("jwt-secret-staging", { state: "ENABLED", data: CANARY.secret });
      withVersions("service-secret", { state: "ENABLED", data: CANARY.otherSecret });
      world.scenario.deniedSecrets.clear();
      deployGood();
    });

    it("latest disabled: fails secret.version_disabled and says latest cannot be read", async () => {
      withVersions("jwt-secret-staging", { state: "ENABLED", data: CANARY.secret }, { state: "DISABLED", data: CANARY.otherSecret });
      const result = await run();
      expect(result.outputs.result).toBe("fail");
      expect(finding(result, "secret.version_disabled")?.message).toContain("latest cannot be read");
    });

    it("a pinned version destroyed: fails secret.version_destroyed", async () => {
      withVersions("jwt-secret-staging", { state: "DESTROYED", data: "" }, { state: "ENABLED", data: CANARY.secret });
      deployGood({ JWT_SECRET_STAGING: "jwt-secret-staging:1" });
      const result = await run();
      expect(result.outputs.result).toBe("fail");
      expect(finding(result, "secret.version_destroyed")?.status).toBe("fail");
    });

    // A definite failure outranks "cannot verify": the deploy is bad whatever the denied secret holds.
    it("not found vs denied: a missing secret fails, a denied one is 'cannot verify'", async () => {
      world.scenario.secrets.delete(`${world.scenario.project}/service-secret`);
      world.scenario.deniedSecrets.add("jwt-secret-staging");
      const result = await run();
      expect(finding(result, "secret.not_found")?.status).toBe("fail");
      expect(finding(result, "secret.access_denied")?.status).toBe("error");
      expect(result.outputs.result).toBe("fail");
      expect(result.exitCode).toBe(1);
    });

    it.each([
      ["mismatch", "12345"],
      ["missing", undefined],
    ])("CRC32C %s: the value is not trusted, the run cannot decide", async (label, crc) => {
      const payload = { data: Buffer.from(CANARY.secret).toString("base64"), ...(crc ? { dataCrc32c: crc } : {}) };
      const body = JSON.stringify({ name: "projects/123456789012/secrets/jwt-secret-staging/versions/1", payload });
      secretFault({ kind: "raw", status: 200, contentType: "application/json", body }, JWT_ACCESS);
      const result = await run();
      expect(finding(result, "secret.value_unreadable")?.message).toContain(`CRC32C ${label}`);
      expect(result.outputs.result).toBe("error");
    });

    it("500 always on a version: error naming Secret Manager and the status", async () => {
      // The value read fails first; the metadata read that says why fails too.
      secretFault({ kind: "status", status: 500 }, JWT_ACCESS);
      secretFault({ kind: "status", status: 500 }, JWT_VERSION);
      expectCleanError(await run(), "Secret Manager version jwt-secret-staging:latest", "HTTP 500");
    });

    it("hangs on access: error at the deadline", async () => {
      secretFault({ kind: "hang" }, JWT_ACCESS);
      expectCleanError(await run(), "did not finish within timeout");
    });

    it("an error body that echoes the bearer token and the secret: none of it reaches any output", async () => {
      const body = { error: { code: 500, status: "INTERNAL", message: `token ${CANARY.accessToken} value ${CANARY.secret}` } };
      secretFault({ kind: "status", status: 500, body }, JWT_ACCESS);
      secretFault({ kind: "status", status: 500, body }, JWT_VERSION);
      expectCleanError(await run(), "HTTP 500");
      world.secretManager.faults.length = 0;
      secretFault({ kind: "status", status: 400, body }, JWT_ACCESS);
      const result = await run();
      expect(finding(result, "secret.value_unreadable")?.message).toContain("HTTP 400");
    });

    it("a 200 that is not JSON: error, not 'ok'", async () => {
      secretFault({ kind: "raw", status: 200, contentType: "text/plain", body: "OK" }, JWT_ACCESS);
      secretFault({ kind: "raw", status: 200, contentType: "text/plain", body: "OK" }, JWT_VERSION);
      expectCleanError(await run(), "not Google API JSON");
    });
  });
});
