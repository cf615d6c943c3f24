// The diagnosis as a table: config findings + probe findings in, the most
// likely cause first out. One row per incident, plus the causes between them.
import { describe, expect, it } from "vitest";
import { diagnose } from "../../src/checks/diagnose.js";
import type { Finding } from "../../src/model.js";
import { requirementOf, revision } from "./fixtures.js";

const requirement = requirementOf(`
jwt: { secret_env: JWT_SECRET_STAGING, claims: { sub: gate } }
health: {}
websocket: {}
`);
const f = (id: string, status: Finding["status"], extra: Partial<Finding> = {}): Finding => ({
  id,
  status,
  message: `${id} message`,
  ...extra,
});

const rejected403 = f("ws.rejected", "fail", { found: "HTTP 403" });
const closed1006 = f("ws.closed", "fail", { found: "close 1006" });
const minted = f("jwt.minted", "pass", { found: "exp, iat, sub" });
const healthy = f("health.json", "pass");
const connected = f("ws.connected", "pass");

describe("diagnose", () => {
  it.each<[string, Finding[], Finding[], string[]]>([
    ["nothing failed", [f("secret.ok", "pass")], [minted, healthy, connected], []],
    [
      "incident 1: 403 and the JWT secret missing",
      [
        f("secret.missing", "fail", {
          subject: "JWT_SECRET_STAGING",
          message: "JWT_SECRET_STAGING is not set on backend-staging revision r1",
        }),
      ],
      [healthy, rejected403],
      ["diagnosis.jwt_secret"],
    ],
    [
      "incident 2: 1006 after accept with SERVICE_SECRET missing",
      [f("secret.missing", "fail", { subject: "SERVICE_SECRET" }), f("env.missing", "fail", { subject: "AUTH_SERVICE_URL" })],
      [minted, healthy, closed1006],
      ["diagnosis.config"],
    ],
    [
      "incident 3: the tests' secret differs",
      [f("secret.ok", "pass"), f("jwt.test_secret_differs", "fail", { subject: "S vs env T" })],
      [minted, healthy, connected],
      ["diagnosis.test_secret"],
    ],
    [
      "incident 4: right secret, healthy, config OK, still 403",
      [f("secret.ok", "pass")],
      [minted, healthy, rejected403],
      ["diagnosis.token_requirements"],
    ],
    [
      "incident 4 as 1008 after accept",
      [],
      [minted, healthy, f("ws.closed", "fail", { found: "close 1008" })],
      ["diagnosis.token_requirements"],
    ],
    ["open without a token, its own fail", [], [minted, connected, f("ws.open_without_token", "fail")], ["diagnosis.open_endpoint"]],
    [
      "no ID token and 403: Cloud Run IAM, not the app",
      [],
      [f("probe.id_token_unavailable", "error"), minted, rejected403],
      ["diagnosis.id_token", "diagnosis.token_requirements"],
    ],
    ["unusable private key", [], [f("jwt.key_invalid", "fail", { subject: "JWT_SECRET_STAGING" }), rejected403], ["diagnosis.jwt_key"]],
    ["unhealthy backend, nothing sharper", [], [f("health.status", "fail", { found: "503" }), closed1006], ["diagnosis.unhealthy"]],
    ["a 404 on the path is not about the token", [], [minted, healthy, f("ws.rejected", "fail", { found: "HTTP 404" })], []],
  ])("%s", (_name, config, probes, expected) => {
    expect(diagnose(requirement, config, probes).map((finding) => finding.id)).toEqual(expected);
  });

  it("puts the open endpoint before everything else", () => {
    const causes = diagnose(
      requirement,
      [f("secret.missing", "fail", { subject: "JWT_SECRET_STAGING" })],
      [rejected403, f("ws.open_with_forged_token", "fail")],
    );
    expect(causes.map((cause) => cause.id)).toEqual(["diagnosis.open_endpoint", "diagnosis.jwt_secret"]);
    expect(causes[0]?.message).toContain("with a token signed by a random key");
  });

  it("incident 1 names the variable, the revision and the consequence", () => {
    const [cause] = diagnose(
      requirement,
      [
        f("secret.missing", "fail", {
          subject: "JWT_SECRET_STAGING",
          message: "JWT_SECRET_STAGING is not set on backend-staging revision backend-staging-00007-abc",
        }),
      ],
      [rejected403],
    );
    expect(cause?.message).toBe(
      "HTTP 403 on the WebSocket is explained by JWT_SECRET_STAGING: JWT_SECRET_STAGING is not set on backend-staging revision backend-staging-00007-abc. The backend cannot verify tokens",
    );
  });

  it("incident 2 lists the missing names and explains the accept-then-drop", () => {
    const [cause] = diagnose(requirement, [f("secret.missing", "fail", { subject: "SERVICE_SECRET" })], [closed1006]);
    expect(cause?.message).toContain("(SERVICE_SECRET)");
    expect(cause?.message).toContain("the backend accepted the token, then failed while setting up the connection");
  });

  it("incident 4 lists claim names (never values) and the revision's audience-like settings", () => {
    const config = revision([
      { name: "JWT_AUDIENCE", value: "chat-backend-secret-aud" },
      { name: "JWT_ISSUER", value: "https://issuer" },
      { name: "DATABASE_URL", value: "x" },
    ]);
    const [cause] = diagnose(requirement, [], [minted, healthy, rejected403], config);
    expect(cause?.message).toContain("health OK, config OK, token signed with the deployed JWT_SECRET_STAGING, still HTTP 403");
    expect(cause?.message).toContain(
      "The token carried the claims exp, iat, sub (no aud, no iss); the revision sets JWT_AUDIENCE, JWT_ISSUER",
    );
    expect(cause?.message).not.toContain("chat-backend-secret-aud");
    expect(cause?.message).not.toContain("DATABASE_URL");
  });

  it("incident 3 says the deploy is fine when the gate's own token got in", () => {
    const [cause] = diagnose(requirement, [f("jwt.test_secret_differs", "fail")], [minted, connected]);
    expect(cause?.message).toContain("the deploy is fine");
  });
});
