// The `url` input is one service's address. With two services probed, the
// second one's tokens (signed with its own deployed secret, which the first
// must never hold) went to the first's URL, and its verdict was the first's
// answer (a fail blamed on a service nobody probed). Now: an input error before
// anything is probed, and with `services` naming one, that one alone goes there.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { addSecret, deploy } from "../emulators/scenario.js";
import { reportOf, runAction } from "./harness.js";
import { startWorld, type World } from "./world.js";

const SECRET_A = "canary-url-a-3e5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a";
const SECRET_B = "canary-url-b-9f1a3c5e7b9d1f3a5c7e9b1d3f5a7c9e1b3d5f7a";
const MANIFEST = `region: us-central1
services:
  svc-a:
    jwt: { secret_env: JWT_SECRET_STAGING, claims: { sub: deploy-gate } }
    websocket: { path: /ws }
  svc-b:
    jwt: { secret_env: JWT_SECRET_STAGING, claims: { sub: deploy-gate } }
    health: {}
    websocket: { path: /ws }
`;

describe("the url input with several services", () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld({ "svc-a": {}, "svc-b": {} });
    addSecret(world.scenario, "secret-a", SECRET_A);
    addSecret(world.scenario, "secret-b", SECRET_B);
    deploy(world.scenario, "svc-a", { url: world.backends.get("svc-a")!.url, secrets: { JWT_SECRET_STAGING: "secret-a:latest" } });
    deploy(world.scenario, "svc-b", { url: world.backends.get("svc-b")!.url, secrets: { JWT_SECRET_STAGING: "secret-b:latest" } });
  });
  afterAll(() => world.close());
  beforeEach(() => {
    for (const backend of world.backends.values()) {
      backend.upgrades = 0;
      backend.healthCalls = 0;
    }
  });

  it("two services with probes and one url: an input error, nothing probed", async () => {
    const a = world.backends.get("svc-a")!;
    const run = await runAction(world.inputs(await world.writeManifest(MANIFEST), { url: a.url }));

    expect(run.outputs.result).toBe("error");
    const message = reportOf(run.outputs).checks?.[0]?.message ?? "";
    expect(message).toContain("url is one service's address");
    expect(message).toContain("svc-a, svc-b");
    expect(reportOf(run.outputs).checks?.[0]?.id).toBe("error.input_invalid");
    expect(a.upgrades + a.healthCalls).toBe(0);
    expect(run.everything).not.toContain(SECRET_A);
    expect(run.everything).not.toContain(SECRET_B);
  });

  it("services naming the one url belongs to: only it is probed there, and it passes", async () => {
    const a = world.backends.get("svc-a")!;
    const b = world.backends.get("svc-b")!;
    const run = await runAction(world.inputs(await world.writeManifest(MANIFEST), { url: a.url, services: "svc-a" }));

    expect(run.outputs.result).toBe("pass");
    expect(reportOf(run.outputs).services.map((service) => service.service)).toEqual(["svc-a"]);
    expect(a.upgrades).toBeGreaterThan(0);
    expect(b.upgrades + b.healthCalls).toBe(0);
  });
});
