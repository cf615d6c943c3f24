// A healthy fleet's run writes nothing to stderr. Twelve services probed at once (the signed
// WebSocket, its refusals, /health, the logs) each add an abort listener to the run's one signal
// and remove it when done; Node's leak heuristic warned at the eleventh, on every such run.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAction } from "./harness.js";
import { fleetNames, probedFleetManifest, startProbedFleet } from "./probed-fleet.js";
import type { World } from "./world.js";

const NAMES = fleetNames(12);

describe("a fleet probed at once", () => {
  let world: World;
  beforeAll(async () => {
    world = await startProbedFleet(NAMES, "fleet-signing-secret-".padEnd(48, "x"));
  });
  afterAll(() => world.close());

  it("no MaxListenersExceededWarning (or any other) on stderr", async () => {
    const run = await runAction(world.inputs(await world.writeManifest(probedFleetManifest(world, NAMES))));
    expect(run.outputs.result).toBe("pass");
    expect(run.stderr).not.toContain("MaxListenersExceededWarning");
    expect(run.stderr).toBe("");
  });
});
