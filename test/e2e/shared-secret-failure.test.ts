// Two services share a secret whose metadata Secret Manager cannot give (500s past the retries).
// The first service to ask ends the run with that error; the second, whose config arrives later,
// meets the same failure, already settled. Its rejection is the run's own error, not a crash:
// no "internal error" line, no warning, whatever the order the services arrive in.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { incident2 } from "../incidents/incident-2.js";
import { reportOf, runAction } from "./harness.js";
import { startIncident, type World } from "./world.js";

describe("a shared secret's failure met by a later service", () => {
  let world: World;
  let manifest: string;

  beforeAll(async () => {
    ({ world, manifest } = await startIncident(incident2));
    incident2.fixed(world);
  });
  afterAll(() => world.close());

  it("one error, the Secret Manager one; no internal error, no warning", async () => {
    world.secretManager.faults.push({ match: /\/versions\/latest$/, fault: { kind: "status", status: 500, times: 1000 } });
    // backend-staging's config arrives after auth-staging's secret reads have failed.
    world.cloudRun.faults.push({
      match: /services\/backend-staging$/,
      fault: { kind: "status", status: 503, headers: { "retry-after": "1" }, times: 1 },
    });

    const run = await runAction(world.inputs(manifest, {}));
    world.secretManager.faults.length = 0;
    world.cloudRun.faults.length = 0;

    expect(run.exitCode).toBe(1);
    expect(run.outputs.result).toBe("error");
    expect(reportOf(run.outputs).checks?.[0]?.id).toBe("error.gcp_unavailable");
    expect(run.stdout).not.toContain("internal error");
    expect(run.stdout).not.toContain("::warning::cloud-run-deploy-gate");
    expect(run.stderr).toBe("");
  });
});
