// Cloud Run Admin API v2 on 127.0.0.1: services.get and services.list,
// revisions.get and revisions.list (lists paginated, newest revision first),
// reading a Scenario. Enum fields are written by name, or as their proto
// numbers when the scenario says so (what `enum-encoding=int` answers).
import type { run_v2 } from "@googleapis/run/build/v2.js";
import { handleTrafficRequest } from "./cloud-run-traffic.js";
import { type EmulatorServer, googleError, type JsonReply, type RecordedRequest, requireBearer, serveJson } from "./http.js";
import type { Scenario } from "./scenario.js";

const SERVICES = /^\/v2\/projects\/([^/]+)\/locations\/([^/]+)\/services$/;

const SERVICE = /^\/v2\/projects\/([^/]+)\/locations\/([^/]+)\/services\/([^/]+)$/;
const REVISION = /^\/v2\/projects\/([^/]+)\/locations\/([^/]+)\/services\/([^/]+)\/revisions\/([^/]+)$/;
const REVISIONS = /^\/v2\/projects\/([^/]+)\/locations\/([^/]+)\/services\/([^/]+)\/revisions$/;

export function startCloudRunEmulator(scenario: Scenario): Promise<EmulatorServer> {
  return serveJson((request, url) => {
    const reply = answer(scenario, request, url);
    const asInts = scenario.enumEncoding === "int" || (url.searchParams.get("$alt") ?? "").includes("enum-encoding=int");
    return asInts ? { ...reply, body: withIntEnums(reply.body) } : reply;
  });
}

/**
 * The proto numbers of the enums a service or revision carries (google/cloud/run/v2/condition.proto,
 * traffic_target.proto): the emulator's own table, kept apart from the gate's so a wrong number shows.
 */
const INT_ENUMS: Record<string, readonly string[]> = {
  state: ["STATE_UNSPECIFIED", "CONDITION_PENDING", "CONDITION_RECONCILING", "CONDITION_FAILED", "CONDITION_SUCCEEDED"],
  severity: ["SEVERITY_UNSPECIFIED", "ERROR", "WARNING", "INFO"],
  reason: [
    "COMMON_REASON_UNDEFINED",
    "UNKNOWN",
    "ROUTE_MISSING",
    "REVISION_FAILED",
    "PROGRESS_DEADLINE_EXCEEDED",
    "BUILD_STEP_FAILED",
    "CONTAINER_MISSING",
    "CONTAINER_PERMISSION_DENIED",
    "CONTAINER_IMAGE_UNAUTHORIZED",
    "CONTAINER_IMAGE_AUTHORIZATION_CHECK_FAILED",
    "ENCRYPTION_KEY_PERMISSION_DENIED",
    "ENCRYPTION_KEY_CHECK_FAILED",
    "SECRETS_ACCESS_CHECK_FAILED",
    "WAITING_FOR_OPERATION",
    "IMMEDIATE_RETRY",
    "POSTPONED_RETRY",
    "INTERNAL",
  ],
  revisionReason: [
    "REVISION_REASON_UNDEFINED",
    "PENDING",
    "RESERVE",
    "RETIRED",
    "RETIRING",
    "RECREATING",
    "HEALTH_CHECK_CONTAINER_ERROR",
    "CUSTOMIZED_PATH_RESPONSE_PENDING",
    "MIN_INSTANCES_NOT_PROVISIONED",
    "ACTIVE_REVISION_LIMIT_REACHED",
    "NO_DEPLOYMENT",
    "HEALTH_CHECK_SKIPPED",
    "MIN_INSTANCES_WARMING",
  ],
  type: ["TRAFFIC_TARGET_ALLOCATION_TYPE_UNSPECIFIED", "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION"],
};

/** A copy of `body` with every enum field under conditions and traffic written as its number. */
function withIntEnums(body: unknown, inEnumHolder = false): unknown {
  if (Array.isArray(body)) return body.map((item) => withIntEnums(item, inEnumHolder));
  if (typeof body !== "object" || body === null) return body;
  return Object.fromEntries(
    Object.entries(body).map(([key, value]) => {
      const numbers = INT_ENUMS[key];
      if (inEnumHolder && numbers && typeof value === "string" && numbers.includes(value)) return [key, numbers.indexOf(value)];
      const holder = ["conditions", "terminalCondition", "traffic", "trafficStatuses"].includes(key);
      return [key, withIntEnums(value, holder)];
    }),
  );
}

function answer(scenario: Scenario, request: RecordedRequest, url: URL): JsonReply {
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
}

/** One page of a list, as `pageSize` and `pageToken` ask (the token is the next index). */
function page<T>(all: T[], url: URL, defaultSize: number): { items: T[]; nextPageToken: string | undefined } {
  const pageSize = Number(url.searchParams.get("pageSize") ?? defaultSize) || defaultSize;
  const start = Number(url.searchParams.get("pageToken") ?? 0) || 0;
  const next = start + pageSize < all.length ? String(start + pageSize) : undefined;
  return { items: all.slice(start, start + pageSize), nextPageToken: next };
}
