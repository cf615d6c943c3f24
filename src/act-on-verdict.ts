// Acting on the verdict (opt-in): on a pass, promote the checked revision; on
// a fail of a revision that serves traffic, roll back to the previous ready
// one. Never on an error (the gate could not decide). What changed goes into
// the report as findings with the traffic before and after.
import { describeError } from "./errors.js";
import type { Traffic, TrafficChange, TrafficSuperseded } from "./gcp/traffic.js";
import type { Inputs } from "./inputs.js";
import type { Finding, Report, ServiceReport } from "./model.js";
import { verdict } from "./report/verdict.js";
import { shortName } from "./resource-name.js";

type Settings = Pick<Inputs, "onPass" | "onFail" | "promotePercent" | "failOn">;

/** Adds each action's finding to its service; returns whether it added any. */
export async function actOnVerdict(
  report: Pick<Report, "result" | "services">,
  settings: Settings,
  traffic: Traffic,
  signal: AbortSignal,
): Promise<boolean> {
  const promote = report.result === "pass" && settings.onPass === "promote";
  const rollback = report.result === "fail" && settings.onFail === "rollback";
  if (!promote && !rollback) {
    if ((settings.onPass !== "none" || settings.onFail !== "none") && (report.result === "error" || report.result === "inconclusive")) {
      for (const service of report.services) service.checks.push(held(service, report.result));
      return report.services.length > 0;
    }
    return false;
  }
  // One service at a time: a failure on one is reported, the others still act.
  let acted = false;
  for (const service of report.services) {
    const finding = promote
      ? await promoteOne(service, settings.promotePercent, traffic, signal)
      : await rollbackOne(service, settings, traffic, signal);
    if (finding) {
      service.checks.push(finding);
      acted = true;
    }
  }
  return acted;
}

async function promoteOne(service: ServiceReport, percent: number, traffic: Traffic, signal: AbortSignal): Promise<Finding | undefined> {
  if (!service.revision) return undefined;
  const revision = shortName(service.revision);
  if ((service.traffic_percent ?? 0) >= percent) {
    return {
      id: "traffic.unchanged",
      status: "skip",
      subject: revision,
      message: `${revision} already serves ${service.traffic_percent}% of ${service.service}: nothing to promote`,
    };
  }
  try {
    const change = await traffic.promote(serviceOf(service.revision), checkedOf(service, revision), percent, signal);
    if ("superseded" in change) return superseded(service, revision, change);
    return {
      id: "traffic.promoted",
      status: "pass",
      subject: revision,
      message: `promoted ${revision} to ${percent}% of ${service.service}'s traffic (${describe(change)})`,
      ...shares(change),
    };
  } catch (error) {
    if (signal.aborted) throw error;
    return {
      id: "traffic.update_failed",
      status: "error",
      subject: revision,
      message: `could not promote ${revision}: ${describeError(error)}`,
      hint: "promote by hand (gcloud run services update-traffic) once the cause is fixed; the traffic was not changed by the gate",
    };
  }
}

async function rollbackOne(
  service: ServiceReport,
  settings: Settings,
  traffic: Traffic,
  signal: AbortSignal,
): Promise<Finding | undefined> {
  if (!service.revision || (service.traffic_percent ?? 0) <= 0 || verdict(service.checks, settings.failOn) !== "fail") return undefined;
  const revision = shortName(service.revision);
  const previous = service.previous?.revision ? shortName(service.previous.revision) : undefined;
  if (!previous) {
    return {
      id: "traffic.update_failed",
      status: "error",
      subject: revision,
      message: `cannot roll back ${service.service}: no earlier ready revision was found to send the traffic to`,
      hint: "roll back by hand to a known good revision (gcloud run services update-traffic --to-revisions=REV=100)",
    };
  }
  try {
    const change = await traffic.rollback(serviceOf(service.revision), checkedOf(service, revision), previous, signal);
    if ("superseded" in change) return superseded(service, revision, change);
    return {
      id: "traffic.rolled_back",
      status: "warn",
      subject: revision,
      message: `rolled ${service.service} back: 100% of its traffic now goes to ${previous}, away from the failing ${revision} (${describe(change)})`,
      hint: `fix ${revision}'s findings and deploy again; ${revision} still exists for inspection`,
      ...shares(change),
    };
  } catch (error) {
    if (signal.aborted) throw error;
    return {
      id: "traffic.update_failed",
      status: "error",
      subject: revision,
      message: `could not roll ${service.service} back to ${previous}: ${describeError(error)}`,
      hint: `roll back by hand: gcloud run services update-traffic ${service.service} --to-revisions=${previous}=100`,
    };
  }
}

/** The revision as the gate checked it: its share then (live mode reads it with the revision). */
function checkedOf(service: ServiceReport, revision: string) {
  return { revision, share: service.traffic_percent };
}

/** Someone moved the traffic while the gate checked: the verdict is about a service that changed, so no action. */
function superseded(service: ServiceReport, revision: string, change: TrafficSuperseded): Finding {
  const now = [...change.superseded].filter(([, percent]) => percent > 0);
  return {
    id: "traffic.held",
    status: "warn",
    subject: revision,
    message: `traffic of ${service.service} left as it is: it changed while the gate checked ${revision} (${revision} served ${service.traffic_percent ?? 0}% then, ${change.superseded.get(revision) ?? 0}% now; now: ${now.map(([id, percent]) => `${id} ${percent}%`).join(", ") || "none"})`,
    hint: "another deploy or a person moved the traffic meanwhile; run the gate again on what serves now before promoting or rolling back",
  };
}

function held(service: ServiceReport, result: Report["result"]): Finding {
  const why = result === "inconclusive" ? "verification was inconclusive" : "the gate could not decide";
  return {
    id: "traffic.held",
    status: "skip",
    message: `traffic of ${service.service} left as it is: ${why}, so on_pass / on_fail do not act`,
  };
}

function describe(change: TrafficChange): string {
  const list = (shares: Map<string, number>) => [...shares].map(([revision, percent]) => `${revision} ${percent}%`).join(", ") || "none";
  return `before: ${list(change.before)}; after: ${list(change.after)}`;
}

function shares(change: TrafficChange): Pick<Finding, "traffic"> {
  return { traffic: { before: Object.fromEntries(change.before), after: Object.fromEntries(change.after) } };
}

function serviceOf(revision: string): string {
  return revision.replace(/\/revisions\/[^/]+$/, "");
}
