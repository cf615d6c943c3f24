// Incident 3's diagnostic printed the first 10 characters of each secret. A
// backend that still does (a debug /health, a log line "key …3f9a") hands the
// gate part of a secret it knows: that part must not reach the report, the
// summary or the comment either. Through dist/index.js.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { revisionLog } from "../emulators/logging.js";
import { addSecret, deploy } from "../emulators/scenario.js";
import { reportOf, runAction } from "./harness.js";
import { startWorld, type World } from "./world.js";

const SECRET = "QZXVw8Lr2mTq9sKp4dYh7nBf3cJg6xVe1aMu5tRz0kWo";

describe("a secret's first or last characters, as a diagnostic prints them", () => {
  let world: World;
  const service = "backend-staging";

  beforeAll(async () => {
    world = await startWorld({ [service]: { jwtSecretEnv: "JWT_SECRET_STAGING" } });
    addSecret(world.scenario, "jwt-secret-staging", SECRET);
  });
  afterAll(() => world.close());

  it("a /health body and a log line with the secret's first 10 and last 8 characters: neither is shown", async () => {
    const backend = world.backends.get(service);
    if (!backend) throw new Error("no backend");
    deploy(world.scenario, service, { url: backend.url, secrets: { JWT_SECRET_STAGING: "jwt-secret-staging:latest" } });
    const revision = world.scenario.services.get(service)?.service.latestReadyRevision?.split("/").pop() ?? "";
    backend.behaviour.healthAnswer = (env) => {
      const value = env.get("JWT_SECRET_STAGING") ?? "";
      return { status: 500, body: JSON.stringify({ jwt_secret_prefix: value.slice(0, 10), jwt_secret_suffix: value.slice(-8) }) };
    };
    world.logging.entries.length = 0;
    world.logging.entries.push(
      revisionLog(world.scenario, service, revision, "ERROR", `signature mismatch: key ${SECRET.slice(0, 12)}… vs …${SECRET.slice(-9)}`),
    );
    const manifest = await world.writeManifest(`region: us-central1
services:
  ${service}:
    secrets:
      JWT_SECRET_STAGING: { secret: jwt-secret-staging, min_bytes: 32 }
    health: { retries: 0 }
    logs: { max_errors: 0 }
`);
    const run = await runAction(world.inputs(manifest, { timeout: "10" }));
    const checks = reportOf(run.outputs).services[0]?.checks ?? [];
    expect(checks.find((check) => check.id === "health.status")?.status).toBe("fail");
    expect(checks.find((check) => check.id === "logs.errors")?.status).toBe("fail");
    expect(run.everything).toContain("jwt_secret_prefix");
    expect(run.everything).toContain("signature mismatch: key");
    for (const part of [SECRET.slice(0, 8), SECRET.slice(-8)]) {
      const at = run.everything.indexOf(part);
      expect(at, `shows ${JSON.stringify(run.everything.slice(Math.max(0, at - 40), at + 40))}`).toBe(-1);
    }
  });
});
