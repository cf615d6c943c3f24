// A plain env var whose name says it holds a password or key is never quoted,
// whatever its value looks like: a human-chosen password ("hunter2hunter2")
// has no random shape to give it away. The names secret scanners key on
// (passw, pwd, creds, apikey, passphrase) besides the ones the gate knew.
// Through dist/index.js.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deploy } from "../emulators/scenario.js";
import { reportOf, runAction } from "./harness.js";
import { startWorld, type World } from "./world.js";

const VALUES = {
  DB_PASS: "hunter2hunter2",
  MYSQL_PWD: "tr0ub4dor and 3",
  SMTP_PASSPHRASE: "correct horse battery staple",
  PAYMENT_APIKEY: "live-payments-2024-main",
  GCP_CREDS: "service account of ops",
};

describe("plain env vars named like credentials", () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(() => world.close());

  it("a mismatch says so without the deployed value", async () => {
    deploy(world.scenario, "web", { env: { ...VALUES, LOG_LEVEL: "debug" } });
    const manifest = await world.writeManifest(`region: us-central1
services:
  web:
    env:
${Object.keys(VALUES)
  .map((name) => `      ${name}: { equals: "something-else" }`)
  .join("\n")}
      LOG_LEVEL: { equals: info }
`);
    const run = await runAction(world.inputs(manifest));
    const checks = reportOf(run.outputs).services[0]?.checks ?? [];
    for (const [name, value] of Object.entries(VALUES)) {
      const mismatch = checks.find((check) => check.id === "env.value_mismatch" && check.subject === name);
      expect(mismatch?.found, name).toMatch(/not shown/);
      expect(run.everything, name).not.toContain(value);
    }
    // An ordinary value is still shown: that is what makes the finding quick to fix.
    expect(checks.find((check) => check.subject === "LOG_LEVEL")?.found).toBe("debug");
  });
});
