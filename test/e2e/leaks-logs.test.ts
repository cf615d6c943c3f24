// Log lines are untrusted text that may carry any secret of the run, including
// one the gate reads only later: in a fleet, one service's log check runs while
// another service's secret is still on its way from Secret Manager. A line cut
// to size then keeps the first characters of that secret, which no redaction
// recognises once the value is known. Through dist/index.js, against the
// emulators; a forwarder in front of Secret Manager makes the slow read certain.
import type { Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { revisionLog } from "../emulators/logging.js";
import { addSecret, deploy } from "../emulators/scenario.js";
import { reportOf, runAction } from "./harness.js";
import { startWorld, type World } from "./world.js";
import { slowAccess } from "../emulators/slow-forwarder.js";

/** Random-looking, so no other text of a run shares 4 of its first characters. */
const SHARED = "Vq7Zr2Kp9Lx4Wm8Tn3Hb6Jd1Fs5Gc0YaQeUi";

/** No run of 4 or more leading characters of `secret` anywhere. */
function expectNoPrefix(text: string, secret: string, where: string): void {
  for (let length = 4; length <= secret.length; length++) {
    expect(text.includes(secret.slice(0, length)), `${where} shows the first ${length} characters of the secret`).toBe(false);
  }
}

describe("log excerpts: cut only once every secret of the run is known", () => {
  let world: World;
  let forwarder: { url: string; server: Server };

  beforeAll(async () => {
    world = await startWorld();
    forwarder = await slowAccess(world.secretManager.url, 1_500);
  });
  afterAll(async () => {
    await new Promise((resolve) => forwarder.server.close(resolve));
    await world.close();
  });

  const latest = (service: string) => world.scenario.services.get(service)?.service.latestReadyRevision?.split("/").pop() ?? "";

  for (const padding of [180, 190, 195, 198]) {
    it(`a log line of one service holding another's secret after ${padding} characters: none of it is shown`, async () => {
      addSecret(world.scenario, "shared-key", SHARED);
      deploy(world.scenario, "web", {});
      deploy(world.scenario, "worker", { secrets: { SHARED_KEY: "shared-key:latest" } });
      world.logging.entries.length = 0;
      world.logging.entries.push(revisionLog(world.scenario, "web", latest("web"), "ERROR", `${"e".repeat(padding)}${SHARED} tail`));
      const manifest = await world.writeManifest(`region: us-central1
services:
  web:
    logs: { max_errors: 0 }
  worker:
    secrets:
      SHARED_KEY: { min_bytes: 8 }
`);
      const run = await runAction(world.inputs(manifest, { secret_manager_endpoint: forwarder.url, timeout: "20" }));
      const web = reportOf(run.outputs).services.find((service) => service.service === "web");
      expect(web?.checks.find((check) => check.id === "logs.errors")?.status).toBe("fail");
      expect(run.masked).toContain(SHARED);
      expectNoPrefix(run.everything, SHARED, "the run's output");
    });
  }

  it("a log line carrying a JWT (another client's token): withheld, as in every other excerpt", async () => {
    deploy(world.scenario, "web", {});
    const jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTQyIiwiaWF0IjoxNzAwMDAwMDAwfQ.c2lnbmF0dXJlLW9mLWEtcmVhbC11c2Vy";
    world.logging.entries.length = 0;
    world.logging.entries.push(revisionLog(world.scenario, "web", latest("web"), "ERROR", `token rejected: ${jwt}`));
    const manifest = await world.writeManifest("region: us-central1\nservices:\n  web:\n    logs: { max_errors: 0 }\n");
    const run = await runAction(world.inputs(manifest));
    const web = reportOf(run.outputs).services.find((service) => service.service === "web");
    const logs = web?.checks.find((check) => check.id === "logs.errors");
    expect(logs?.status).toBe("fail");
    expect(logs?.entries?.[0]?.message).toContain("token rejected:");
    expect(run.everything).not.toContain(jwt.split(".")[1]);
    expect(run.everything).not.toContain(jwt.split(".")[2]);
  });
});
