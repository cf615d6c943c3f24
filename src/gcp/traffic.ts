// Cloud Run traffic: who serves what share of a service now, and (opt-in,
// on_pass / on_fail) moving it. Reading is shared with cloud-run.ts.
import type { run_v2 } from "@googleapis/run/build/v2.js";

type Service = run_v2.Schema$GoogleCloudRunV2Service;

/** Current traffic per revision id, as Cloud Run reports it (a LATEST target means the latest ready revision). */
export function servingShares(service: Service): Map<string, number> {
  const shares = new Map<string, number>();
  const latest = idOf(service.latestReadyRevision ?? "");
  for (const status of service.trafficStatuses ?? []) {
    const revision = status.revision ? idOf(status.revision) : String(status.type).endsWith("LATEST") ? latest : "";
    if (!revision) continue;
    shares.set(revision, (shares.get(revision) ?? 0) + (typeof status.percent === "number" ? status.percent : 0));
  }
  return shares;
}

/** The revision's and its create time, for the facts (RevisionConfig). */
export function liveFacts(
  service: Service,
  revision: run_v2.Schema$GoogleCloudRunV2Revision,
): { createTime?: string; trafficPercent: number } {
  return {
    ...(typeof revision.createTime === "string" ? { createTime: revision.createTime } : {}),
    trafficPercent: servingShares(service).get(idOf(revision.name ?? "")) ?? 0,
  };
}

function idOf(name: string): string {
  return name.slice(name.lastIndexOf("/") + 1);
}
