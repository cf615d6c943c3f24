// Secret Manager API v1 on 127.0.0.1: secrets.get, versions.get/list and
// versions.access (base64 payload with dataCrc32c), reading a Scenario.
import type { secretmanager_v1 } from "@googleapis/secretmanager/build/v1.js";
import { crc32c } from "../../src/gcp/crc32c.js";
import { type EmulatorServer, googleError, requireBearer, serveJson } from "./http.js";
import type { Scenario } from "./scenario.js";

const PATH = /^\/v1\/projects\/([^/]+)\/secrets\/([^/:]+)(?:\/versions(?:\/([^/:]+))?)?(:access)?$/;
/** google/cloud/secretmanager/v1/resources.proto SecretVersion.State (0 is STATE_UNSPECIFIED). */
const VERSION_STATE_NUMBERS = { ENABLED: 1, DISABLED: 2, DESTROYED: 3 } as const;
const POLICY = /^\/v1\/projects\/([^/]+)\/secrets\/([^/:]+):getIamPolicy$/;

export function startSecretManagerEmulator(scenario: Scenario): Promise<EmulatorServer> {
  return serveJson((request, url) => {
    const denied = requireBearer(request, scenario.acceptsToken);
    if (denied) return denied;
    const policy = POLICY.exec(decodeURIComponent(url.pathname));
    if (policy) {
      if (scenario.policiesDenied) return { status: 403, body: googleError(403, "Permission 'secretmanager.secrets.getIamPolicy' denied") };
      const [, , secretId = ""] = policy;
      if (!scenario.secrets.has(`${scenario.project}/${secretId}`)) return { status: 404, body: googleError(404) };
      const body: secretmanager_v1.Schema$Policy = { version: 3, etag: "BwX=", bindings: scenario.secretPolicies.get(secretId) ?? [] };
      return { status: 200, body };
    }
    const match = PATH.exec(decodeURIComponent(url.pathname));
    if (!match || request.method !== "GET") return { status: 404, body: googleError(404, "unknown path") };
    const [, rawProject = "", secretId = "", versionId, access] = match;
    const project = rawProject === scenario.projectNumber ? scenario.project : rawProject;
    const key = `${project}/${secretId}`;
    if (scenario.deniedSecrets.has(secretId) || scenario.deniedSecrets.has(key)) {
      return { status: 403, body: googleError(403, `Permission 'secretmanager.versions.get' denied for resource '${key}'`) };
    }
    const versions = scenario.secrets.get(key);
    if (!versions)
      return { status: 404, body: googleError(404, `Secret [projects/${scenario.projectNumber}/secrets/${secretId}] not found.`) };
    const secretName = `projects/${scenario.projectNumber}/secrets/${secretId}`;
    const describe = (index: number): secretmanager_v1.Schema$SecretVersion => {
      const state = versions[index]?.state ?? "ENABLED";
      return {
        name: `${secretName}/versions/${index + 1}`,
        // SecretVersion.State's proto numbers, as `enum-encoding=int` answers (the Schema types only know names).
        state: scenario.enumEncoding === "int" ? (VERSION_STATE_NUMBERS[state] as unknown as string) : state,
        createTime: versions[index]?.createTime ?? new Date(Date.UTC(2026, 0, index + 1)).toISOString(),
      };
    };
    if (!url.pathname.includes("/versions")) {
      const secret: secretmanager_v1.Schema$Secret = { name: secretName, replication: { automatic: {} } };
      return { status: 200, body: secret };
    }
    if (versionId === undefined) {
      return { status: 200, body: { versions: versions.map((_, index) => describe(index)).reverse(), totalSize: versions.length } };
    }
    const index = versionId === "latest" ? versions.length - 1 : Number(versionId) - 1;
    const version = versions[index];
    if (!version || !Number.isInteger(index))
      return { status: 404, body: googleError(404, `Secret Version [${secretName}/versions/${versionId}] not found.`) };
    if (!access) return { status: 200, body: describe(index) };
    if (version.state !== "ENABLED") {
      return {
        status: 400,
        body: {
          error: {
            code: 400,
            message: `Secret Version [${secretName}/versions/${index + 1}] is in ${version.state} state.`,
            status: "FAILED_PRECONDITION",
          },
        },
      };
    }
    const data = Buffer.from(version.data, "utf8");
    const response: secretmanager_v1.Schema$AccessSecretVersionResponse = {
      name: `${secretName}/versions/${index + 1}`,
      payload: { data: data.toString("base64"), dataCrc32c: String(crc32c(data)) },
    };
    return { status: 200, body: response };
  });
}
