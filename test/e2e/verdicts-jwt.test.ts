// The JWT signing secret's strength where the value is not a plain, readable,
// long secret: an empty plain value, the team's own development fallback set as
// a plain value, and a Secret Manager value the gate may not read. None may
// leave the strength unjudged while the run passes.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { checksOf, runAction } from "./harness.js";
import { startWorld, type World } from "./world.js";
import { addSecret, deploy } from "../emulators/scenario.js";

/** The team's 49-character development fallback (incident 3): random-looking, known only from the manifest's list. */
const FALLBACK = "Zq8pWm3vRt6yKb2nXc5hJd9fLs4gAe7uPo1iTw0eYr3qNm6zV";
const SECRET = "a-real-signing-secret-0123456789abcdef0123456789abcdef0123456789";

const MANIFEST = `region: us-central1
dev_fallback_secrets: ["${FALLBACK}"]
services:
  backend-staging:
    jwt:
      secret_env: JWT_SECRET
      claims: { sub: deploy-gate }
`;

describe("JWT secret strength verdicts", () => {
  let world: World;
  let manifest: string;
  beforeAll(async () => {
    world = await startWorld();
    addSecret(world.scenario, "jwt-secret", SECRET);
    manifest = await world.writeManifest(MANIFEST);
  });
  afterEach(() => {
    world.secretManager.faults.length = 0;
  });
  afterAll(() => world.close());

  const jwtChecks = async () => {
    const run = await runAction(world.inputs(manifest));
    return { run, checks: checksOf(run.outputs).filter((check) => check.id.startsWith("jwt.")) };
  };

  it("an empty plain value is a weak secret, a failure", async () => {
    deploy(world.scenario, "backend-staging", { env: { JWT_SECRET: "" } });
    const { run, checks } = await jwtChecks();
    expect(checks).toEqual(expect.arrayContaining([expect.objectContaining({ id: "jwt.weak_secret", status: "fail" })]));
    expect(run.outputs.result).toBe("fail");
  });

  it("the manifest's development fallback as a plain value is a weak secret", async () => {
    deploy(world.scenario, "backend-staging", { env: { JWT_SECRET: FALLBACK } });
    const { run, checks } = await jwtChecks();
    expect(checks).toEqual(expect.arrayContaining([expect.objectContaining({ id: "jwt.weak_secret", status: "fail" })]));
    expect(run.outputs.result).toBe("fail");
    expect(run.everything).not.toContain(FALLBACK);
  });

  it("a Secret Manager value the gate may not read: cannot verify its strength, never a silent pass", async () => {
    deploy(world.scenario, "backend-staging", { secrets: { JWT_SECRET: "jwt-secret:latest" } });
    world.secretManager.faults.push({ match: /:access$/, fault: { kind: "status", status: 403 } });
    const { run, checks } = await jwtChecks();
    expect(checks).toEqual(expect.arrayContaining([expect.objectContaining({ status: "error" })]));
    expect(run.outputs.result).toBe("error");
  });

  it("a readable strong Secret Manager value passes", async () => {
    deploy(world.scenario, "backend-staging", { secrets: { JWT_SECRET: "jwt-secret:latest" } });
    const { run, checks } = await jwtChecks();
    expect(checks).toEqual([expect.objectContaining({ id: "jwt.secret_strength", status: "pass" })]);
    expect(run.outputs.result).toBe("pass");
    expect(run.everything).not.toContain(SECRET);
  });
});
