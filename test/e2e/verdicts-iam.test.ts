// The accessor verdict where the answer lies outside the secret's and the
// project's policy: grants inherited from the folders and organization above
// the project, and a default compute account whose project number is unknown.
// Neither may become a confident "missing".
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { checksOf, runAction } from "./harness.js";
import { startWorld, type World } from "./world.js";
import { addSecret, defaultComputeAccount, deploy } from "../emulators/scenario.js";

const MANIFEST = `region: us-central1
services:
  backend-staging:
    secrets:
      SERVICE_SECRET: { secret: service-secret }
`;

describe("secretAccessor verdicts above the project", () => {
  let world: World;
  let manifest: string;
  const accessor = (member = `serviceAccount:${defaultComputeAccount(world.scenario)}`) => ({
    role: "roles/secretmanager.secretAccessor",
    members: [member],
  });
  const run = async () => {
    const result = await runAction(world.inputs(manifest));
    return { result, finding: checksOf(result.outputs).find((check) => check.id.startsWith("iam.")) };
  };
  beforeAll(async () => {
    world = await startWorld();
    addSecret(world.scenario, "service-secret", "s3rvice-secret-value-0123456789abcdef");
    deploy(world.scenario, "backend-staging", { secrets: { SERVICE_SECRET: "service-secret:latest" } });
    manifest = await world.writeManifest(MANIFEST);
  });
  afterEach(() => {
    world.scenario.projectPolicy = [];
    delete world.scenario.ancestors;
    world.resourceManager.faults.length = 0;
  });
  afterAll(() => world.close());

  it("passes when the organization grants the runtime account, naming where", async () => {
    world.scenario.projectPolicy = [];
    world.scenario.ancestors = [
      { name: "folders/314159", bindings: [] },
      { name: "organizations/271828", bindings: [accessor()] },
    ];
    const { result, finding } = await run();
    expect(finding).toMatchObject({ id: "iam.accessor", status: "pass" });
    expect(finding?.message).toContain("organizations/271828");
    expect(result.outputs.result).toBe("pass");
  });

  it("cannot verify, rather than fail, when a folder's policy above could not be read", async () => {
    world.scenario.projectPolicy = [];
    world.scenario.ancestors = [
      { name: "folders/314159", bindings: [], denied: true },
      { name: "organizations/271828", bindings: [] },
    ];
    const { result, finding } = await run();
    expect(finding).toMatchObject({ id: "iam.policy_unreadable", status: "error" });
    expect(finding?.message).toContain("folders/314159");
    expect(result.outputs.result).toBe("error");
  });

  it("cannot verify when the project's parent could not be looked up", async () => {
    world.scenario.projectPolicy = [];
    world.resourceManager.faults.push({ match: /^GET \/v3\/projects\//, fault: { kind: "status", status: 403 } });
    const { result, finding } = await run();
    expect(finding).toMatchObject({ id: "iam.policy_unreadable", status: "error" });
    expect(result.outputs.result).toBe("error");
  });

  it("still fails when every policy up to the organization was read and none grants", async () => {
    world.scenario.projectPolicy = [];
    world.scenario.ancestors = [
      { name: "folders/314159", bindings: [accessor("serviceAccount:someone-else@chat-staging.iam.gserviceaccount.com")] },
      { name: "organizations/271828", bindings: [] },
    ];
    const { result, finding } = await run();
    expect(finding).toMatchObject({ id: "iam.accessor_missing", status: "fail" });
    expect(result.outputs.result).toBe("fail");
  });

  it("reads nothing above the project when the project grants", async () => {
    world.scenario.projectPolicy = [accessor()];
    world.scenario.ancestors = [{ name: "organizations/271828", bindings: [] }];
    world.resourceManager.requests.length = 0;
    const { finding } = await run();
    expect(finding).toMatchObject({ id: "iam.accessor", status: "pass" });
    expect(world.resourceManager.requests.map((request) => request.path).filter((path) => /organizations|folders/.test(path))).toEqual([]);
  });
});

describe("secretAccessor verdict for a default compute account of unknown number", () => {
  let world: World;
  let manifest: string;
  beforeAll(async () => {
    world = await startWorld();
    addSecret(world.scenario, "service-secret", "s3rvice-secret-value-0123456789abcdef");
    const id = deploy(world.scenario, "backend-staging", { secrets: { SERVICE_SECRET: "service-secret:latest" } });
    // Deployed without --service-account: the revision names none, Cloud Run uses NUMBER-compute@….
    const deployed = world.scenario.services.get("backend-staging");
    const revision = deployed?.revisions.get(id);
    if (revision) delete revision.serviceAccount;
    if (deployed?.service.template) delete deployed.service.template.serviceAccount;
    manifest = await world.writeManifest(MANIFEST);
  });
  afterAll(() => world.close());

  it("cannot verify, rather than fail as PROJECT_NUMBER-compute@…, when the project number cannot be read", async () => {
    // The project grants the real default account; the gate may not read the project (no number).
    world.resourceManager.faults.push({ match: /^GET \/v3\/projects\//, fault: { kind: "status", status: 403 } });
    const result = await runAction(world.inputs(manifest));
    const finding = checksOf(result.outputs).find((check) => check.id.startsWith("iam."));
    expect(finding).toMatchObject({ id: "iam.account_unknown", status: "error" });
    expect(result.outputs.result).toBe("error");
  });

  it("passes once the number is known", async () => {
    world.resourceManager.faults.length = 0;
    const result = await runAction(world.inputs(manifest));
    expect(checksOf(result.outputs).find((check) => check.id.startsWith("iam."))).toMatchObject({ id: "iam.accessor", status: "pass" });
  });
});
