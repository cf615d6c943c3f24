// max_concurrency caps Google API requests in flight across the whole run.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addSecret, deploy } from "../emulators/scenario.js";
import { runAction } from "./harness.js";
import { startWorld, type World } from "./world.js";

const NAMES = Array.from({ length: 12 }, (_, index) => `SECRET_${index}`);

describe("max_concurrency", () => {
  let world: World;
  let manifest: string;

  beforeAll(async () => {
    world = await startWorld();
    for (const name of NAMES) addSecret(world.scenario, name.toLowerCase().replace("_", "-"), `value-of-${name}-0123456789abcdef`);
    deploy(world.scenario, "api", {
      secrets: Object.fromEntries(NAMES.map((name) => [name, `${name.toLowerCase().replace("_", "-")}:latest`])),
    });
    manifest = await world.writeManifest(
      `region: us-central1\nservices:\n  api:\n    secrets:\n${NAMES.map((name) => `      ${name}: { min_bytes: 16 }`).join("\n")}\n`,
    );
    world.secretManager.latencyMs = 30;
  });
  afterAll(() => world.close());

  it.each([
    ["3", (peak: number) => expect(peak).toBeLessThanOrEqual(3)],
    ["16", (peak: number) => expect(peak).toBeGreaterThan(3)], // without a tight cap the same run goes wider: the test above can fail
  ])("max_concurrency: %s", async (limit, assertPeak) => {
    world.secretManager.peakInFlight = 0;

    const run = await runAction(world.inputs(manifest, { max_concurrency: limit }));

    expect(run.outputs.result).toBe("pass");
    assertPeak(world.secretManager.peakInFlight);
  });
});
