// The runtime account's access to a secret, judged only on what was read:
// "missing" needs both the secret's and the project's policy; when either
// could not be read, the grant may sit there, so the gate cannot verify.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { checksOf, runAction } from "./harness.js";
import { startWorld, type World } from "./world.js";
import { addSecret, deploy } from "../emulators/scenario.js";

const MANIFEST = `region: us-central1
services:
  backend-staging:
    secrets:
      SERVICE_SECRET: { secret: service-secret }
`;

describe("secretAccessor verdicts", () => {
  let world: World;
  let manifest: string;
  beforeAll(async () => {
    world = await startWorld();
    addSecret(world.scenario, "service-secret", "s3rvice-secret-value-0123456789abcdef");
    deploy(world.scenario, "backend-staging", { secrets: { SERVICE_SECRET: "service-secret:latest" } });
    // No grant anywhere: neither the project nor the secret grants the runtime account.
    world.scenario.projectPolicy = [];
    manifest = await world.writeManifest(MANIFEST);
  });
  afterEach(() => {
    world.resourceManager.faults.length = 0;
  });
  afterAll(() => world.close());

  const accessor = async () => {
    const run = await runAction(world.inputs(manifest));
    return { run, finding: checksOf(run.outputs).find((check) => check.id.startsWith("iam.")) };
  };

  it("fails when both policies were read and neither grants access", async () => {
    const { run, finding } = await accessor();
    expect(run.outputs.result).toBe("fail");
    expect(finding).toMatchObject({ id: "iam.accessor_missing", status: "fail" });
  });

  it("cannot verify, rather than fail, when the project policy could not be read", async () => {
    world.resourceManager.faults.push({ match: /:getIamPolicy$/, fault: { kind: "status", status: 503 } });
    const { run, finding } = await accessor();
    expect(finding).toMatchObject({ id: "iam.policy_unreadable", status: "error" });
    expect(finding?.message).toContain("the project's");
    expect(run.outputs.result).toBe("error");
  });
});
