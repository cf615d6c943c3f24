// What the gate asks Google for: each fact once per run however many services
// share it, and only what a check needs. Secret Manager allows 600 metadata and
// policy reads per minute per project (shared with everything else in the
// project), so a read that another answer already settles is a read too many.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EmulatorServer } from "../emulators/http.js";
import { addSecret, defaultComputeAccount, deploy } from "../emulators/scenario.js";
import { runAction } from "./harness.js";
import { startWorld, type World } from "./world.js";

const SERVICES = ["api", "worker", "gateway"];

describe("requests to Google", () => {
  let world: World;
  let manifest: string;
  const servers = () => [world.cloudRun, world.secretManager, world.resourceManager];
  const paths = (server: EmulatorServer, pattern: RegExp) =>
    server.requests.filter((request) => pattern.test(`${request.method} ${request.path}`));

  beforeAll(async () => {
    world = await startWorld();
    addSecret(world.scenario, "jwt-shared", "a-shared-signing-secret-0123456789abcdef");
    addSecret(world.scenario, "db-shared", "db-password");
    for (const service of SERVICES)
      deploy(world.scenario, service, { secrets: { JWT_SECRET: "jwt-shared:latest", DB_PASSWORD: "db-shared:latest" } });
    const requirement = "    secrets:\n      JWT_SECRET: { min_bytes: 32 }\n      DB_PASSWORD: { secret: db-shared }\n";
    manifest = await world.writeManifest(
      `region: us-central1\nservices:\n${SERVICES.map((service) => `  ${service}:\n${requirement}`).join("")}`,
    );
  });
  afterAll(() => world.close());

  const gate = async () => {
    for (const server of servers()) server.requests.length = 0;
    const run = await runAction(world.inputs(manifest));
    expect(run.outputs.result).toBe("pass");
    const all = servers().flatMap((server) => server.requests.map((request) => `${request.method} ${request.path}`));
    expect(all.filter((request, index) => all.indexOf(request) !== index)).toEqual([]);
    return run;
  };

  it("reads a needed value instead of its metadata, and metadata only where no value is needed", async () => {
    await gate();

    expect(paths(world.secretManager, /jwt-shared\/versions\/latest:access$/)).toHaveLength(1);
    expect(paths(world.secretManager, /jwt-shared\/versions\/latest$/)).toHaveLength(0);
    expect(paths(world.secretManager, /db-shared\/versions\/latest$/)).toHaveLength(1);
    expect(paths(world.secretManager, /db-shared\/versions\/latest:access$/)).toHaveLength(0);
  });

  it("reads no secret's policy when the project's already grants the runtime account", async () => {
    await gate();

    expect(paths(world.resourceManager, /:getIamPolicy$/)).toHaveLength(1);
    expect(paths(world.secretManager, /:getIamPolicy/)).toHaveLength(0);
  });

  it("reads a few services on their own", async () => {
    await gate();

    expect(paths(world.cloudRun, /\/services\/[^/?]+$/)).toHaveLength(SERVICES.length);
    expect(paths(world.cloudRun, /\/services(\?|$)/)).toHaveLength(0);
  });

  it("reads each secret's policy once when the grants are on the secrets", async () => {
    const member = `serviceAccount:${defaultComputeAccount(world.scenario)}`;
    world.scenario.projectPolicy = [];
    for (const secret of ["jwt-shared", "db-shared"])
      world.scenario.secretPolicies.set(secret, [{ role: "roles/secretmanager.secretAccessor", members: [member] }]);

    await gate();

    expect(paths(world.secretManager, /jwt-shared:getIamPolicy/)).toHaveLength(1);
    expect(paths(world.secretManager, /db-shared:getIamPolicy/)).toHaveLength(1);
  });
});

describe("requests to Google, many services in one region", () => {
  const MANY = ["a", "b", "c", "d", "e", "f"].map((letter) => `svc-${letter}`);
  let world: World;
  let manifest: string;

  beforeAll(async () => {
    world = await startWorld();
    addSecret(world.scenario, "jwt-shared", "a-shared-signing-secret-0123456789abcdef");
    for (const service of MANY) deploy(world.scenario, service, { secrets: { JWT_SECRET: "jwt-shared:latest" } });
    deploy(world.scenario, "not-gated", {});
    manifest = await world.writeManifest(
      `region: us-central1\nservices:\n${MANY.map((service) => `  ${service}:\n    secrets:\n      JWT_SECRET: { min_bytes: 32 }\n`).join("")}`,
    );
  });
  afterAll(() => world.close());

  const run = async () => {
    world.cloudRun.requests.length = 0;
    const result = await runAction(world.inputs(manifest));
    expect(result.outputs.result).toBe("pass");
    expect(JSON.parse(result.outputs.report ?? "{}").services).toHaveLength(MANY.length);
    const serviceReads = world.cloudRun.requests.filter((request) => /\/services\/[^/?]+$/.test(request.path));
    const lists = world.cloudRun.requests.filter((request) => /\/services(\?|$)/.test(request.path));
    return { serviceReads, lists };
  };

  it("lists the region's services once instead of reading each", async () => {
    const { serviceReads, lists } = await run();

    expect(lists).toHaveLength(1);
    expect(serviceReads).toHaveLength(0);
  });

  it("reads each service on its own when it may not list them", async () => {
    world.cloudRun.faults.push({ match: /\/services$/, fault: { kind: "status", status: 403, times: 1 } });

    const { serviceReads, lists } = await run();

    expect(lists).toHaveLength(1);
    expect(serviceReads.map((request) => request.path.split("/").pop()).sort()).toEqual(MANY);
  });
});
