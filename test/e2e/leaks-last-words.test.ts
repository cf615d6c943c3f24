// The watchdog's last words (what it writes when the main thread is stuck past
// the deadline) show the services that finished, redacted when they were
// rendered. A secret the gate reads after that (another service's, still on its
// way from Secret Manager) must not stay in them: a finished service's log line
// may carry it. Through dist/index.js, with the main thread stalled by a preload.
import type { Server } from "node:http";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { revisionLog } from "../emulators/logging.js";
import { addSecret, deploy } from "../emulators/scenario.js";
import { reportOf, runAction } from "./harness.js";
import { startWorld, type World } from "./world.js";
import { slowAccess } from "../emulators/slow-forwarder.js";

const SHARED = "Vq7Zr2Kp9Lx4Wm8Tn3Hb6Jd1Fs5Gc0YaQeUi";

describe("the watchdog's last words", () => {
  let world: World;
  let forwarder: { url: string; server: Server };

  beforeAll(async () => {
    // The worker's /health answers late: it is still being checked when the main thread stalls.
    world = await startWorld({ worker: { healthDelayMs: 20_000 } });
    forwarder = await slowAccess(world.secretManager.url, 1_000);
  });
  afterAll(async () => {
    await new Promise((resolve) => forwarder.server.close(resolve));
    await world.close();
  });

  it("a secret read after a service finished is redacted from that service's part of them", async () => {
    addSecret(world.scenario, "shared-key", SHARED);
    deploy(world.scenario, "web", {});
    deploy(world.scenario, "worker", { url: world.backends.get("worker")?.url ?? "", secrets: { SHARED_KEY: "shared-key:latest" } });
    const webRevision = world.scenario.services.get("web")?.service.latestReadyRevision?.split("/").pop() ?? "";
    world.logging.entries.length = 0;
    world.logging.entries.push(revisionLog(world.scenario, "web", webRevision, "ERROR", `upstream refused key=${SHARED}`));
    const manifest = await world.writeManifest(`region: us-central1
services:
  web:
    logs: { max_errors: 0 }
  worker:
    secrets:
      SHARED_KEY: { min_bytes: 8 }
    health: { retries: 0 }
`);
    const stall = join(world.dir, "stall.cjs");
    await writeFile(stall, `if (require("node:worker_threads").isMainThread) setTimeout(() => { for (;;); }, 2500);`);
    const run = await runAction(world.inputs(manifest, { secret_manager_endpoint: forwarder.url, timeout: "3" }), {
      NODE_OPTIONS: `--require ${stall}`,
    });
    const report = reportOf(run.outputs);
    expect(report.checks?.[0]?.id).toBe("error.deadline_exceeded");
    // The last words show web, which finished before the stall, with its log line.
    expect(report.services.map((service) => service.service)).toContain("web");
    expect(run.outputs.report).toContain("upstream refused key=");
    expect(run.masked).toContain(SHARED);
    expect(run.everything).not.toContain(SHARED.slice(0, 8));
  });
});
