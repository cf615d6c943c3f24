// Right verdicts on live revisions (issue 13 §6): equals/matches on a
// secret-backed variable, requirements met only by a sidecar, duplicate env
// names, and a secret of the same id in another project. Through dist/index.js
// against the emulators.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { addSecret, deploy, type Revision } from "../emulators/scenario.js";
import { checksOf, reportOf, runAction } from "./harness.js";
import { startWorld, type World } from "./world.js";

const CANARY = "production-canary-7f3a9c1e5b";
const JWT_VALUE = "cross-project-canary-0c8e2a4f6b1d3e5a7c9f0b2d4e6a8c1f";
const OTHER_PROJECT_NUMBER = "999000000000";

const MANIFEST = `
region: us-central1
services:
  backend-staging:
    env:
      ENVIRONMENT: { equals: staging }
      LOG_LEVEL: { matches: "^(info|debug)$" }
      AUTH_SERVICE_URL: {}
    secrets:
      JWT_SECRET_STAGING: { secret: jwt-secret-staging }
`;
const GOOD = {
  env: { AUTH_SERVICE_URL: "https://auth.internal" },
  secrets: {
    ENVIRONMENT: "environment-name:latest",
    LOG_LEVEL: "log-level:latest",
    JWT_SECRET_STAGING: "jwt-secret-staging:latest",
  },
};

describe("verdicts on live revisions", () => {
  let world: World;
  let manifest: string;

  beforeAll(async () => {
    world = await startWorld();
    manifest = await world.writeManifest(MANIFEST);
  });
  beforeEach(() => {
    world.scenario.services.clear();
    world.scenario.secrets.clear();
    world.scenario.deniedSecrets.clear();
    addSecret(world.scenario, "jwt-secret-staging", "a-long-enough-staging-secret-value-0123456789abcdef");
    addSecret(world.scenario, "log-level", "debug");
  });
  afterAll(() => world.close());

  const revisionOf = (id: string): Revision => world.scenario.services.get("backend-staging")!.revisions.get(id)!;
  const find = (checks: ReturnType<typeof checksOf>, subject: string, id: string) =>
    checks.find((check) => check.subject === subject && check.id === id);

  it("equals on a secret-backed variable: the value read from Secret Manager matches, a pass", async () => {
    addSecret(world.scenario, "environment-name", "staging");
    deploy(world.scenario, "backend-staging", GOOD);

    const run = await runAction(world.inputs(manifest));

    expect(find(checksOf(run.outputs), "ENVIRONMENT", "env.present")?.status).toBe("pass");
    expect(find(checksOf(run.outputs), "LOG_LEVEL", "env.present")?.status).toBe("pass");
    expect(run.outputs.result).toBe("pass");
    // The manifest's own text is public: masking "staging" would turn "backend-staging" into "backend-***".
    expect(run.masked).not.toContain("staging");
    expect(reportOf(run.outputs).services[0]?.service).toBe("backend-staging");
    // A value compared with a pattern is not in the manifest: it stays masked.
    expect(run.masked).toContain("debug");
  });

  it("equals on a secret-backed variable that differs: a failure that never shows the value", async () => {
    addSecret(world.scenario, "environment-name", CANARY);
    deploy(world.scenario, "backend-staging", GOOD);

    const run = await runAction(world.inputs(manifest));

    const finding = find(checksOf(run.outputs), "ENVIRONMENT", "env.value_mismatch");
    expect(finding?.status).toBe("fail");
    expect(finding?.message).toContain("differs");
    expect(run.outputs.result).toBe("fail");
    expect(run.everything).not.toContain(CANARY);
    expect(run.everything).not.toContain(CANARY.slice(0, 10));
    expect(run.masked).toContain(CANARY);
  });

  it("equals on a secret the gate may not read: cannot verify, an error, never a pass", async () => {
    addSecret(world.scenario, "environment-name", "staging");
    world.scenario.deniedSecrets.add("environment-name");
    deploy(world.scenario, "backend-staging", GOOD);

    const run = await runAction(world.inputs(manifest));

    const finding = find(checksOf(run.outputs), "ENVIRONMENT", "env.value_unverifiable");
    expect(finding?.status).toBe("error");
    expect(finding?.message).toContain("cannot verify");
    expect(finding?.message).toContain("denied");
    expect(run.outputs.result).toBe("error");
  });

  it("a requirement met only by a sidecar fails, naming the sidecar", async () => {
    addSecret(world.scenario, "environment-name", "staging");
    const id = deploy(world.scenario, "backend-staging", { ...GOOD, env: {} });
    const revision = revisionOf(id);
    revision.containers = [
      { name: "proxy", image: "envoy", env: [{ name: "AUTH_SERVICE_URL", value: "https://auth.internal" }] },
      ...(revision.containers ?? []),
    ];

    const run = await runAction(world.inputs(manifest));

    const finding = find(checksOf(run.outputs), "AUTH_SERVICE_URL", "env.missing");
    expect(finding?.status).toBe("fail");
    expect(finding?.message).toContain('on sidecar "proxy", not on the ingress container "backend-1"');
    expect(run.outputs.result).toBe("fail");
  });

  it("services.<s>.container names the container the requirements apply to", async () => {
    addSecret(world.scenario, "environment-name", "staging");
    const id = deploy(world.scenario, "backend-staging", GOOD);
    const revision = revisionOf(id);
    revision.containers = [...(revision.containers ?? []), { name: "worker", image: "worker", env: [] }];
    const named = await world.writeManifest(MANIFEST.replace("  backend-staging:\n", "  backend-staging:\n    container: worker\n"));

    const run = await runAction(world.inputs(named));

    const finding = find(checksOf(run.outputs), "AUTH_SERVICE_URL", "env.missing");
    expect(finding?.message).toContain('on container "backend-1", not on container "worker"');
    expect(run.outputs.result).toBe("fail");
    const missing = await world.writeManifest(MANIFEST.replace("  backend-staging:\n", "  backend-staging:\n    container: absent\n"));
    const absent = await runAction(world.inputs(missing));
    expect(find(checksOf(absent.outputs), "absent", "container.not_found")?.status).toBe("fail");
  });

  it("a duplicate env name in one container is reported", async () => {
    addSecret(world.scenario, "environment-name", "staging");
    const id = deploy(world.scenario, "backend-staging", GOOD);
    const [container] = revisionOf(id).containers ?? [];
    container!.env = [...(container!.env ?? []), { name: "AUTH_SERVICE_URL", value: "https://other.internal" }];

    const run = await runAction(world.inputs(manifest));

    const finding = find(checksOf(run.outputs), "AUTH_SERVICE_URL", "env.duplicate");
    expect(finding?.status).toBe("fail");
    expect(finding?.message).toContain('2 times in container "backend-1"');
    expect(run.outputs.result).toBe("fail");
  });

  it("the same secret id in another project fails; the own project spelled as its number passes", async () => {
    addSecret(world.scenario, "environment-name", "staging");
    world.scenario.secrets.set(`${OTHER_PROJECT_NUMBER}/jwt-secret-staging`, [{ state: "ENABLED", data: JWT_VALUE }]);
    deploy(world.scenario, "backend-staging", {
      ...GOOD,
      secrets: { ...GOOD.secrets, JWT_SECRET_STAGING: `projects/${OTHER_PROJECT_NUMBER}/secrets/jwt-secret-staging:latest` },
    });

    const foreign = await runAction(world.inputs(manifest));

    const finding = find(checksOf(foreign.outputs), "JWT_SECRET_STAGING", "secret.wrong_project");
    expect(finding?.status).toBe("fail");
    expect(finding?.message).toContain(`projects/${OTHER_PROJECT_NUMBER}/secrets/jwt-secret-staging`);
    expect(foreign.outputs.result).toBe("fail");
    expect(foreign.everything).not.toContain(JWT_VALUE);

    deploy(world.scenario, "backend-staging", {
      ...GOOD,
      secrets: { ...GOOD.secrets, JWT_SECRET_STAGING: `projects/${world.scenario.projectNumber}/secrets/jwt-secret-staging:latest` },
    });
    const own = await runAction(world.inputs(manifest));
    expect(reportOf(own.outputs).services[0]?.checks.map((check) => check.id)).not.toContain("secret.wrong_project");
    expect(own.outputs.result).toBe("pass");
  });
});
