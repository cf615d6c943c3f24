// What the Cloud Run and Secret Manager APIs answer is read to their rules:
// names checked against the APIs' grammars (a malformed one is an error), a
// failed rollout is a failure with Cloud Run's reason and message, LATEST
// traffic means the latest ready revision, enums read as names or numbers,
// and a secret volume without its secret is reported. Through dist/index.js.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { crc32c } from "../../src/gcp/crc32c.js";
import { addSecret, deploy } from "../emulators/scenario.js";
import { incident1, STAGING_SECRET } from "../incidents/incident-1.js";
import { checksOf, reportOf, runAction } from "./harness.js";
import { startIncident, type World } from "./world.js";

const short = (name: string | undefined) => name?.split("/").pop();
const GOOD = { env: { ENVIRONMENT: "staging" }, secrets: { JWT_SECRET_STAGING: "jwt-secret-staging:latest" } };
const BAD = { env: { ENVIRONMENT: "staging" } };
const SERVICE = "backend-staging";

describe("live answers", () => {
  let world: World;
  let manifest: string;
  let url: string;
  const service = () => world.scenario.services.get(SERVICE)!.service;
  const revision = (id: string) => world.scenario.services.get(SERVICE)!.revisions.get(id)!;
  const base = () => `projects/${world.scenario.project}/locations/${world.scenario.region}/services/${SERVICE}`;

  beforeAll(async () => {
    ({ world, manifest } = await startIncident(incident1));
    url = world.backends.get(SERVICE)!.url;
  });
  beforeEach(() => {
    world.scenario.services.clear();
    world.scenario.enumEncoding = "name";
    world.cloudRun.faults.length = 0;
    world.secretManager.faults.length = 0;
  });
  afterAll(() => world.close());

  describe("names the APIs answer with are checked against their grammars", () => {
    it("a revision name that is not a Cloud Run revision name is an error, quoted inertly", async () => {
      deploy(world.scenario, SERVICE, { url, ...GOOD });
      service().latestReadyRevision = `${base()}/revisions/Backend_00001\n::stop-commands::pwned`;

      const run = await runAction(world.inputs(manifest));

      expect(run.outputs.result).toBe("error");
      expect(run.stdout).toContain("the Cloud Run API answered with a revision name that is not valid");
      expect(run.stdout).not.toContain("::stop-commands::");
      expect(run.stdout.split("\n").some((line) => line.startsWith("::stop-commands"))).toBe(false);
    });

    it("a revision id that is a safe path segment but not Cloud Run's grammar is still an error", async () => {
      deploy(world.scenario, SERVICE, { url, ...GOOD });
      service().latestReadyRevision = `${base()}/revisions/BACKEND_00001`;

      const run = await runAction(world.inputs(manifest));

      expect(run.outputs.result).toBe("error");
      expect(run.stdout).toContain("revision name that is not valid");
    });

    it("a latest ready revision of another service is an error", async () => {
      deploy(world.scenario, SERVICE, { url, ...GOOD });
      service().latestReadyRevision = `projects/${world.scenario.project}/locations/${world.scenario.region}/services/other/revisions/other-00001-abc`;

      const run = await runAction(world.inputs(manifest));

      expect(run.outputs.result).toBe("error");
      expect(run.stdout).toContain("revision name that is not valid");
    });

    it("a service uri that is not an https URL is an error, and nothing is probed there", async () => {
      deploy(world.scenario, SERVICE, { url: "http://example.com:1/", ...GOOD });

      const run = await runAction(world.inputs(manifest));

      expect(run.outputs.result).toBe("error");
      expect(run.stdout).toContain("the Cloud Run API answered with a service URL that is not valid");
    });

    it("a secret id in an env var's secret ref that Secret Manager could not hold is an error", async () => {
      deploy(world.scenario, SERVICE, { url, ...GOOD, secrets: { JWT_SECRET_STAGING: "jwt secret/../x:latest" } });

      const run = await runAction(world.inputs(manifest));

      expect(run.outputs.result).toBe("error");
      expect(run.stdout).toContain("the Cloud Run API answered with a secret id that is not valid");
    });

    it("a secret version that is neither latest, a number nor an alias is an error", async () => {
      deploy(world.scenario, SERVICE, { url, ...GOOD, secrets: { JWT_SECRET_STAGING: "jwt-secret-staging:-1" } });

      const run = await runAction(world.inputs(manifest));

      expect(run.outputs.result).toBe("error");
      expect(run.stdout).toContain("the Cloud Run API answered with a secret version that is not valid");
    });

    it("a runtime service account that is not an email is an error", async () => {
      deploy(world.scenario, SERVICE, { url, ...GOOD, serviceAccount: "runtime@@evil" });

      const run = await runAction(world.inputs(manifest));

      expect(run.outputs.result).toBe("error");
      expect(run.stdout).toContain("the Cloud Run API answered with a service account that is not valid");
    });

    it("a Secret Manager version name that is not one is an error, read or inspected", async () => {
      addSecret(world.scenario, "other-secret", "other-value-1234");
      deploy(world.scenario, SERVICE, { url, ...GOOD, secrets: { ...GOOD.secrets, OTHER: "other-secret:latest" } });
      const data = Buffer.from(STAGING_SECRET);
      world.secretManager.faults.push({
        match: /jwt-secret-staging\/versions\/latest:access$/,
        fault: {
          kind: "status",
          status: 200,
          body: {
            name: "projects/123/secrets/../versions/1",
            payload: { data: data.toString("base64"), dataCrc32c: String(crc32c(data)) },
          },
        },
      });

      const read = await runAction(world.inputs(manifest));

      // The value cannot be verified (an error about that secret); what follows from it may fail.
      const unreadable = checksOf(read.outputs).find((check) => check.id === "secret.value_unreadable");
      expect(unreadable?.status).toBe("error");
      expect(unreadable!.message).toContain("the Secret Manager API answered with a secret version name that is not valid");
      expect(read.outputs.result).not.toBe("pass");
      expect(read.everything).not.toContain(STAGING_SECRET);

      world.secretManager.faults.length = 0;
      world.secretManager.faults.push({
        match: /other-secret\/versions\/latest$/,
        fault: { kind: "status", status: 200, body: { name: "projects/123/secrets/other-secret/versions/latest\n::x", state: "ENABLED" } },
      });

      const inspected = await runAction(world.inputs(manifest));

      expect(inspected.outputs.result).toBe("error");
      expect(inspected.stdout).toContain("the Secret Manager API answered with a secret version name that is not valid");
    });
  });

  describe("rollouts", () => {
    it("latest-ready: the newest revision failed is a failure naming it, its reason and message; the serving one is still reported", async () => {
      const serving = deploy(world.scenario, SERVICE, { url, ...GOOD });
      const failed = deploy(world.scenario, SERVICE, {
        url,
        ...GOOD,
        failed: {
          reason: "SECRETS_ACCESS_CHECK_FAILED",
          message: `Permission denied on secret jwt-secret-staging for the runtime account.\n::add-mask::x ${STAGING_SECRET}`,
        },
      });

      const run = await runAction(world.inputs(manifest));

      const [report] = reportOf(run.outputs).services;
      expect(short(report!.revision)).toBe(serving);
      const finding = report!.checks.find((check) => check.id === "revision.rollout_failed");
      expect(finding).toMatchObject({ status: "fail", subject: failed });
      expect(finding!.message).toContain(failed);
      expect(finding!.message).toContain("SECRETS_ACCESS_CHECK_FAILED");
      expect(finding!.message).toContain("Permission denied on secret jwt-secret-staging");
      expect(finding!.message).not.toContain("\n");
      expect(report!.checks.map((check) => check.id)).not.toContain("revision.rollout_in_progress");
      expect(report!.checks.find((check) => check.id === "secret.ok")?.status).toBe("pass");
      expect(run.outputs.result).toBe("fail");
      expect(run.everything).not.toContain(STAGING_SECRET);
      expect(run.stdout.split("\n").some((line) => line.startsWith("::add-mask::x"))).toBe(false);
    });

    it("latest-ready on a first deploy that failed: a failure naming the failed revision, not 'cannot decide'", async () => {
      const failed = deploy(world.scenario, SERVICE, {
        url,
        ...GOOD,
        failed: { reason: "CONTAINER_MISSING", message: "Image 'us-docker.pkg.dev/x/app:v1' not found." },
      });

      const run = await runAction(world.inputs(manifest));

      const [first] = checksOf(run.outputs);
      expect(first).toMatchObject({ id: "revision.not_ready", status: "fail", subject: failed });
      expect(first!.message).toContain("CONTAINER_MISSING");
      expect(first!.message).toContain("not found.");
      expect(run.outputs.result).toBe("fail");
    });

    it("latest-ready on a first deploy still starting stays 'cannot decide yet'", async () => {
      deploy(world.scenario, SERVICE, { url, ...GOOD, rolling: true });

      const run = await runAction(world.inputs(manifest));

      expect(run.outputs.result).toBe("error");
      expect(run.stdout).toContain("has no ready revision");
    });

    it("the service's terminal condition failed is a failure with its reason and message", async () => {
      deploy(world.scenario, SERVICE, { url, ...GOOD });
      service().terminalCondition = {
        type: "Ready",
        state: "CONDITION_FAILED",
        reason: "ROUTE_MISSING",
        message: "Traffic could not be routed to the revision.",
      };

      const run = await runAction(world.inputs(manifest));

      const finding = checksOf(run.outputs).find((check) => check.id === "revision.rollout_failed");
      expect(finding?.status).toBe("fail");
      expect(finding!.message).toContain("ROUTE_MISSING");
      expect(finding!.message).toContain("Traffic could not be routed");
      expect(run.outputs.result).toBe("fail");
    });

    it("a rollout still in progress (reconciling, nothing failed) stays a warning", async () => {
      const serving = deploy(world.scenario, SERVICE, { url, ...GOOD });
      deploy(world.scenario, SERVICE, { url, ...GOOD, rolling: true });

      const run = await runAction(world.inputs(manifest));

      const [report] = reportOf(run.outputs).services;
      expect(short(report!.revision)).toBe(serving);
      expect(report!.checks.find((check) => check.id === "revision.rollout_in_progress")?.status).toBe("warn");
      expect(report!.checks.map((check) => check.id)).not.toContain("revision.rollout_failed");
      expect(run.outputs.result).toBe("pass");
    });

    it("latest-created on a failed revision says why it is not ready", async () => {
      deploy(world.scenario, SERVICE, { url, ...GOOD });
      const failed = deploy(world.scenario, SERVICE, {
        url,
        ...GOOD,
        failed: { revisionReason: "HEALTH_CHECK_CONTAINER_ERROR", message: "The user-provided container failed to start." },
      });

      const run = await runAction(world.inputs(manifest, { revision: "latest-created" }));

      const [first] = checksOf(run.outputs);
      expect(first).toMatchObject({ id: "revision.not_ready", status: "fail", subject: failed });
      expect(first!.message).toContain("HEALTH_CHECK_CONTAINER_ERROR");
      expect(first!.message).toContain("The user-provided container failed to start.");
    });
  });

  describe("traffic", () => {
    it("serving with LATEST traffic checks the latest ready revision, at the service URL", async () => {
      const stale = deploy(world.scenario, SERVICE, { url, ...BAD });
      const latest = deploy(world.scenario, SERVICE, { url, ...GOOD });
      // Cloud Run sends LATEST traffic to latestReadyRevision, whatever else the entry says.
      service().trafficStatuses = [{ type: "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", percent: 100, revision: stale }];

      const run = await runAction(world.inputs(manifest, { revision: "serving" }));

      const services = reportOf(run.outputs).services;
      expect(services.map((entry) => short(entry.revision))).toEqual([latest]);
      expect(services[0]!.url).toBe(url);
      expect(run.outputs.result).toBe("pass");
    });

    it("serving with LATEST traffic and no ready revision is an error that says so", async () => {
      deploy(world.scenario, SERVICE, { url, ...GOOD, notReady: true });
      service().trafficStatuses = [{ type: "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", percent: 100 }];

      const run = await runAction(world.inputs(manifest, { revision: "serving" }));

      expect(run.outputs.result).toBe("error");
      expect(run.stdout).toContain("no ready revision");
    });
  });

  describe("enums written as numbers (enum-encoding=int) read the same as names", () => {
    beforeEach(() => {
      world.scenario.enumEncoding = "int";
    });

    it("a ready revision (CONDITION_SUCCEEDED = 4) passes", async () => {
      deploy(world.scenario, SERVICE, { url, ...GOOD });

      const run = await runAction(world.inputs(manifest));

      expect(checksOf(run.outputs).map((check) => check.id)).not.toContain("revision.not_ready");
      expect(run.outputs.result).toBe("pass");
    });

    it("a reconciling revision (CONDITION_RECONCILING = 2) is not ready", async () => {
      deploy(world.scenario, SERVICE, { url, ...GOOD });
      deploy(world.scenario, SERVICE, { url, ...GOOD, rolling: true });

      const run = await runAction(world.inputs(manifest, { revision: "latest-created" }));

      expect(checksOf(run.outputs)[0]).toMatchObject({ id: "revision.not_ready", status: "fail" });
    });

    it("a failed newest revision (CONDITION_FAILED = 3) names its reason", async () => {
      deploy(world.scenario, SERVICE, { url, ...GOOD });
      deploy(world.scenario, SERVICE, { url, ...GOOD, failed: { reason: "CONTAINER_MISSING", message: "Image not found." } });

      const run = await runAction(world.inputs(manifest));

      const finding = checksOf(run.outputs).find((check) => check.id === "revision.rollout_failed");
      expect(finding?.message).toContain("CONTAINER_MISSING");
      expect(run.outputs.result).toBe("fail");
    });

    it("LATEST traffic (= 1) is probed at the service URL", async () => {
      const latest = deploy(world.scenario, SERVICE, { url, ...GOOD });
      service().trafficStatuses = [{ type: "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", percent: 100 }];

      const run = await runAction(world.inputs(manifest, { revision: "serving" }));

      const [report] = reportOf(run.outputs).services;
      expect(short(report!.revision)).toBe(latest);
      expect(report!.url).toBe(url);
      expect(run.outputs.result).toBe("pass");
    });

    it("a disabled secret version (DISABLED = 2) is disabled", async () => {
      world.scenario.secrets.get(`${world.scenario.project}/jwt-secret-staging`)!.push({ state: "DISABLED", data: "x".repeat(40) });
      try {
        deploy(world.scenario, SERVICE, { url, ...GOOD, secrets: { JWT_SECRET_STAGING: "jwt-secret-staging:2" } });

        const run = await runAction(world.inputs(manifest));

        expect(checksOf(run.outputs).find((check) => check.id === "secret.version_disabled")?.status).toBe("fail");
        expect(run.outputs.result).toBe("fail");
      } finally {
        world.scenario.secrets.get(`${world.scenario.project}/jwt-secret-staging`)!.pop();
      }
    });
  });

  describe("secret volumes", () => {
    it("a secret volume without a secret id is reported, not skipped", async () => {
      deploy(world.scenario, SERVICE, { url, ...GOOD, secretVolumes: [{ name: "certs", mountPath: "/etc/certs" }] });

      const run = await runAction(world.inputs(manifest));

      const finding = checksOf(run.outputs).find((check) => check.id === "secret.volume_without_secret");
      expect(finding).toMatchObject({ status: "error", subject: "/etc/certs" });
      expect(finding!.message).toContain("certs");
      expect(run.outputs.result).toBe("error");
    });

    it("a mounted secret volume is checked like an env secret", async () => {
      deploy(world.scenario, SERVICE, {
        url,
        ...GOOD,
        secretVolumes: [{ name: "keys", mountPath: "/etc/keys", secret: "missing-secret", items: [{ version: "3", path: "key.pem" }] }],
      });

      const run = await runAction(world.inputs(manifest));

      expect(checksOf(run.outputs).find((check) => check.id === "secret.not_found")?.subject).toBe("/etc/keys/key.pem");
      expect(run.outputs.result).toBe("fail");
    });
  });

  it("revision objects carry their own names: one read by name is checked too", async () => {
    const first = deploy(world.scenario, SERVICE, { url, ...GOOD });
    deploy(world.scenario, SERVICE, { url, ...GOOD });
    revision(first).name = `${base()}/revisions/${first}/../../x`;

    const run = await runAction(world.inputs(manifest, { revision: first }));

    expect(run.outputs.result).toBe("error");
    expect(run.stdout).toContain("revision name that is not valid");
  });
});
