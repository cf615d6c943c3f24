// `http:` checks through the built action: a protected route answers 401
// without a token and 200 with one; a route whose auth is bypassed fails; bad
// check definitions are refused with their line.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BackendBehaviour } from "../emulators/backend.js";
import { checksOf, runAction } from "./harness.js";
import { startWorldWithSecret, type World } from "./world.js";

const SECRET = "canary-http-e2e-9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a3c5e7b";
const JWT_SHAPED = /eyJ[A-Za-z0-9_-]{10,}\.eyJ/;

const backends: Record<string, Partial<BackendBehaviour>> = {
  "auth-backend": { routes: { "/api/me": "verify" } },
  "bypassed-backend": { routes: { "/api/me": "open" } },
};

const CHECKS = `
      - { path: /api/me, expect_status: [401, 403] }
      - { path: /api/me, with_token: true, headers: { X-Request-Source: deploy-gate }, expect_json: { user: deploy-gate } }`;

const manifest = (service: string, http = CHECKS, secretEnv = "JWT_SECRET_STAGING") => `
region: us-central1
services:
  ${service}:
    jwt: { secret_env: ${secretEnv}, claims: { sub: deploy-gate } }
    http:${http}
`;

describe("http checks through the action", () => {
  let world: World;

  beforeAll(async () => {
    world = await startWorldWithSecret(backends, { id: "jwt-secret-staging", value: SECRET, env: "JWT_SECRET_STAGING" });
  });
  afterAll(() => world.close());

  async function run(text: string) {
    const result = await runAction(world.inputs(await world.writeManifest(text)));
    expect(result.everything).not.toContain(SECRET);
    expect(result.everything).not.toMatch(JWT_SHAPED);
    const checks = checksOf(result.outputs ?? {});
    return { result, checks, byId: (id: string) => checks.filter((check) => check.id === id) };
  }

  it("passes a route that refuses no token and serves the deployed secret's token", async () => {
    const { result, byId } = await run(manifest("auth-backend"));
    expect(result.outputs.failed_checks).toBe("");
    expect(result.outputs.result).toBe("pass");
    const status = byId("http.status");
    expect(status.map((check) => [check.subject, check.status, check.message])).toEqual([
      ["GET /api/me", "pass", expect.stringContaining("answered HTTP 401 (without a token)")],
      ["GET /api/me", "pass", expect.stringContaining("answered HTTP 200 (with the token)")],
    ]);
    expect(byId("http.json")[0]?.status).toBe("pass");
    expect(status[0]?.location?.line).toBe(7);
  });

  it("fails a route that answers without a token: the auth layer is not mounted", async () => {
    const { result, byId } = await run(manifest("bypassed-backend"));
    expect(result.outputs.result).toBe("fail");
    const failed = byId("http.status").find((check) => check.status === "fail");
    expect(failed?.message).toContain("answered HTTP 200, expected 401 or 403");
    expect(failed?.hint).toContain("auth middleware is not mounted");
  });

  it("skips a with_token check when no valid token exists, rather than sending a forged one", async () => {
    const { byId } = await run(manifest("auth-backend", CHECKS, "NOT_DEPLOYED"));
    expect(byId("http.no_token")[0]?.status).toBe("skip");
  });

  it.each([
    ["a path off the service", "\n      - { path: //evil.example/x }", "must be a path on the service"],
    ["a header value with a line break", '\n      - { path: /a, headers: { X-A: "v\\r\\nInjected: 1" } }', "must not contain line breaks"],
    ["a credential header", "\n      - { path: /a, headers: { authorization: Bearer x } }", "is set by the gate"],
    ["an unknown field", "\n      - { path: /a, expect: 200 }", "expect"],
  ])("refuses %s with an error", async (_name, http, text) => {
    const { result } = await run(manifest("auth-backend", http));
    expect(result.outputs.result).toBe("error");
    expect(result.everything).toContain(text);
  });
});
