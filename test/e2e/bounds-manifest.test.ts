// Manifest requirements through dist/index.js: one the gate cannot hold is a clear error
// naming its line, never dropped from what is checked (which would pass unchecked).
import { writeFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deploy } from "../emulators/scenario.js";
import { reportOf, runAction } from "./harness.js";
import { startWorld, type World } from "./world.js";

describe("bounds: manifest requirements are checked or refused", () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld();
    deploy(world.scenario, "web", { env: { ENVIRONMENT: "staging", CITY: "Zürich" } });
  });
  afterAll(() => world.close());

  it("an env requirement named __proto__: an error with its line, not a pass that never looked", async () => {
    const manifest = await world.writeManifest("region: us-central1\nservices:\n  web:\n    env:\n      __proto__: { equals: x }\n");
    const run = await runAction(world.inputs(manifest));
    expect(run.outputs.result).toBe("error");
    expect(reportOf(run.outputs).checks?.[0]?.message).toContain(`${manifest}:5 services.web.env: "__proto__" cannot be a key here`);
    expect(run.exitCode).toBe(1);
  });

  it("a manifest saved as Latin-1: an error naming the line, not a fail comparing Z\uFFFDrich with the deployed Zürich", async () => {
    const manifest = await world.writeManifest("");
    await writeFile(
      manifest,
      Buffer.from("region: us-central1\nservices:\n  web:\n    env:\n      CITY: { equals: Z\xfcrich }\n", "latin1"),
    );
    const run = await runAction(world.inputs(manifest));
    expect(run.outputs.result).toBe("error");
    expect(reportOf(run.outputs).checks?.[0]?.message).toContain(
      `cannot read the manifest ${manifest}: it is not UTF-8 text (line 5 is not): save it as UTF-8`,
    );
  });
});
