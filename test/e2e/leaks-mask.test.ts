// The runner masks a value only as it was registered: a Secret Manager value
// written with `echo … | gcloud secrets create --data-file=-` ends with a
// newline, and registered as read ("value\n") it masks nothing in a later
// step's log, whose lines never hold the newline. The gate registers the value
// without its surrounding whitespace too. Through dist/index.js.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addSecret, deploy } from "../emulators/scenario.js";
import { runAction } from "./harness.js";
import { startWorld, type World } from "./world.js";

const SECRET = "Vq7Zr2Kp9Lx4Wm8Tn3Hb6Jd1Fs5Gc0YaQeUi";

/** What the runner registers for one `::add-mask::` line (@actions/core escapes %, CR and LF). */
const registered = (data: string) => data.replace(/%0D/g, "\r").replace(/%0A/g, "\n").replace(/%25/g, "%");

describe("masking a value that came with whitespace around it", () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(() => world.close());

  it.each([
    ["a trailing newline", `${SECRET}\n`],
    ["a trailing CRLF", `${SECRET}\r\n`],
    ["surrounding spaces", `  ${SECRET}  `],
  ])("%s: the value itself is registered with the runner", async (_, stored) => {
    addSecret(world.scenario, "api-key", stored);
    deploy(world.scenario, "web", { secrets: { API_KEY: "api-key:latest" } });
    const manifest = await world.writeManifest("region: us-central1\nservices:\n  web:\n    secrets:\n      API_KEY: { min_bytes: 16 }\n");
    const run = await runAction(world.inputs(manifest));
    expect(run.outputs.result).toBe("pass");
    expect(run.masked.map(registered)).toContain(SECRET);
  });
});
