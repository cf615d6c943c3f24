// What a hostile backend or a careless config puts in front of the gate: a
// /health or 403 body that echoes the deployed secret right where the excerpt
// is cut, a plain env var holding a URL with a password, and bodies carrying
// workflow commands (both `::` and the legacy `##[` form), bare URLs and
// @mentions. Through dist/index.js and dist/cli.js, as a user runs them.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliArgs, runCli } from "../e2e/cli-run.js";
import { startWorld, type World } from "../e2e/world.js";
import { addSecret, deploy } from "../emulators/scenario.js";
import { CANARY, expectNoLeak, finding, type GateRun, gate } from "./support.js";

/** The deployed JWT secret: a prefix no other text in a run shares, so any 4 of its first characters are a leak. */
const ECHOED = "QZXVw8Lr2mTq9sKp4dYh7nBf3cJg6xVe1aMu5tRz0kWo";
const PASSWORD = "pw-Hq7Xk2Lm9";
const DATABASE_URL = `postgresql://app:${PASSWORD}@db.internal:5432/chat`;
const HOSTILE = "##[add-mask]x ##[stop-commands]tok ::error::x see https://evil.example/x and mail ops@evil.example, cc @someone";

/** No run of 4 or more leading characters of `secret` anywhere (the cut tail must never begin it). */
function expectNoPrefix(text: string, secret: string, where: string): void {
  for (let length = 4; length <= secret.length; length++) {
    expect(text.includes(secret.slice(0, length)), `${where} shows the first ${length} characters of the secret`).toBe(false);
  }
}

/** Markdown with every code span taken out: what GitHub would autolink or mention-link. */
function outsideCodeSpans(markdown: string): string {
  return markdown.replace(/(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)/g, "");
}

describe("untrusted text through the action", () => {
  let world: World;
  const service = "backend-staging";

  beforeAll(async () => {
    world = await startWorld({ [service]: { jwtSecretEnv: "JWT_SECRET_STAGING" } });
    world.scenario.accessTokens.add(CANARY.accessToken);
    addSecret(world.scenario, "jwt-secret-staging", ECHOED);
  });
  afterAll(() => world.close());

  const backend = () => {
    const found = world.backends.get(service);
    if (!found) throw new Error("no backend");
    return found;
  };
  const run = async (manifestText: string) =>
    gate(world.inputs(await world.writeManifest(manifestText), { access_token: CANARY.accessToken, timeout: "10" }));
  const deployWithSecret = () =>
    deploy(world.scenario, service, { url: backend().url, secrets: { JWT_SECRET_STAGING: "jwt-secret-staging:latest" } });
  const probedManifest = `region: us-central1
services:
  ${service}:
    secrets:
      JWT_SECRET_STAGING: { secret: jwt-secret-staging, min_bytes: 32 }
    jwt: { secret_env: JWT_SECRET_STAGING }
    health: { retries: 0 }
    websocket: { path: /ws, observe_ms: 100 }
`;
  const scanAll = (result: GateRun, secret: string) => {
    for (const [where, text] of Object.entries({ everything: result.everything, files: result.files })) expectNoPrefix(text, secret, where);
  };

  for (const padding of [100, 110, 117, 119, 120]) {
    it(`a /health 500 that dumps the secret after ${padding} characters: none of it is shown`, async () => {
      deployWithSecret();
      backend().behaviour.healthAnswer = (env) => ({ status: 500, body: `${"e".repeat(padding)}${env.get("JWT_SECRET_STAGING")} tail` });
      backend().behaviour.refuseBody = undefined;
      const result = await run(probedManifest);
      expect(finding(result, "health.status")?.status).toBe("fail");
      scanAll(result, ECHOED);
      expectNoLeak(result);
    });
  }

  for (const padding of [150, 190, 199]) {
    it(`a refused upgrade whose body holds the secret after ${padding} characters: none of it is shown`, async () => {
      deployWithSecret();
      backend().behaviour.healthAnswer = undefined;
      backend().behaviour.open = false;
      backend().behaviour.refuseStatus = 403;
      backend().behaviour.refuseBody = (env) => `${"d".repeat(padding)}${env.get("JWT_SECRET_STAGING")}`;
      // The token the gate mints is refused: its claims do not satisfy this backend.
      backend().behaviour.requiredClaims = { aud: "someone-else" };
      const result = await run(probedManifest);
      backend().behaviour.requiredClaims = {};
      expect(finding(result, "ws.rejected")?.status).toBe("fail");
      scanAll(result, ECHOED);
      expectNoLeak(result);
    });
  }

  it("a body that echoes the secret base64-, URL- or JSON-encoded: none of it is shown", async () => {
    deployWithSecret();
    backend().behaviour.refuseBody = undefined;
    const secret = `${ECHOED}/+"`;
    addSecret(world.scenario, "jwt-secret-staging", secret);
    backend().behaviour.healthAnswer = () => ({
      status: 500,
      body: `b64 ${Buffer.from(secret).toString("base64")} url ${encodeURIComponent(secret)} json ${JSON.stringify(secret)}`,
    });
    const result = await run(probedManifest);
    addSecret(world.scenario, "jwt-secret-staging", ECHOED);
    expect(finding(result, "health.status")?.status).toBe("fail");
    for (const text of [result.everything, result.files]) {
      expect(text).not.toContain(Buffer.from(secret).toString("base64").slice(0, 16));
      expect(text).not.toContain(Buffer.from(secret).toString("base64url").slice(0, 16));
      expectNoPrefix(text, secret, "output");
    }
  });

  it("a plain env var holding a URL with a password: the finding says what is wrong, never the value", async () => {
    deploy(world.scenario, service, { url: backend().url, env: { DATABASE_URL, API_URL: "https://api.example.com/v1" } });
    const result = await run(`region: us-central1
services:
  ${service}:
    env:
      DATABASE_URL: { equals: "postgresql://app:other-${PASSWORD}@db.internal:5432/chat" }
      API_URL: { equals: "https://api.example.com/v2" }
`);
    const mismatches = result.findings.filter((item) => item.id === "env.value_mismatch");
    expect(mismatches).toHaveLength(2);
    for (const text of [result.everything, result.files]) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain("db.internal");
    }
    const report = result.report as { services: { checks: { subject?: string; found?: string; expected?: string }[] }[] };
    const checks = report.services[0]?.checks ?? [];
    const database = checks.find((item) => item.subject === "DATABASE_URL");
    expect(database?.found).toMatch(/not shown/);
    expect(database?.found).toMatch(/password/);
    // An ordinary value is still shown: that is what makes the finding useful.
    expect(checks.find((item) => item.subject === "API_URL")?.found).toBe("https://api.example.com/v1");
  });

  it("a matches requirement on a URL with a password, and token-shaped values: never shown", async () => {
    const values = {
      DATABASE_URL,
      UPSTREAM: "ghp_Aq1Bw2Ce3Dr4Ft5Gy6Hu7Ji8Ko9Lp0Zx1Cv2Bn",
      SIGNING: "-----BEGIN PRIVATE KEY-----",
      OPAQUE: "f3Kq9ZpL2vXw8RtY6uHn4BmCj7DsGa1E",
    };
    deploy(world.scenario, service, { url: backend().url, env: values });
    const result = await run(`region: us-central1
services:
  ${service}:
    env:
      DATABASE_URL: { matches: "^mysql://" }
      UPSTREAM: { matches: "^https://" }
      SIGNING: { equals: "x" }
      OPAQUE: { equals: "x" }
`);
    expect(result.findings.filter((item) => item.id === "env.value_mismatch")).toHaveLength(4);
    for (const text of [result.everything, result.files]) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(values.UPSTREAM.slice(0, 12));
      expect(text).not.toContain("BEGIN PRIVATE KEY");
      expect(text).not.toContain(values.OPAQUE.slice(0, 12));
    }
  });

  it("workflow commands, bare URLs and mentions in a /health body: inert in the log, code spans in Markdown", async () => {
    deployWithSecret();
    backend().behaviour.refuseBody = undefined;
    backend().behaviour.healthAnswer = () => ({ status: 500, body: HOSTILE });
    const result = await run(probedManifest);
    expect(finding(result, "health.status")?.status).toBe("fail");
    expectNoLeak(result);
    expectInertLog(result.stdout + result.stderr);
    const reportFile = JSON.parse(readFileSync(result.outputs.report_file ?? "", "utf8")) as { github: { comment: string } };
    const comment = reportFile.github.comment;
    for (const markdown of [result.summary, comment]) {
      expect(markdown).toContain("evil.example/x");
      const bare = outsideCodeSpans(markdown);
      expect(bare).not.toContain("evil.example");
      expect(bare).not.toContain("@someone");
      expect(markdown).not.toContain("\u200b");
      // The copied text is the text: the email and the URL are whole, inside a code span.
      expect(markdown).toContain("https://evil.example/x");
      expect(markdown).toContain("ops@evil.example");
    }
  });
});

/** The legacy `##[command]` form is parsed anywhere in a line; `::command::` at its start. */
function expectInertLog(text: string): void {
  expect(text).not.toContain("##[");
  expect(text).not.toContain("::error::x");
  for (const line of text.split("\n")) expect(line).not.toMatch(/^\s*::(?!(error|warning|notice|debug|add-mask)::)/);
}

describe("untrusted text through the CLI", () => {
  let world: World;
  const service = "backend-staging";

  beforeAll(async () => {
    world = await startWorld({ [service]: { jwtSecretEnv: "JWT_SECRET_STAGING" } });
    addSecret(world.scenario, "jwt-secret-staging", ECHOED);
  });
  afterAll(() => world.close());

  const cli = async (extra: string[]) => {
    const inputs = world.inputs(
      await world.writeManifest(`region: us-central1
services:
  ${service}:
    secrets:
      JWT_SECRET_STAGING: { secret: jwt-secret-staging }
    env:
      DATABASE_URL: { equals: "x" }
    jwt: { secret_env: JWT_SECRET_STAGING }
    health: { retries: 0 }
`),
    );
    const { args, env } = cliArgs(inputs, ["--verbose", ...extra], "10");
    return runCli(args, env);
  };

  for (const mode of [[], ["--json"]]) {
    it(`a hostile /health body and a password in a URL${mode.length ? " (--json)" : ""}: inert and not shown`, async () => {
      const backend = world.backends.get(service);
      if (!backend) throw new Error("no backend");
      deploy(world.scenario, service, {
        url: backend.url,
        env: { DATABASE_URL },
        secrets: { JWT_SECRET_STAGING: "jwt-secret-staging:latest" },
      });
      backend.behaviour.healthAnswer = (env) => ({ status: 500, body: `${HOSTILE} ${"p".repeat(20)}${env.get("JWT_SECRET_STAGING")}` });
      const result = await cli(mode);
      expect(result.exitCode).toBe(1);
      const text = result.stdout + result.stderr;
      expect(text).toContain("health.status");
      expectInertLog(text);
      expect(text).not.toContain(PASSWORD);
      expectNoPrefix(text, ECHOED, "CLI output");
      // --json stays exact data: the report parses and keeps the body's text, escaped only for the runner.
      if (mode.length) expect(JSON.stringify(JSON.parse(result.stdout))).toContain("##[add-mask]x");
    });
  }
});
