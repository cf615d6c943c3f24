// Zero leaks. Canaries (secret values, tokens, keys) are planted in Secret
// Manager, in plain env vars and in server answers; untrusted text carries
// workflow commands and newlines. Nothing may come out: not in stdout, stderr,
// GITHUB_OUTPUT, the summary, the report file, any temp file, a process title
// or a thrown error's message.
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorld, type World } from "../e2e/world.js";
import { addSecret, deploy } from "../emulators/scenario.js";
import { describeError } from "../../src/errors.js";
import { apiError } from "../../src/gcp/api-error.js";
import { parseCredentialText } from "../../src/gcp/auth/credential-file.js";
import { redactor } from "../../src/redact.js";
import { CANARY, expectNoLeak, finding, gate } from "./support.js";

const INJECTION =
  "x\n::set-output name=result::pass\n::add-mask::INJECTED\r\n%0A::stop-commands::INJECTED ##[add-mask]INJECTED ##[stop-commands]INJECTED";

describe("no secret leaves the gate", () => {
  let world: World;

  beforeAll(async () => {
    world = await startWorld({ "backend-staging": { jwtSecretEnv: "JWT_SECRET_STAGING" } });
    world.scenario.accessTokens.add(CANARY.accessToken);
    addSecret(world.scenario, "jwt-secret-staging", CANARY.secret);
    addSecret(world.scenario, "service-secret", CANARY.otherSecret);
  });
  afterAll(() => world.close());

  const run = async (manifestText: string, extra: Record<string, string> = {}) =>
    gate(
      world.inputs(await world.writeManifest(manifestText), {
        access_token: CANARY.accessToken,
        github_token: CANARY.githubToken,
        timeout: "8",
        ...extra,
      }),
    );

  it("a full passing run (secret read, token minted, probes sent): only masks, never the values", async () => {
    deploy(world.scenario, "backend-staging", {
      url: world.backends.get("backend-staging")?.url ?? "",
      secrets: { JWT_SECRET_STAGING: "jwt-secret-staging:latest", SERVICE_SECRET: "service-secret:latest" },
    });
    const result = await run(`region: us-central1
services:
  backend-staging:
    secrets:
      JWT_SECRET_STAGING: { secret: jwt-secret-staging, min_bytes: 32 }
      SERVICE_SECRET: { min_bytes: 8 }
    jwt: { secret_env: JWT_SECRET_STAGING }
    health: { expect_json: { status: healthy } }
    websocket: { path: /ws, observe_ms: 100 }
`);
    expect(result.outputs.result).toBe("pass");
    expectNoLeak(result);
    expect(result.masked).toEqual(expect.arrayContaining([CANARY.secret, CANARY.otherSecret, CANARY.accessToken, CANARY.githubToken]));
  });

  it("a plain-text secret in the deployed env: reported as such, its value never shown", async () => {
    deploy(world.scenario, "backend-staging", {
      url: world.backends.get("backend-staging")?.url ?? "",
      env: { JWT_SECRET_STAGING: CANARY.secret, API_TOKEN: CANARY.otherSecret, SECRET_KEY: CANARY.keyMaterial },
    });
    const result = await run(`region: us-central1
services:
  backend-staging:
    secrets:
      JWT_SECRET_STAGING: {}
    jwt: { secret_env: JWT_SECRET_STAGING }
    websocket: { path: /ws, observe_ms: 100 }
`);
    expect(finding(result, "secret.plain_text")?.status).toBe("fail");
    expectNoLeak(result);
  });

  it("untrusted text from Cloud Run (env values, URL) cannot issue workflow commands", async () => {
    // A service URL is checked before use (no path may follow the host): one carrying commands is an error.
    deploy(world.scenario, "backend-staging", { url: `https://x.run.app/${INJECTION}` });
    const badUrl = await run("region: us-central1\nservices:\n  backend-staging:\n    env: { ENVIRONMENT: {} }\n");
    expect(badUrl.outputs.result).toBe("error");
    expectNoLeak(badUrl);
    deploy(world.scenario, "backend-staging", {
      url: "https://x.run.app",
      env: { ENVIRONMENT: INJECTION, AUTH_SERVICE_URL: INJECTION },
    });
    const result = await run(`region: us-central1
services:
  backend-staging:
    env:
      ENVIRONMENT: { equals: staging }
      AUTH_SERVICE_URL: { matches: "^https://" }
`);
    expect(result.outputs.result).toBe("fail");
    expectNoLeak(result);
    expect(result.outputs.report).toContain("INJECTED"); // kept as data in the report, escaped everywhere it is logged
  });

  it("no canary in any process's title while the gate runs", async () => {
    deploy(world.scenario, "backend-staging", { secrets: { JWT_SECRET_STAGING: "jwt-secret-staging:latest" } });
    world.cloudRun.latencyMs = 1_500;
    const pending = run("region: us-central1\nservices:\n  backend-staging:\n    secrets: { JWT_SECRET_STAGING: {} }\n");
    await new Promise((resolve) => setTimeout(resolve, 800));
    const titles = execFileSync("ps", ["-eo", "args"], { encoding: "utf8" });
    world.cloudRun.latencyMs = 0;
    const result = await pending;
    expect(titles).toContain("dist/index.js");
    for (const canary of Object.values(CANARY)) expect(titles).not.toContain(canary);
    expectNoLeak(result);
  });
});

describe("thrown errors carry no secret", () => {
  it("a gaxios error with the bearer header, the request body and an echoing response body", () => {
    const gaxiosLike = Object.assign(new Error(`Request failed: ${CANARY.secret}`), {
      config: { headers: { Authorization: `Bearer ${CANARY.accessToken}` }, body: CANARY.keyMaterial },
      response: { status: 500, data: { error: { status: "INTERNAL", message: CANARY.secret } } },
    });
    const error = apiError(gaxiosLike, "Cloud Run service x");
    for (const text of [error.message, error.hint ?? "", describeError(error), JSON.stringify(error), String(error.cause ?? "")]) {
      for (const canary of Object.values(CANARY)) expect(text).not.toContain(canary);
    }
  });

  it("JSON.parse, Node argument errors and library errors: described without their message", () => {
    const errors: unknown[] = [];
    try {
      JSON.parse(`{"key": ${CANARY.secret}}`);
    } catch (error) {
      errors.push(error);
    }
    try {
      BigInt(CANARY.secret);
    } catch (error) {
      errors.push(error);
    }
    errors.push(
      Object.assign(new TypeError(`The "data" argument must be a string. Received ${CANARY.keyMaterial}`), {
        code: "ERR_INVALID_ARG_TYPE",
      }),
    );
    errors.push(Object.assign(new Error(`"${CANARY.accessToken}" is not a valid JWT`), { name: "JWSInvalid" }));
    for (const error of errors) {
      const text = describeError(error);
      for (const canary of Object.values(CANARY)) expect(text).not.toContain(canary);
      expect(text).toMatch(/^unexpected [A-Za-z]+/);
    }
    expect(describeError(errors[2])).toContain("ERR_INVALID_ARG_TYPE");
  });

  it("a credentials_json that is not JSON: length only, never content", () => {
    for (const text of [`{"private_key": "${CANARY.keyMaterial}"`, Buffer.from(`{x ${CANARY.keyMaterial}`).toString("base64")]) {
      expect(() => parseCredentialText(text, "credentials_json")).toThrow(/content not shown/);
      try {
        parseCredentialText(text, "credentials_json");
      } catch (error) {
        expect(describeError(error)).not.toContain(CANARY.keyMaterial);
      }
    }
  });

  it("the redactor removes a masked value and each line of a masked PEM", () => {
    const secrets = redactor();
    const pem = `-----BEGIN PRIVATE KEY-----\n${CANARY.keyMaterial}\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQ\n-----END PRIVATE KEY-----`;
    secrets.add(pem);
    secrets.add(CANARY.secret);
    const text = secrets.redact(`a ${CANARY.keyMaterial} b ${CANARY.secret} c ${encodeURIComponent(CANARY.secret)}`);
    expect(text).not.toContain(CANARY.keyMaterial);
    expect(text).not.toContain(CANARY.secret);
  });
});
