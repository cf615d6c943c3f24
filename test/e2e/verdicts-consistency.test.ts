// "The same JWT_SECRET_KEY on every service" when a service serves more than
// one revision (revision: serving under a split): every serving revision's
// value counts, or a mismatch on the 10% revision passes unseen.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reportOf, runAction } from "./harness.js";
import { startWorld, type World } from "./world.js";
import { addSecret, deploy } from "../emulators/scenario.js";

const MANIFEST = `region: us-central1
services:
  backend-staging:
    secrets:
      JWT_SECRET_KEY: {}
  auth-staging:
    secrets:
      JWT_SECRET_KEY: {}
consistent:
  - [backend-staging.JWT_SECRET_KEY, auth-staging.JWT_SECRET_KEY]
`;

describe("consistency under split traffic", () => {
  let world: World;
  let manifest: string;
  beforeAll(async () => {
    world = await startWorld();
    addSecret(world.scenario, "jwt-shared", "the-shared-signing-secret-0123456789abcdef");
    addSecret(world.scenario, "jwt-old", "an-older-signing-secret-0123456789abcdef00");
    deploy(world.scenario, "auth-staging", { secrets: { JWT_SECRET_KEY: "jwt-shared:latest" } });
    manifest = await world.writeManifest(MANIFEST);
  });
  afterAll(() => world.close());

  const split = (firstSecret: string) => {
    world.scenario.services.delete("backend-staging");
    const first = deploy(world.scenario, "backend-staging", { secrets: { JWT_SECRET_KEY: `${firstSecret}:latest` } });
    const second = deploy(world.scenario, "backend-staging", { secrets: { JWT_SECRET_KEY: "jwt-shared:latest" } });
    const entry = world.scenario.services.get("backend-staging");
    if (entry)
      entry.service.trafficStatuses = [
        // Cloud Run lists the bigger share first here; the 10% revision comes second.
        { type: "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION", revision: second, percent: 90 },
        { type: "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION", revision: first, percent: 10 },
      ];
  };

  it("fails when the revision taking 10% holds another value", async () => {
    split("jwt-old");
    const run = await runAction(world.inputs(manifest, { revision: "serving" }));
    const checks = reportOf(run.outputs).checks ?? [];
    expect(checks.map((check) => [check.id, check.status])).toContainEqual(["consistent.mismatch", "fail"]);
    expect(run.outputs.result).toBe("fail");
    expect(run.everything).not.toContain("an-older-signing-secret");
  });

  it("passes when every serving revision holds the same value", async () => {
    split("jwt-shared");
    const run = await runAction(world.inputs(manifest, { revision: "serving" }));
    const checks = reportOf(run.outputs).checks ?? [];
    expect(checks.map((check) => [check.id, check.status])).toEqual([["consistent.match", "pass"]]);
    expect(run.outputs.result).toBe("pass");
  });
});
