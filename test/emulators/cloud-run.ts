// Cloud Run Admin API v2 on 127.0.0.1: services.get, revisions.get and
// revisions.list (with pagination), reading a Scenario.
import { type EmulatorServer, googleError, requireBearer, serveJson } from "./http.js";
import type { Scenario } from "./scenario.js";

const SERVICE = /^\/v2\/projects\/([^/]+)\/locations\/([^/]+)\/services\/([^/]+)$/;
const REVISION = /^\/v2\/projects\/([^/]+)\/locations\/([^/]+)\/services\/([^/]+)\/revisions\/([^/]+)$/;
const REVISIONS = /^\/v2\/projects\/([^/]+)\/locations\/([^/]+)\/services\/([^/]+)\/revisions$/;

export function startCloudRunEmulator(scenario: Scenario): Promise<EmulatorServer> {
  return serveJson((request, url) => {
    const denied = requireBearer(request, scenario.acceptsToken);
    if (denied) return denied;
    if (request.method !== "GET") return { status: 405, body: googleError(405) };
    const path = decodeURIComponent(url.pathname);
    const known = (project: string, region: string) =>
      (project === scenario.project || project === scenario.projectNumber) && region === scenario.region;
    let match = SERVICE.exec(path);
    if (match) {
      const [, project = "", region = "", name = ""] = match;
      const entry = known(project, region) ? scenario.services.get(name) : undefined;
      return entry
        ? { status: 200, body: entry.service }
        : { status: 404, body: googleError(404, `Resource '${name}' of kind 'SERVICE' was not found.`) };
    }
    match = REVISION.exec(path);
    if (match) {
      const [, project = "", region = "", name = "", revision = ""] = match;
      const found = known(project, region) ? scenario.services.get(name)?.revisions.get(revision) : undefined;
      return found ? { status: 200, body: found } : { status: 404, body: googleError(404, `Revision ${revision} not found`) };
    }
    match = REVISIONS.exec(path);
    if (match) {
      const [, project = "", region = "", name = ""] = match;
      const entry = known(project, region) ? scenario.services.get(name) : undefined;
      if (!entry) return { status: 404, body: googleError(404) };
      const all = [...entry.revisions.values()].reverse();
      const pageSize = Number(url.searchParams.get("pageSize") ?? 20) || 20;
      const start = Number(url.searchParams.get("pageToken") ?? 0) || 0;
      const page = all.slice(start, start + pageSize);
      const next = start + pageSize < all.length ? String(start + pageSize) : undefined;
      return { status: 200, body: { revisions: page, ...(next ? { nextPageToken: next } : {}) } };
    }
    return { status: 404, body: googleError(404, "unknown path") };
  });
}
