// The Google stack's Headers and FormData are src/gcp/fetch-headers.ts's (scripts/build.mjs): a run
// that checks and probes a service, and publishes nothing to GitHub, never loads Node's undici,
// whose first touch costs 25-39 ms of CPU before the first Google request could leave.
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { incident1 } from "../incidents/incident-1.js";
import { runAction } from "./harness.js";
import { startIncident, type World } from "./world.js";

/** Preloaded into the action: at exit, whether any undici module was loaded. */
const PROBE = `const { writeFileSync } = require("node:fs");
process.on("exit", () => writeFileSync(process.env.UNDICI_PROBE_FILE, String(process.moduleLoadList.some((m) => m.includes("undici")))));`;

describe("the Google requests do not load undici", () => {
  let world: World;
  let manifest: string;

  beforeAll(async () => ({ world, manifest } = await startIncident(incident1)));
  afterAll(() => world.close());

  it("a passing live run (Cloud Run, Secret Manager, IAM, health and WebSocket probes) leaves undici unloaded", async () => {
    incident1.fixed(world);
    const dir = await mkdtemp(join(tmpdir(), "gate-undici-"));
    const probe = join(dir, "probe.cjs");
    const answer = join(dir, "loaded");
    await writeFile(probe, PROBE);

    const run = await runAction(world.inputs(manifest), { NODE_OPTIONS: `--require ${probe}`, UNDICI_PROBE_FILE: answer });

    expect(run.outputs.result).toBe("pass");
    expect(await readFile(answer, "utf8")).toBe("false");
  });
});
