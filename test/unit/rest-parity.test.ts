// The gate's hand-written Google REST calls (src/gcp/rest.ts and its callers)
// against the generated @googleapis/* clients: both send to the same emulator on
// 127.0.0.1, which records every request, and each call the gate makes must be
// byte for byte the request the generated client builds for that method (method,
// path, query, body). A renamed field, a wrong verb, a `:getIamPolicy` sent as
// GET where the API wants POST: schema drift fails here, not in production.
import { cloudresourcemanager_v3 } from "@googleapis/cloudresourcemanager";
import { logging_v2 } from "@googleapis/logging";
import { run_v2 } from "@googleapis/run";
import { secretmanager_v1 } from "@googleapis/secretmanager";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { OAuth2Client } from "google-auth-library";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { cloudRun, type ServiceTarget } from "../../src/gcp/cloud-run.js";
import { iam } from "../../src/gcp/iam.js";
import { cloudLogging } from "../../src/gcp/logging.js";
import { secretManager } from "../../src/gcp/secret-manager.js";
import { traffic } from "../../src/gcp/traffic.js";
import { startCloudRunEmulator } from "../emulators/cloud-run.js";
import type { EmulatorServer, RecordedRequest } from "../emulators/http.js";
import { type LoggingEmulator, revisionLog, startLoggingEmulator } from "../emulators/logging.js";
import { startResourceManagerEmulator } from "../emulators/resource-manager.js";
import { addSecret, deploy, newScenario, type Scenario } from "../emulators/scenario.js";
import { startSecretManagerEmulator } from "../emulators/secret-manager.js";
import { readServiceTemplate } from "../../src/gcp/service-template.js";

const TOKEN = "ya29.test-access-token";

/** What must match: the request line, the JSON body and how the token is sent; not what the transport adds (user agent, api-client header). */
interface Shape {
  method: string;
  path: string;
  query: [string, string][];
  body: unknown;
  contentType: string | undefined;
  authorization: string | undefined;
}

function shapeOf(request: RecordedRequest): Shape {
  const url = new URL(request.path, "http://127.0.0.1");
  return {
    method: request.method,
    path: url.pathname,
    query: [...url.searchParams.entries()].sort(([a], [b]) => a.localeCompare(b)),
    body: request.body === "" ? undefined : JSON.parse(request.body),
    contentType: request.body === "" ? undefined : request.headers["content-type"]?.split(";")[0],
    authorization: request.headers.authorization,
  };
}

/** The requests `send` made, in a stable order (the gate sends some of them concurrently). */
async function recorded(server: EmulatorServer, send: () => Promise<unknown>): Promise<Shape[]> {
  const from = server.requests.length;
  await send();
  return server.requests
    .slice(from)
    .map(shapeOf)
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

/** The generated client throws on 404 like the gate does; only the request matters here. */
async function settle(...calls: Promise<unknown>[]): Promise<void> {
  await Promise.allSettled(calls);
}

describe("the gate's REST calls equal the generated clients' requests", () => {
  let scenario: Scenario;
  let run: EmulatorServer;
  let secrets: EmulatorServer;
  let projects: EmulatorServer;
  let logging: LoggingEmulator;
  let auth: OAuth2Client;
  const signal = new AbortController().signal;
  const project = "chat-staging";
  const region = "us-central1";
  const parent = `projects/${project}/locations/${region}`;
  const target = (service: string): ServiceTarget => ({ project, region, service });

  beforeAll(async () => {
    scenario = newScenario({ project, region });
    // Enough revisions that the gate pages through the list and reads an old one on its own.
    for (let index = 0; index < 14; index++) deploy(scenario, "backend", { env: { RELEASE: String(index) } });
    for (const name of ["api", "web", "worker", "jobs"]) deploy(scenario, name, {});
    addSecret(scenario, "jwt-secret", "s3cr3t-value");
    [run, secrets, projects, logging] = await Promise.all([
      startCloudRunEmulator(scenario),
      startSecretManagerEmulator(scenario),
      startResourceManagerEmulator(scenario),
      startLoggingEmulator(scenario),
    ]);
    auth = new OAuth2Client();
    auth.setCredentials({ access_token: TOKEN });
  });
  afterAll(async () => {
    await Promise.all([run.close(), secrets.close(), projects.close(), logging.close()]);
  });
  beforeEach(() => {
    for (const server of [run, secrets, projects, logging]) server.requests.length = 0;
  });

  const generatedRun = () => new run_v2.Run({ auth, rootUrl: `${run.url}/` });
  const generatedSecrets = () => new secretmanager_v1.Secretmanager({ auth, rootUrl: `${secrets.url}/` });
  const generatedProjects = () => new cloudresourcemanager_v3.Cloudresourcemanager({ auth, rootUrl: `${projects.url}/` });
  const generatedLogging = () => new logging_v2.Logging({ auth, rootUrl: `${logging.url}/` });

  describe("Cloud Run Admin API v2", () => {
    it("services.get and revisions.list (pageSize), for the latest ready revision and the one before it", async () => {
      const gate = await recorded(run, () => cloudRun(auth, run.url).readRevisions(target("backend"), { kind: "latest-ready" }, signal));
      const api = generatedRun().projects.locations.services;
      const generated = await recorded(run, () =>
        settle(api.get({ name: `${parent}/services/backend` }), api.revisions.list({ parent: `${parent}/services/backend`, pageSize: 10 })),
      );
      expect(gate).toHaveLength(2);
      expect(gate).toEqual(generated);
    });

    it("services.get for the template a candidate merges onto", async () => {
      const gate = await recorded(run, () => readServiceTemplate(auth, run.url, target("backend"), signal));
      const api = generatedRun().projects.locations.services;
      const generated = await recorded(run, () => settle(api.get({ name: `${parent}/services/backend` })));
      expect(gate).toHaveLength(1);
      expect(gate).toEqual(generated);
    });

    it("revisions.get for a revision not on the first page, and revisions.list with pageToken", async () => {
      const [oldest] = [...(scenario.services.get("backend")?.revisions.keys() ?? [])];
      const service = `${parent}/services/backend`;
      const gate = await recorded(run, () =>
        cloudRun(auth, run.url).readRevisions(target("backend"), { kind: "named", name: oldest ?? "" }, signal),
      );
      const api = generatedRun().projects.locations.services;
      const generated = await recorded(run, () =>
        settle(
          api.get({ name: service }),
          api.revisions.list({ parent: service, pageSize: 10 }),
          api.revisions.list({ parent: service, pageSize: 10, pageToken: "10" }),
          api.revisions.get({ name: `${service}/revisions/${oldest}` }),
        ),
      );
      expect(gate).toHaveLength(4);
      expect(gate).toEqual(generated);
    });

    it("services.patch (updateMask=traffic) and operations.get, to promote a revision", async () => {
      const service = `${parent}/services/web`;
      const next = deploy(scenario, "web", { tag: "candidate" });
      const gate = await recorded(run, () => traffic(auth, run.url).promote(service, { revision: next, share: undefined }, 100, signal));
      const sent = run.requests.find((request) => request.method === "PATCH");
      const operation = `${parent}/operations/${/operations\/([^/?]+)/.exec(run.requests.filter((request) => request.path.includes("/operations/")).at(-1)?.path ?? "")?.[1]}`;
      const api = generatedRun().projects.locations;
      const generated = await recorded(run, () =>
        settle(
          api.services.get({ name: service }),
          api.services.patch({ name: service, updateMask: "traffic", requestBody: JSON.parse(sent?.body ?? "{}") }),
          api.operations.get({ name: operation }),
        ),
      );
      expect(gate.map((request) => request.method).sort()).toEqual(["GET", "GET", "PATCH"]);
      expect(gate).toEqual(generated);
    });

    it("services.list (pageSize) when a run checks many services in one region", async () => {
      const names = ["backend", "api", "web", "worker", "jobs"];
      const gate = await recorded(run, () =>
        cloudRun(auth, run.url, names.map(target)).readRevisions(target("api"), { kind: "latest-ready" }, signal, { previous: false }),
      );
      const api = generatedRun().projects.locations.services;
      const generated = await recorded(run, () =>
        settle(api.list({ parent, pageSize: 200 }), api.revisions.list({ parent: `${parent}/services/api`, pageSize: 10 })),
      );
      expect(gate.map((request) => request.path)).toContain(`/v2/${parent}/services`);
      expect(gate).toEqual(generated);
    });
  });

  describe("Secret Manager API v1", () => {
    it("versions.get, then secrets.get when the version is missing", async () => {
      const manager = secretManager(auth, secrets.url);
      const gate = await recorded(secrets, async () => {
        await manager.inspect({ secret: "jwt-secret", version: "latest" }, project, signal);
        await manager.inspect({ secret: "jwt-secret", version: "7" }, project, signal);
      });
      const api = generatedSecrets().projects.secrets;
      const generated = await recorded(secrets, () =>
        settle(
          api.versions.get({ name: `projects/${project}/secrets/jwt-secret/versions/latest` }),
          api.versions.get({ name: `projects/${project}/secrets/jwt-secret/versions/7` }),
          api.get({ name: `projects/${project}/secrets/jwt-secret` }),
        ),
      );
      expect(gate).toHaveLength(3);
      expect(gate).toEqual(generated);
    });

    it("versions.access, in another project when the ref names one", async () => {
      const manager = secretManager(auth, secrets.url);
      const gate = await recorded(secrets, async () => {
        await manager.accessVersion({ secret: "jwt-secret", version: "1" }, project, signal);
        await manager.access({ secret: "jwt-secret", version: "latest", project: scenario.projectNumber }, project, signal);
      });
      const api = generatedSecrets().projects.secrets.versions;
      const generated = await recorded(secrets, () =>
        settle(
          api.access({ name: `projects/${project}/secrets/jwt-secret/versions/1` }),
          api.access({ name: `projects/${scenario.projectNumber}/secrets/jwt-secret/versions/latest` }),
        ),
      );
      expect(gate).toHaveLength(2);
      expect(gate).toEqual(generated);
    });

    it("secrets.getIamPolicy with options.requestedPolicyVersion", async () => {
      const policies = iam(auth, { secretManager: secrets.url, resourceManager: projects.url });
      const gate = await recorded(secrets, () => policies.secretPolicy({ secret: "jwt-secret", version: "latest" }, project, signal));
      const generated = await recorded(secrets, () =>
        settle(
          generatedSecrets().projects.secrets.getIamPolicy({
            resource: `projects/${project}/secrets/jwt-secret`,
            "options.requestedPolicyVersion": 3,
          }),
        ),
      );
      expect(gate).toHaveLength(1);
      expect(gate).toEqual(generated);
    });
  });

  describe("Resource Manager API v3", () => {
    it("projects.getIamPolicy (POST with GetIamPolicyRequest) and projects.get", async () => {
      const policies = iam(auth, { secretManager: secrets.url, resourceManager: projects.url });
      const gate = await recorded(projects, async () => {
        await policies.projectPolicy(project, signal);
        await policies.projectNumber(project, signal);
      });
      const api = generatedProjects().projects;
      const generated = await recorded(projects, () =>
        settle(
          api.getIamPolicy({ resource: `projects/${project}`, requestBody: { options: { requestedPolicyVersion: 3 } } }),
          api.get({ name: `projects/${project}` }),
        ),
      );
      expect(gate).toHaveLength(2);
      expect(gate).toEqual(generated);
    });

    it("projects.get, folders.get and folders/organizations.getIamPolicy, for the grants inherited from above", async () => {
      scenario.ancestors = [
        { name: "folders/314159", bindings: [] },
        { name: "organizations/271828", bindings: [] },
      ];
      const policies = iam(auth, { secretManager: secrets.url, resourceManager: projects.url });
      const gate = await recorded(projects, async () => {
        await policies.parentOf(`projects/${project}`, signal);
        await policies.parentOf("folders/314159", signal);
        await policies.ancestorPolicy("folders/314159", signal);
        await policies.ancestorPolicy("organizations/271828", signal);
      });
      const api = generatedProjects();
      const body = { options: { requestedPolicyVersion: 3 } };
      const generated = await recorded(projects, () =>
        settle(
          api.projects.get({ name: `projects/${project}` }),
          api.folders.get({ name: "folders/314159" }),
          api.folders.getIamPolicy({ resource: "folders/314159", requestBody: body }),
          api.organizations.getIamPolicy({ resource: "organizations/271828", requestBody: body }),
        ),
      );
      delete scenario.ancestors;
      expect(gate).toHaveLength(4);
      expect(gate).toEqual(generated);
    });
  });

  describe("Cloud Logging API v2", () => {
    it("entries.list (POST with ListLogEntriesRequest), then its next page", async () => {
      const revision = "backend-00001-abc";
      const since = "2026-01-01T00:00:00Z";
      for (const minute of [1, 2, 3]) {
        logging.entries.push(revisionLog(scenario, "backend", revision, "ERROR", `boom ${minute}`, `2026-01-01T00:0${minute}:00Z`));
      }
      const gate = await recorded(logging, () =>
        cloudLogging(auth, logging.url).read({ project, service: "backend", revision, since }, "error", signal, { pageSize: 2, pages: 2 }),
      );
      const request: logging_v2.Schema$ListLogEntriesRequest = {
        resourceNames: [`projects/${project}`],
        filter: `resource.type="cloud_run_revision" AND resource.labels.service_name="backend" AND resource.labels.revision_name="${revision}" AND severity>=ERROR AND timestamp>="${since}"`,
        orderBy: "timestamp asc",
        pageSize: 2,
      };
      const api = generatedLogging().entries;
      const generated = await recorded(logging, () =>
        settle(api.list({ requestBody: request }), api.list({ requestBody: { ...request, pageToken: "2" } })),
      );
      expect(gate).toHaveLength(2);
      expect(gate).toEqual(generated);
    });
  });

  it("covers every hand-written call: a new one in src/gcp/ needs its row here", () => {
    const dir = join(import.meta.dirname, "../../src/gcp");
    const sites = readdirSync(dir)
      .filter((file) => file.endsWith(".ts"))
      .flatMap((file) =>
        [...readFileSync(join(dir, file), "utf8").matchAll(/\.(get|post|patch)<([\w$.]+)>\(/g)].map(
          (match) => `${file} ${match[1]} ${match[2]}`,
        ),
      );
    expect(sites.sort()).toEqual(
      [
        // Cloud Run: services.list, services.get, revisions.list (with and without pageToken), revisions.get
        "cloud-run.ts get run_v2.Schema$GoogleCloudRunV2ListServicesResponse",
        "cloud-run.ts get Service",
        "cloud-run.ts get RevisionPage",
        "cloud-run.ts get Revision",
        "service-template.ts get Service",
        // Traffic (on_pass / on_fail): services.get, services.patch (updateMask=traffic), operations.get
        "traffic.ts get Service",
        "traffic.ts patch Operation",
        "traffic.ts get Operation",
        // IAM: secrets.getIamPolicy, projects.getIamPolicy, projects.get
        "iam.ts get secretmanager_v1.Schema$Policy",
        "iam.ts post cloudresourcemanager_v3.Schema$Policy",
        "iam.ts get cloudresourcemanager_v3.Schema$Project",
        // The folders and organization above a project: projects.get, folders.get, {folders,organizations}.getIamPolicy
        "iam.ts get cloudresourcemanager_v3.Schema$Project",
        "iam.ts get cloudresourcemanager_v3.Schema$Folder",
        "iam.ts post cloudresourcemanager_v3.Schema$Policy",
        // Secret Manager: versions.access, versions.get, secrets.get
        "secret-manager.ts get secretmanager_v1.Schema$AccessSecretVersionResponse",
        "secret-manager.ts get secretmanager_v1.Schema$SecretVersion",
        "secret-manager.ts get secretmanager_v1.Schema$Secret",
        // Cloud Logging: entries.list (test/e2e/logs.test.ts checks the filter against the emulator, which parses it)
        "logging.ts post ListLogEntriesResponseJson",
      ].sort(),
    );
  });
});
