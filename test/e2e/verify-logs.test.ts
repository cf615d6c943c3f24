// verify: rounds read the revision's new log entries, and Cloud Logging makes an
// entry visible (ingests it) seconds after its timestamp. Through dist/index.js:
// a deny line timestamped inside round 1's window but ingested only after round
// 1 read its logs is found by round 2 (a cursor at "timestamp >= the last
// round's start" never saw it, and the verification passed), and every entry is
// counted once although the rounds' windows overlap.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Comparison } from "../emulators/logging.js";
import { revisionLog } from "../emulators/logging.js";
import { incident1 } from "../incidents/incident-1.js";
import { checksOf, runAction } from "./harness.js";
import { startIncident, type World } from "./world.js";

const LOGS = `    logs:
      max_errors: 1
      deny: ["JWT.*(not configured|missing)"]
`;

describe("verify: rounds and late-ingested log entries", () => {
  let world: World;
  const latest = () => world.scenario.services.get("backend-staging")!.service.latestReadyRevision!.split("/").pop()!;
  const isErrorRead = (filter: Comparison[]) =>
    filter.some((term) => term.field === "severity" && term.op === ">=" && term.value === "ERROR") &&
    filter.some((term) => term.field === "resource.labels.revision_name" && term.value === latest());

  beforeAll(async () => {
    ({ world } = await startIncident(incident1));
    incident1.fixed(world);
  });
  afterAll(() => world.close());
  beforeEach(() => {
    world.logging.entries.length = 0;
    delete world.logging.afterList;
  });

  /**
   * Before the run, one ERROR line (within max_errors: it is in every round's overlapping window, and must
   * not count again); after round 1's read, the line "JWT secret not configured", timestamped 400 ms before
   * that read (after verification began: initial_delay is 1 s), becomes visible.
   */
  async function runWithLateLine(verify: string) {
    world.logging.entries.push(revisionLog(world.scenario, "backend-staging", latest(), "ERROR", "database slow to answer"));
    let errorReads = 0;
    world.logging.afterList = (filter, receivedAt) => {
      if (!isErrorRead(filter) || ++errorReads !== 2) return; // 1: the first probes' read; 2: round 1's
      const late = revisionLog(
        world.scenario,
        "backend-staging",
        latest(),
        "ERROR",
        "JWT secret not configured",
        new Date(receivedAt - 400).toISOString(),
      );
      world.logging.entries.push(late);
    };
    const manifest = await world.writeManifest(`${incident1.manifest}${LOGS}    verify: ${verify}\n`);
    const run = await runAction(world.inputs(manifest));
    expect(errorReads).toBeGreaterThanOrEqual(2);
    return run;
  }

  it("a deny line ingested after round 1's read fails round 2; the earlier line is counted once, in the first read", async () => {
    const run = await runWithLateLine("{ duration: 3s, interval: 1s, initial_delay: 1s, consecutive_successes: 1, failure_limit: 1 }");
    expect(run.outputs.result).toBe("fail");
    const checks = checksOf(run.outputs);
    expect(checks.find((check) => check.id === "logs.errors")).toMatchObject({ status: "pass", count: 1 });
    const failed = checks.find((check) => check.id === "verify.failed");
    expect(failed?.message).toContain("failed verification at round 2 of 2");
    expect(failed?.rounds?.map((round) => round.new_errors)).toEqual([0, 1]);
    expect(failed?.rounds?.[1]?.failed).toContain("logs.errors");
  });

  it("the late line counts in one round only, however many windows overlap it", async () => {
    const run = await runWithLateLine("{ duration: 3s, interval: 1s, initial_delay: 1s, consecutive_successes: 1, failure_limit: 4 }");
    const verify = checksOf(run.outputs).find((check) => check.id.startsWith("verify."));
    expect(verify?.rounds?.map((round) => round.new_errors)).toEqual([0, 1, 0, 0]);
    expect(verify?.rounds?.map((round) => round.ok)).toEqual([true, false, true, true]);
  });
});
