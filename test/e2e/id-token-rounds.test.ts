// A private service (id_token: true) under `verify:` rounds: the Google ID token is minted once and
// shared while it is good, but a mint that failed (IAM Credentials briefly 503) is not kept for the
// run: the next round asks again, so one transient failure does not fail every later round.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GoogleAuthEmulator } from "../emulators/google-auth.js";
import { incident1 } from "../incidents/incident-1.js";
import { checksOf, runAction } from "./harness.js";
import { startWif, type Wif } from "./wif.js";
import { startIncident, type World } from "./world.js";

describe("id_token across verify: rounds", () => {
  let world: World;
  let google: GoogleAuthEmulator;
  let wif: Wif;

  beforeAll(async () => {
    ({ world } = await startIncident(incident1));
    incident1.fixed(world);
    wif = await startWif(world);
    ({ google } = wif);
  });
  afterAll(async () => {
    await google.close();
    await world.close();
  });

  const mints = () => google.requests.filter((request) => request.endpoint === "iam.generateIdToken").length;

  it("a failed ID-token mint is tried again on the next round; a good one is reused", async () => {
    const backend = world.backends.get("backend-staging")!;
    backend.behaviour.private = true;
    try {
      const manifest = await world.writeManifest(
        `${incident1.manifest}    verify: { duration: 3s, interval: 1s, consecutive_successes: 2, failure_limit: 2 }\n`,
      );
      // The first probes' mint fails (both the try and its one retry), then IAM Credentials is back.
      google.state.faults["iam.generateIdToken"] = { kind: "status", status: 503, error: "UNAVAILABLE", times: 2 };
      google.requests.length = 0;
      const run = await runAction(world.inputs(manifest, { ...wif.inputs(), id_token: "true" }), wif.oidcEnv());

      const verify = checksOf(run.outputs).find((check) => check.id.startsWith("verify."));
      expect(verify?.id).toBe("verify.passed");
      expect(verify?.rounds?.every((round) => round.ok)).toBe(true);
      // Two failed tries, then one token that every later round shares.
      expect(mints()).toBe(3);
      for (const header of backend.serverlessAuthorizations) expect(run.everything).not.toContain(header.replace(/^Bearer /, ""));
    } finally {
      backend.behaviour.private = false;
      delete google.state.faults["iam.generateIdToken"];
    }
  });
});
