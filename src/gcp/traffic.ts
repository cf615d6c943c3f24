// Cloud Run traffic: who serves what share of a service now, and (opt-in,
// on_pass / on_fail) moving it: services.patch with updateMask=traffic, then
// the long-running operation polled until done, inside the run's deadline.
import type { run_v2 } from "@googleapis/run/build/v2.js";
import type { AuthClient } from "google-auth-library";
import { GcpError } from "../errors.js";
import { apiError } from "./api-error.js";
import { assertSafeSegments } from "./request.js";
import { googleRest } from "./rest.js";
import { shortName } from "../resource-name.js";
import { sleep } from "../wait.js";

type Service = run_v2.Schema$GoogleCloudRunV2Service;
type Operation = run_v2.Schema$GoogleLongrunningOperation;
type TrafficTarget = run_v2.Schema$GoogleCloudRunV2TrafficTarget;

const REVISION_TARGET = "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION";
/** Polls start quick (a traffic change usually takes a few seconds) and back off to this. */
const MAX_POLL_MS = 2_000;

/** Current traffic per revision id, as Cloud Run reports it (a LATEST target means the latest ready revision). */
export function servingShares(service: Service): Map<string, number> {
  const shares = new Map<string, number>();
  const latest = shortName(service.latestReadyRevision ?? "");
  for (const status of service.trafficStatuses ?? []) {
    const revision = status.revision ? shortName(status.revision) : String(status.type).endsWith("LATEST") ? latest : "";
    if (!revision) continue;
    shares.set(revision, (shares.get(revision) ?? 0) + (typeof status.percent === "number" ? status.percent : 0));
  }
  return shares;
}

/** The revision's create time and current traffic share, for the facts (RevisionConfig). */
export function liveFacts(
  service: Service,
  revision: run_v2.Schema$GoogleCloudRunV2Revision,
): { createTime?: string; trafficPercent: number } {
  return {
    ...(typeof revision.createTime === "string" ? { createTime: revision.createTime } : {}),
    trafficPercent: servingShares(service).get(shortName(revision.name ?? "")) ?? 0,
  };
}

export interface TrafficChange {
  before: Map<string, number>;
  after: Map<string, number>;
}

/** The traffic moved since the gate checked the revision: nothing was changed. `now` is what serves now. */
export interface TrafficSuperseded {
  superseded: Map<string, number>;
}

/**
 * The checked revision and the share of the traffic it served when the gate read it. Another deploy or
 * a person may move the traffic while the gate checks (verification can take minutes). A promote acts
 * only if that share is unchanged: a share someone else set is theirs to keep (promote_percent would cut
 * it). A rollback acts only if the failing revision serves no less than it did: less means traffic is
 * already moving away from it (a newer deploy, a person), and rolling back would undo that (send 100%
 * back over the newer deploy); more (a ramp-up meanwhile) still rolls back. Undefined: not guarded.
 */
export interface Checked {
  revision: string;
  share: number | undefined;
}

export interface Traffic {
  /** Give `checked` `percent` of the traffic (the rest stays with who serves now, in proportion); tags are kept. */
  promote(service: string, checked: Checked, percent: number, signal: AbortSignal): Promise<TrafficChange | TrafficSuperseded>;
  /** Send all traffic to `to`, away from the failing `checked`; tags are kept. */
  rollback(service: string, checked: Checked, to: string, signal: AbortSignal): Promise<TrafficChange | TrafficSuperseded>;
}

/** `service` is the full name projects/P/locations/R/services/S. */
export function traffic(auth: AuthClient, endpoint: string | undefined): Traffic {
  const api = googleRest(auth, endpoint, "https://run.googleapis.com");

  async function move(
    service: string,
    checked: Checked,
    moved: (now: number, seen: number) => boolean,
    shares: (current: Map<string, number>) => Map<string, number>,
    signal: AbortSignal,
  ): Promise<TrafficChange | TrafficSuperseded> {
    const parts = /^projects\/([^/]+)\/locations\/([^/]+)\/services\/([^/]+)$/.exec(service);
    assertSafeSegments(`Cloud Run service ${service}`, { project: parts?.[1] ?? "", region: parts?.[2] ?? "", service: parts?.[3] ?? "" });
    const what = `updating the traffic of ${parts?.[3]}`;
    const hint = "grant the gate's identity run.services.update on the service (roles/run.developer)";
    const read = () => call(what, hint, () => api.get<Service>(`v2/${service}`, signal));
    const current = await read();
    const before = servingShares(current);
    if (checked.share !== undefined && moved(before.get(checked.revision) ?? 0, checked.share)) return { superseded: before };
    const wanted = shares(before);
    let operation = await call(what, hint, () =>
      api.patch<Operation>(`v2/${service}`, { traffic: targets(current, wanted) }, signal, { updateMask: "traffic" }),
    );
    for (let wait = 250; !operation.done; wait = Math.min(wait * 2, MAX_POLL_MS)) {
      const name = operation.name ?? "";
      if (!/^projects\/[^/]+\/locations\/[^/]+\/operations\/[A-Za-z0-9_-]{1,200}$/.test(name)) {
        throw new GcpError(`${what}: the operation has no valid name to follow`, {
          code: "GCP_UNAVAILABLE",
          hint: "check cloud_run_endpoint",
        });
      }
      await sleep(wait, signal);
      operation = await call(what, hint, () => api.get<Operation>(`v2/${name}`, signal));
    }
    if (operation.error) {
      const code = typeof operation.error.code === "number" ? ` (code ${operation.error.code})` : "";
      throw new GcpError(`${what}: Cloud Run could not apply it${code}`, {
        code: "GCP_UNAVAILABLE",
        hint: "read the service's events in the console; the traffic is as it was before",
      });
    }
    const updated = operation.response as Service | undefined;
    const after = servingShares(updated?.trafficStatuses ? updated : await read());
    return { before, after };
  }

  return {
    promote: (service, checked, percent, signal) =>
      move(service, checked, changed, (current) => promoted(current, checked.revision, percent), signal),
    rollback: (service, checked, to, signal) => move(service, checked, lessThanSeen, () => new Map([[to, 100]]), signal),
  };
}

/** Guards of Checked: a promote holds on any change of the share, a rollback when the share went down. */
const changed = (now: number, seen: number) => now !== seen;
const lessThanSeen = (now: number, seen: number) => now < seen;

/** `percent` to `revision`, the rest split among the others in proportion to their share now (largest remainder). */
export function promoted(current: Map<string, number>, revision: string, percent: number): Map<string, number> {
  const others = [...current].filter(([id, share]) => id !== revision && share > 0);
  const total = others.reduce((sum, [, share]) => sum + share, 0);
  const rest = 100 - percent;
  const shares = new Map<string, number>([[revision, total > 0 ? percent : 100]]);
  if (total === 0 || rest === 0) return shares;
  const exact = others.map(([id, share]) => ({ id, value: (share / total) * rest }));
  const floors = exact.map(({ id, value }) => ({ id, share: Math.floor(value), remainder: value - Math.floor(value) }));
  let left = rest - floors.reduce((sum, { share }) => sum + share, 0);
  for (const entry of [...floors].sort((a, b) => b.remainder - a.remainder)) {
    if (left <= 0) break;
    entry.share += 1;
    left -= 1;
  }
  for (const { id, share } of floors) if (share > 0) shares.set(id, share);
  return shares;
}

/** The service's new traffic list: every share as a revision target, every existing tag kept (its URL keeps working). */
function targets(service: Service, shares: Map<string, number>): TrafficTarget[] {
  const latest = shortName(service.latestReadyRevision ?? "");
  // The spec's list when the API gave it, else the observed one (both carry the tags).
  const current = service.traffic?.length ? service.traffic : (service.trafficStatuses ?? []);
  const tagged = current
    .filter((target) => target.tag)
    .map((target) => ({ tag: target.tag ?? "", revision: target.revision ? shortName(target.revision) : latest }));
  const list: TrafficTarget[] = [];
  const placed = new Set<string>();
  for (const [revision, percent] of shares) {
    const tag = tagged.find((entry) => entry.revision === revision && !placed.has(entry.tag));
    if (tag) placed.add(tag.tag);
    list.push({ type: REVISION_TARGET, revision, percent, ...(tag ? { tag: tag.tag } : {}) });
  }
  for (const { tag, revision } of tagged) {
    if (!placed.has(tag) && revision) list.push({ type: REVISION_TARGET, revision, percent: 0, tag });
  }
  return list;
}

async function call<T>(what: string, hint: string, request: () => Promise<{ data: T }>): Promise<T> {
  let data: T;
  try {
    data = (await request()).data;
  } catch (error) {
    throw apiError(error, what, hint);
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new GcpError(`${what}: the answer was not Cloud Run API JSON`, { code: "GCP_UNAVAILABLE", hint: "check cloud_run_endpoint" });
  }
  return data;
}
