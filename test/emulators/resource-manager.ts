// Resource Manager API v3 on 127.0.0.1: projects.get and projects.getIamPolicy.
import type { cloudresourcemanager_v3 } from "@googleapis/cloudresourcemanager/build/v3.js";
import { type EmulatorServer, googleError, requireBearer, serveJson } from "./http.js";
import type { Scenario } from "./scenario.js";

export function startResourceManagerEmulator(scenario: Scenario): Promise<EmulatorServer> {
  return serveJson((request, url) => {
    const denied = requireBearer(request, scenario.acceptsToken);
    if (denied) return denied;
    const match = /^\/v3\/projects\/([^/:]+)(:getIamPolicy)?$/.exec(decodeURIComponent(url.pathname));
    const project = match?.[1];
    if (!match || (project !== scenario.project && project !== scenario.projectNumber)) return { status: 404, body: googleError(404) };
    if (match[2]) {
      if (request.method !== "POST") return { status: 405, body: googleError(405) };
      if (scenario.policiesDenied) return { status: 403, body: googleError(403, "The caller does not have permission") };
      const policy: cloudresourcemanager_v3.Schema$Policy = { version: 3, etag: "BwY=", bindings: scenario.projectPolicy };
      return { status: 200, body: policy };
    }
    const body: cloudresourcemanager_v3.Schema$Project = {
      name: `projects/${scenario.projectNumber}`,
      projectId: scenario.project,
      state: "ACTIVE",
    };
    return { status: 200, body };
  });
}
