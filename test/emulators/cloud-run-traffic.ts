// Cloud Run Admin API v2 traffic updates on 127.0.0.1: services.patch with
// updateMask=traffic (validated as Cloud Run does: the percents sum to 100,
// every revision exists and is ready, tags are unique) answered with a
// long-running operation, and operations.get to follow it. Mounted by
// cloud-run.ts; the scenario's traffic changes only when the operation is done.
import type { run_v2 } from "@googleapis/run/build/v2.js";
import { googleError, type JsonReply, type RecordedRequest } from "./http.js";
import type { Scenario } from "./scenario.js";

type Operation = run_v2.Schema$GoogleLongrunningOperation;
type TrafficTarget = run_v2.Schema$GoogleCloudRunV2TrafficTarget;

export interface TrafficControls {
  /** Polls (operations.get) an operation answers `done: false` to before it completes; 0: done at once. */
  pollsBeforeDone: number;
  /** Complete operations with this error instead of applying the change. */
  operationError: { code: number; message: string } | undefined;
  /** Every traffic list the service was patched with, in order. */
  patches: { service: string; traffic: TrafficTarget[] }[];
  /**
   * Called before a services.get is answered: a test moves the traffic between the gate's check and
   * its act, as another deploy would.
   */
  onServiceGet: ((service: string) => void) | undefined;
}

const controls = new WeakMap<Scenario, TrafficControls>();
const operations = new WeakMap<Scenario, Map<string, { polls: number; apply: () => run_v2.Schema$GoogleCloudRunV2Service | undefined }>>();

export function trafficControls(scenario: Scenario): TrafficControls {
  let found = controls.get(scenario);
  if (!found) {
    found = { pollsBeforeDone: 1, operationError: undefined, patches: [], onServiceGet: undefined };
    controls.set(scenario, found);
  }
  return found;
}

const SERVICE = /^\/v2\/projects\/([^/]+)\/locations\/([^/]+)\/services\/([^/]+)$/;
const OPERATION = /^\/v2\/projects\/([^/]+)\/locations\/([^/]+)\/operations\/([^/]+)$/;

/** Answers PATCH services/{s} and GET operations/{o}; undefined for every other request. */
export function handleTrafficRequest(scenario: Scenario, request: RecordedRequest, url: URL): JsonReply | undefined {
  const path = decodeURIComponent(url.pathname);
  const settings = trafficControls(scenario);
  const pending = operations.get(scenario) ?? new Map();
  operations.set(scenario, pending);
  const service = SERVICE.exec(path);
  if (service && request.method === "GET" && settings.onServiceGet) {
    settings.onServiceGet(service[3] ?? "");
    return undefined;
  }
  if (service && request.method === "PATCH") {
    const [, project = "", region = "", name = ""] = service;
    const entry =
      (project === scenario.project || project === scenario.projectNumber) && region === scenario.region
        ? scenario.services.get(name)
        : undefined;
    if (!entry) return { status: 404, body: googleError(404, `Resource '${name}' of kind 'SERVICE' was not found.`) };
    if (url.searchParams.get("updateMask") !== "traffic")
      return { status: 400, body: googleError(400, "this emulator supports updateMask=traffic only") };
    const body = JSON.parse(request.body || "{}") as { traffic?: TrafficTarget[] };
    const list = body.traffic ?? [];
    const invalid = validate(list, entry.revisions);
    if (invalid) return { status: 400, body: googleError(400, invalid) };
    settings.patches.push({ service: name, traffic: list });
    const id = `op-${Math.random().toString(36).slice(2, 10)}`;
    const operationName = `projects/${scenario.project}/locations/${scenario.region}/operations/${id}`;
    const apply = () => {
      if (settings.operationError) return undefined;
      entry.service.traffic = list;
      entry.service.trafficStatuses = list.map((target) => ({
        type: target.type ?? null,
        revision: target.revision ?? null,
        percent: target.percent ?? 0,
        ...(target.tag ? { tag: target.tag, uri: (entry.service.uri ?? "").replace("://", `://${target.tag}---`) } : {}),
      }));
      return entry.service;
    };
    pending.set(operationName, { polls: settings.pollsBeforeDone, apply });
    if (settings.pollsBeforeDone <= 0) return { status: 200, body: finish(operationName, apply, settings) };
    const operation: Operation = {
      name: operationName,
      done: false,
      metadata: { "@type": "type.googleapis.com/google.cloud.run.v2.Service" },
    };
    return { status: 200, body: operation };
  }
  const operation = OPERATION.exec(path);
  if (operation && request.method === "GET") {
    const found = pending.get(path.slice("/v2/".length));
    if (!found) return { status: 404, body: googleError(404, "operation not found") };
    found.polls -= 1;
    if (found.polls > 0) return { status: 200, body: { name: path.slice("/v2/".length), done: false } satisfies Operation };
    return { status: 200, body: finish(path.slice("/v2/".length), found.apply, settings) };
  }
  return undefined;
}

function finish(name: string, apply: () => run_v2.Schema$GoogleCloudRunV2Service | undefined, settings: TrafficControls): Operation {
  const service = apply();
  if (!service) return { name, done: true, error: settings.operationError ?? { code: 13, message: "internal" } };
  return { name, done: true, response: { "@type": "type.googleapis.com/google.cloud.run.v2.Service", ...service } };
}

function validate(list: TrafficTarget[], revisions: Map<string, run_v2.Schema$GoogleCloudRunV2Revision>): string | undefined {
  if (list.length === 0) return "traffic must not be empty";
  const total = list.reduce((sum, target) => sum + (target.percent ?? 0), 0);
  if (total !== 100) return `traffic percents must sum to 100, got ${total}`;
  const tags = list.flatMap((target) => (target.tag ? [target.tag] : []));
  if (new Set(tags).size !== tags.length) return "traffic tags must be unique";
  for (const target of list) {
    if (target.type !== "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION") return `unsupported traffic type ${target.type}`;
    const revision = revisions.get(target.revision ?? "");
    if (!revision) return `revision ${target.revision} not found`;
    if (
      (target.percent ?? 0) > 0 &&
      !revision.conditions?.some((condition) => condition.type === "Ready" && condition.state === "CONDITION_SUCCEEDED")
    )
      return `revision ${target.revision} is not ready and cannot serve traffic`;
  }
  return undefined;
}
