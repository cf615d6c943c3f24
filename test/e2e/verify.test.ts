// Verification over time (manifest verify:), through dist/index.js: a backend
// that degrades after some rounds fails at that round; too short a duration is
// inconclusive (its own result, failing the step); a passing one passes; a
// duration that cannot fit the timeout is refused up front.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { incident1 } from "../incidents/incident-1.js";
import { checksOf, reportOf, runAction } from "./harness.js";
import { startIncident, type World } from "./world.js";

describe("verify: rounds over a duration", () => {
  let world: World;
  const withVerify = (verify: string) => world.writeManifest(`${incident1.manifest}    verify: ${verify}\n`);
  const backend = () => world.backends.get("backend-staging")!;

  beforeAll(async () => {
    ({ world } = await startIncident(incident1));
    incident1.fixed(world);
  });
  afterAll(() => world.close());

  it("a backend that degrades after three rounds fails at round 4", async () => {
    const manifest = await withVerify("{ duration: 6s, interval: 1s, consecutive_successes: 2, failure_limit: 1 }");
    const healthy = backend().behaviour.health;
    const start = backend().healthCalls;
    // The first probe and three rounds see a healthy backend; from then on its database is gone.
    const watch = setInterval(() => {
      if (backend().healthCalls - start >= 4) backend().behaviour.health = { status: "healthy", database_status: "disconnected" };
    }, 10);
    try {
      const run = await runAction(world.inputs(manifest));
      expect(run.outputs.result).toBe("fail");
      const failed = checksOf(run.outputs).find((check) => check.id === "verify.failed");
      expect(failed?.status).toBe("fail");
      expect(failed?.message).toContain("failed verification at round 4 of 4");
      expect(failed?.rounds?.map((round) => round.ok)).toEqual([true, true, true, false]);
      expect(failed?.rounds?.[3]?.failed).toContain("health.json");
      expect(failed?.rounds?.[0]).toMatchObject({ health: "200", websocket: "ws.connected" });
      expect(run.outputs.failed_checks?.split(",")).toContain("verify.failed");
    } finally {
      clearInterval(watch);
      backend().behaviour.health = healthy;
    }
  });

  it("too short a duration for consecutive_successes: inconclusive, which fails the step and is never promoted", async () => {
    const manifest = await withVerify("{ duration: 2s, interval: 1s, consecutive_successes: 5 }");
    const run = await runAction(world.inputs(manifest, { on_pass: "promote" }));
    expect(run.outputs.result).toBe("inconclusive");
    expect(reportOf(run.outputs).result).toBe("inconclusive");
    expect(run.exitCode).toBe(1);
    expect(run.outputs.recommendation).toBe("hold");
    const checks = checksOf(run.outputs);
    expect(checks.find((check) => check.id === "verify.inconclusive")?.rounds).toHaveLength(3);
    expect(checks.map((check) => check.id)).toContain("traffic.held");
    expect(checks.map((check) => check.id)).not.toContain("traffic.promoted");
    expect(run.summary).toContain("inconclusive");
    expect(run.stdout).toContain("::error::cloud-run-deploy-gate: verification was inconclusive (verify.inconclusive)");
    // A warn finding, yet it fails the step: failed_checks names it (fail_on: error).
    expect(run.outputs.failed_checks).toBe("verify.inconclusive");
  });

  // Issue 14: "each round repeats /health and the WebSocket probes (with the same token and negative probes)".
  const jwtsMasked = (masked: string[]) => new Set(masked.filter((value) => /^eyJ[\w-]+\.[\w-]+\./.test(value))).size;

  it("every round sends the same tokens: four rounds mint (and mask) one set of tokens, not four", async () => {
    const run = await runAction(world.inputs(await withVerify("{ duration: 3s, interval: 1s, consecutive_successes: 2 }")));
    expect(checksOf(run.outputs).find((check) => check.id === "verify.passed")?.rounds).toHaveLength(4);
    // The first probes' set (valid, forged, expired, alg none) and the rounds' one: 8 at most (HS256 tokens
    // minted in the same second as identical ones coincide). Minted per round, four rounds made 16.
    expect(jwtsMasked(run.masked)).toBeGreaterThanOrEqual(5);
    expect(jwtsMasked(run.masked)).toBeLessThanOrEqual(8);
  });

  it("tokens that would expire during a round are minted again: a 2 s jwt.ttl still passes every round", async () => {
    const manifest = await world.writeManifest(
      `${incident1.manifest.replace("claims: { sub: deploy-gate }", "claims: { sub: deploy-gate }\n      ttl: 2")}    verify: { duration: 3s, interval: 1s, consecutive_successes: 4 }\n`,
    );
    const run = await runAction(world.inputs(manifest));
    expect(run.outputs.result).toBe("pass");
    const rounds = checksOf(run.outputs).find((check) => check.id === "verify.passed")?.rounds;
    expect(rounds?.map((round) => round.websocket)).toEqual(["ws.connected", "ws.connected", "ws.connected", "ws.connected"]);
    // The backend checks exp: a token kept past its 2 s would have been refused by round 3.
    expect(jwtsMasked(run.masked)).toBeGreaterThan(8);
  });

  it("passes when the last rounds all pass; a duration that cannot fit the timeout is refused with its line", async () => {
    const manifest = await withVerify("{ duration: 2s, interval: 1s, consecutive_successes: 2 }");
    const run = await runAction(world.inputs(manifest));
    expect(run.outputs.result).toBe("pass");
    expect(checksOf(run.outputs).find((check) => check.id === "verify.passed")?.rounds).toHaveLength(3);

    const long = await withVerify("{ duration: 5m }");
    const refused = await runAction(world.inputs(long, { timeout: "60" }));
    expect(refused.outputs.result).toBe("error");
    expect(refused.stdout).toMatch(
      /manifest-[a-z0-9]+\.yml:\d+: services\.backend-staging\.verify needs 315 s .* more than timeout \(60 s\)/,
    );
  });
});
