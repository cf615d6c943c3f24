// Aggregate mode against what real shard jobs write, through dist/index.js:
// every result a shard can end in must merge into the single run's verdict,
// and what cannot be verified is never a pass.
import { cp, mkdir, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { incident1 } from "../incidents/incident-1.js";
import { reportOf, runAction } from "./harness.js";
import { startIncident, type World } from "./world.js";

const SHA = "c0ffee0000000000000000000000000000000002";

describe("bounds: aggregate of what shard jobs really write", () => {
  let world: World;

  beforeAll(async () => {
    ({ world } = await startIncident(incident1));
    incident1.fixed(world);
  });
  afterAll(() => world.close());

  it("a shard whose verification was inconclusive: the aggregate is inconclusive (the single run's verdict), not an unusable report", async () => {
    const manifest = await world.writeManifest(
      `${incident1.manifest}    verify: { duration: 2s, interval: 1s, consecutive_successes: 5 }\n`,
    );
    const shard = await runAction(world.inputs(manifest, { shard: "1/1" }), { GITHUB_SHA: SHA });
    expect(shard.outputs.result).toBe("inconclusive");

    const dir = await mkdtemp(join(tmpdir(), "gate-bounds-reports-"));
    await mkdir(join(dir, "shard-1"));
    await cp(shard.outputs.report_file ?? "", join(dir, "shard-1", "deploy-gate-report.json"));
    const run = await runAction({ mode: "aggregate", reports: dir }, { GITHUB_SHA: SHA });

    const report = reportOf(run.outputs);
    const errors = (report.checks ?? []).filter((check) => check.status === "error").map((check) => check.message);
    expect(errors).toEqual([]);
    expect(run.outputs.result).toBe("inconclusive");
    expect(report.result).toBe("inconclusive");
    expect(run.exitCode).toBe(1);
    expect(run.outputs.recommendation).toBe("hold");
    expect(run.stdout).toContain("::error::cloud-run-deploy-gate: verification was inconclusive (verify.inconclusive)");
  });
});
