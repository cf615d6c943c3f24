// Resource Manager API v3 on 127.0.0.1: projects.get and projects.getIamPolicy, and the same for
// the folders and organization above the project (Scenario.ancestors).
import type { cloudresourcemanager_v3 } from "@googleapis/cloudresourcemanager/build/v3.js";
import { type EmulatorServer, googleError, requireBearer, serveJson } from "./http.js";
import type { Scenario } from "./scenario.js";

export function startResourceManagerEmulator(scenario: Scenario): Promise<EmulatorServer> {
  return serveJson((request, url) => {
    const denied = requireBearer(request, scenario.acceptsToken);
    if (denied) return denied;
    const ancestors = scenario.ancestors ?? [];
    const above = /^\/v3\/((?:folders|organizations)\/[^/:]+)(:getIamPolicy)?$/.exec(decodeURIComponent(url.pathname));
    if (above) {
      const index = ancestors.findIndex((ancestor) => ancestor.name === above[1]);
      const ancestor = ancestors[index];
      // As Resource Manager answers a caller without the permission, whether or not the resource exists.
      if (!ancestor) return { status: 403, body: googleError(403, "The caller does not have permission") };
      if (above[2]) {
        if (request.method !== "POST") return { status: 405, body: googleError(405) };
        if (ancestor.denied || scenario.policiesDenied)
          return { status: 403, body: googleError(403, "The caller does not have permission") };
        return { status: 200, body: { version: 3, etag: "BwZ=", bindings: ancestor.bindings } };
      }
      const parent = ancestors[index + 1]?.name;
      const body: cloudresourcemanager_v3.Schema$Folder = { name: ancestor.name, ...(parent ? { parent } : {}), state: "ACTIVE" };
      return { status: 200, body };
    }
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
      ...(ancestors[0] ? { parent: ancestors[0].name } : {}),
      state: "ACTIVE",
    };
    return { status: 200, body };
  });
}
