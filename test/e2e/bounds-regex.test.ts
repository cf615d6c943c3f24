// A deny pattern RE2 runs in linear time, but with a constant of its own: 60 characters of
// bounded repeats cost ~1 s per 4 KB log line, 20 of them over 1,000 entries hours of the
// main thread. The run's timeout still holds: a clear result when the deadline strikes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { revisionLog } from "../emulators/logging.js";
import { deploy } from "../emulators/scenario.js";
import { reportOf, runAction } from "./harness.js";
import { startWorld, type World } from "./world.js";

const HEAVY = "(?:[ab]{1,1000}d|[ab]{1,1000}e|[ab]{1,1000}f|[ab]{1,1000}g)";

describe("bounds: deny patterns against long log lines", () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld();
    deploy(world.scenario, "web", { env: { A: "1" } });
    const revision = world.scenario.services.get("web")!.service.latestReadyRevision!.split("/").pop()!;
    for (let index = 0; index < 200; index++) {
      world.logging.entries.push(revisionLog(world.scenario, "web", revision, "INFO", `d${"ab".repeat(2047)}c`));
    }
  });
  afterAll(() => world.close());

  it("the run ends at its timeout with result=error, not hours later", async () => {
    const deny = Array.from({ length: 20 }, () => JSON.stringify(HEAVY)).join(", ");
    const manifest = await world.writeManifest(`region: us-central1\nservices:\n  web:\n    logs: { deny: [${deny}] }\n`);
    const started = Date.now();
    const run = await runAction(world.inputs(manifest, { timeout: "4" }));
    const ms = Date.now() - started;
    expect(run.outputs.result).toBe("error");
    expect(reportOf(run.outputs).checks?.[0]?.id).toBe("error.deadline_exceeded");
    expect(ms).toBeLessThan(15_000);
  });
});
