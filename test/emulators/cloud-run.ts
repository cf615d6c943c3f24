// Cloud Run Admin API v2 on 127.0.0.1: services.get and services.list,
// revisions.get and revisions.list (lists paginated, newest revision first),
// reading a Scenario.
import type { run_v2 } from "@googleapis/run/build/v2.js";
import { handleTrafficRequest } from "./cloud-run-traffic.js";
import { type EmulatorServer, googleError, requireBearer, serveJson } from "./http.js";
import type { Scenario } from "./scenario.js";

const SERVICES = /^\/v2\/projects\/([^/]+)\/locations\/([^/]+)\/services$/;

const SERVICE = /^\/v2\/projects\/([^/]+)\/locations\/([^/]+)\/services\/([^/]+)$/;
const REVISION = /^\/v2\/projects\/([^/]+)\/locations\/([^/]+)\/services\/([^/]+)\/revisions\/([^/]+)$/;
const REVISIONS = /^\/v2\/projects\/([^/]+)\/locations\/([^/]+)\/services\/([^/]+)\/revisions$/;

export function startCloudRunEmulator(scenario: Scenario): Promise<EmulatorServer> {
  return serveJson((request, url) => {
    const denied = requireBearer(request, scenario.acceptsToken);
    if (denied) return denied;
    const traffic = handleTrafficRequest(scenario, request, url);
    if (traffic) return traffic;
    if (request.method !== "GET") return { status: 405, body: googleError(405) };
    const path = decodeURIComponent(url.pathname);
    const known = (project: string, region: string) =>
      (project === scenario.project || project === scenario.projectNumber) && region === scenario.region;
    let match = SERVICES.exec(path);
    if (match) {
      const [, project = "", region = ""] = match;
      const services = known(project, region) ? [...scenario.services.values()].map((entry) => entry.service) : [];
      const { items, nextPageToken } = page(services, url, 100);
      const body: run_v2.Schema$GoogleCloudRunV2ListServicesResponse = { services: items, ...(nextPageToken ? { nextPageToken } : {}) };
      return { status: 200, body };
    }
    match = SERVICE.exec(path);
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
      const { items, nextPageToken } = page([...entry.revisions.values()].reverse(), url, 20);
      const body: run_v2.Schema$GoogleCloudRunV2ListRevisionsResponse = { revisions: items, ...(nextPageToken ? { nextPageToken } : {}) };
      return { status: 200, body };
    }
    return { status: 404, body: googleError(404, "unknown path") };
  });
}

/** One page of a list, as `pageSize` and `pageToken` ask (the token is the next index). */
function page<T>(all: T[], url: URL, defaultSize: number): { items: T[]; nextPageToken: string | undefined } {
  const pageSize = Number(url.searchParams.get("pageSize") ?? defaultSize) || defaultSize;
  const start = Number(url.searchParams.get("pageToken") ?? 0) || 0;
  const next = start + pageSize < all.length ? String(start + pageSize) : undefined;
  return { items: all.slice(start, start + pageSize), nextPageToken: next };
}
