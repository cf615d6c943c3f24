// One service's probes end to end against a real backend: the negative probes,
// the Google ID token for private services, and the tests' secret comparison.
import { afterEach, describe, expect, it } from "vitest";
import { AuthError } from "../../src/errors.js";
import { compareTestSecret } from "../../src/gate.js";
import { type ProbeOptions, type ProbeTarget, probeHttp, probeWebsocket } from "../../src/probes/run-probes.js";
import type { ServiceRequirement } from "../../src/manifest/load.js";
import { tokensFor } from "../../src/probes/tokens.js";
import { fingerprinter } from "../../src/collect/secrets.js";
import type { Finding } from "../../src/model.js";
import { type Backend, type BackendBehaviour, startBackend } from "../emulators/backend.js";
import { addSecret, deploy, newScenario } from "../emulators/scenario.js";
import { requirementOf } from "./fixtures.js";

const SECRET = "svc-unit-secret-8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d";
const bytes = (text: string) => new TextEncoder().encode(text);
const backends: Backend[] = [];
afterEach(async () => {
  await Promise.all(backends.splice(0).map((backend) => backend.close()));
});

async function backend(behaviour: Partial<BackendBehaviour> = {}): Promise<Backend> {
  const scenario = newScenario();
  addSecret(scenario, "jwt", SECRET);
  const started = await startBackend(scenario, "backend-staging", behaviour);
  deploy(scenario, "backend-staging", { url: started.url, secrets: { JWT_SECRET_STAGING: "jwt:latest" } });
  backends.push(started);
  return started;
}

const requirement = requirementOf(`
jwt: { secret_env: JWT_SECRET_STAGING, claims: { sub: gate } }
health: { path: /health }
websocket: { path: /ws, observe_ms: 100 }
`);
const ids = (findings: Finding[]) => findings.map((finding) => `${finding.id}:${finding.status}`);

/** /health, then the WebSocket handshakes, composed as src/gate.ts composes them. */
async function probeService(requirement: ServiceRequirement, target: ProbeTarget, signal: AbortSignal, options: ProbeOptions = {}) {
  const http = await probeHttp(requirement, target, signal, options);
  return [...(target.tokenFindings ?? []), ...http.findings, ...(await probeWebsocket(requirement, target, http.headers, signal))];
}

async function probe(server: Backend, options: ProbeOptions = {}) {
  const tokens = await tokensFor(requirement, bytes(SECRET), () => undefined);
  return probeService(requirement, { baseUrl: server.url, ...tokens }, AbortSignal.timeout(15_000), options);
}

describe("probeService", () => {
  it("passes a backend that verifies tokens, and proves it refuses the unauthorized handshakes", async () => {
    expect(ids(await probe(await backend()))).toEqual([
      "jwt.minted:pass",
      "health.status:pass",
      "ws.connected:pass",
      "ws.open_without_token.refused:pass",
      "ws.open_with_forged_token.refused:pass",
      // Once the valid token is in: an expired and an unsigned one must not be (no aud/iss/allowed_origins here).
      "ws.accepted_expired.refused:pass",
      "ws.accepted_alg_none.refused:pass",
    ]);
  });

  it("fails an open endpoint: it let in a handshake without a token and one with a forged token", async () => {
    const findings = await probe(await backend({ open: true }));
    expect(ids(findings)).toEqual(
      expect.arrayContaining(["ws.connected:pass", "ws.open_without_token:fail", "ws.open_with_forged_token:fail"]),
    );
    expect(findings.find((finding) => finding.id === "ws.open_without_token")?.message).toContain("the endpoint is open");
  });

  it("counts accept-then-close as refused for the unauthorized probes", async () => {
    const findings = await probe(await backend({ open: true, closeAfterAccept: { code: 1008, reason: "auth" } }));
    expect(ids(findings)).toEqual(expect.arrayContaining(["ws.closed:fail", "ws.open_without_token.refused:pass"]));
  });

  it("sends a Google ID token in X-Serverless-Authorization for the service URL audience, and masks it", async () => {
    const server = await backend();
    const audiences: string[] = [];
    const masked: string[] = [];
    const findings = await probe(server, {
      idToken: async (audience) => {
        audiences.push(audience);
        return "id-token-for-test-0123456789";
      },
      mask: (value) => masked.push(value),
    });
    expect(audiences).toEqual([new URL(server.url).origin]);
    expect(masked).toEqual(["id-token-for-test-0123456789"]);
    expect(ids(findings)).not.toContain("probe.id_token_unavailable:error");
  });

  it("reports probe.id_token_unavailable and still probes when no ID token can be minted", async () => {
    const findings = await probe(await backend(), {
      idToken: async () => {
        throw new AuthError("no credentials can mint an ID token");
      },
    });
    expect(findings[1]).toMatchObject({ id: "probe.id_token_unavailable", status: "error" });
    expect(findings[1]?.message).toContain("no credentials can mint an ID token");
    expect(ids(findings)).toContain("ws.connected:pass");
  });
});

describe("compareTestSecret", () => {
  const jwt = (source: string) => requirementOf(`jwt: { secret_env: JWT_SECRET_STAGING, compare_with: ${source} }`).jwt!;
  const STAGING = `${"s".repeat(10)}staging-secret-value-0123456789abcdefghijklmnopqrstuvwxyz-0123456789abcdef`;
  const FALLBACK = "dev-fallback-secret-for-local-testing-only-0123456";
  const context = (env: Record<string, string> = {}, readSecret?: (ref: { secret: string; version: string }) => Promise<Uint8Array>) => {
    const masked: string[] = [];
    return {
      masked,
      value: {
        env,
        readSecret: readSecret ? (ref: { secret: string; version: string }) => readSecret(ref) : undefined,
        fingerprint: fingerprinter(),
        mask: (value: string) => void masked.push(value),
        signal: AbortSignal.timeout(5_000),
      },
    };
  };

  it("fails when the tests' env secret differs, by fingerprint only: no prefix, no length", async () => {
    const { value, masked } = context({ TEST_JWT: FALLBACK });
    const [finding] = await compareTestSecret("backend-staging", jwt("{ env: TEST_JWT }"), bytes(STAGING), value);
    expect(finding).toMatchObject({ id: "jwt.test_secret_differs", status: "fail" });
    expect(finding?.message).toContain("test secret differs from the secret backend-staging uses");
    expect(finding?.message).toContain("development fallback");
    const text = JSON.stringify(finding);
    for (const secret of [STAGING, FALLBACK]) expect(text).not.toContain(secret.slice(0, 10));
    expect(text).not.toMatch(/\b(49|50|86|87)\b/);
    expect(masked).toEqual([FALLBACK]);
  });

  it("passes when the tests use the same secret", async () => {
    const { value } = context({ TEST_JWT: STAGING });
    expect(await compareTestSecret("backend-staging", jwt("{ env: TEST_JWT }"), bytes(STAGING), value)).toEqual([
      expect.objectContaining({ id: "jwt.test_secret_matches", status: "pass" }),
    ]);
  });

  it("says when the two differ only by whitespace (a trailing newline from echo)", async () => {
    const { value } = context({ TEST_JWT: `${STAGING}\n` });
    const [finding] = await compareTestSecret("backend-staging", jwt("{ env: TEST_JWT }"), bytes(STAGING), value);
    expect(finding?.message).toContain("differ only in leading or trailing whitespace");
  });

  it("reads a Secret Manager ref, version included", async () => {
    const refs: unknown[] = [];
    const { value } = context({}, async (ref) => {
      refs.push(ref);
      return bytes(FALLBACK);
    });
    const [finding] = await compareTestSecret("backend-staging", jwt("{ secret: 'jwt-test:3' }"), bytes(STAGING), value);
    expect(refs).toEqual([{ secret: "jwt-test", version: "3" }]);
    expect(finding?.id).toBe("jwt.test_secret_differs");
  });

  it("errors (cannot decide) when the tests' secret cannot be read, and skips when the deployed one is missing", async () => {
    const unset = await compareTestSecret("backend-staging", jwt("{ env: TEST_JWT }"), bytes(STAGING), context().value);
    expect(unset).toEqual([expect.objectContaining({ id: "jwt.test_secret_unavailable", status: "error" })]);
    const denied = await compareTestSecret(
      "backend-staging",
      jwt("{ secret: jwt-test }"),
      bytes(STAGING),
      context({}, async () => {
        throw new Error("PERMISSION_DENIED");
      }).value,
    );
    expect(denied[0]?.id).toBe("jwt.test_secret_unavailable");
    const missing = await compareTestSecret("backend-staging", jwt("{ env: TEST_JWT }"), undefined, context({ TEST_JWT: FALLBACK }).value);
    expect(missing).toEqual([expect.objectContaining({ id: "jwt.test_secret_unverifiable", status: "skip" })]);
  });
});
