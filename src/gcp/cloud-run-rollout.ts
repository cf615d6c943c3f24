// How Cloud Run reports a rollout, as facts: the Ready condition of the revision
// under test, of the service, and of the newest revision when it is another one
// (src/checks/rollout.ts turns them into findings).
import type { run_v2 } from "@googleapis/run/build/v2.js";
import type { RevisionSelector } from "../model.js";
import type { ReadyFacts, RolloutFacts } from "../model.js";
import { commonReason, conditionState, revisionReason } from "./enums.js";
import { revisionId, type ServiceTarget } from "./names.js";

type Service = run_v2.Schema$GoogleCloudRunV2Service;
type Revision = run_v2.Schema$GoogleCloudRunV2Revision;
type Condition = run_v2.Schema$GoogleCloudRunV2Condition;

/**
 * Cloud Run's messages are a sentence or two. A longer one is dropped, not cut: a cut made before
 * the report's redaction could keep the start of a secret the message echoes.
 */
const MAX_MESSAGE_CHARS = 4000;

/** The revision's Ready state, the service's, and the newest revision's when it is another one. */
export function rolloutFacts(
  target: ServiceTarget,
  selector: RevisionSelector,
  service: Service,
  revision: Revision,
  newest: Revision | undefined,
): RolloutFacts {
  const latestCreated = service.latestCreatedRevision ? revisionId(service.latestCreatedRevision, target) : undefined;
  const latestReady = service.latestReadyRevision ? revisionId(service.latestReadyRevision, target) : undefined;
  const conditions = [service.terminalCondition, ...(service.conditions ?? [])].filter(isCondition);
  const serviceReady = readyFacts(conditions);
  return {
    selector: selector.kind,
    revision: readyFacts(revision.conditions ?? []),
    // A service that names no Ready condition is judged by whether Cloud Run is still at work on it.
    service: {
      ...(conditions.some(isReadyCondition) ? serviceReady : { ...serviceReady, state: service.reconciling ? "in_progress" : "ready" }),
      reconciling: service.reconciling === true,
    },
    ...(latestCreated ? { latestCreated } : {}),
    ...(latestReady ? { latestReady } : {}),
    ...(newest ? { newest: { ...readyFacts(newest.conditions ?? []), revision: revisionId(newest.name, target) } } : {}),
  };
}

/** From a resource's conditions: the Ready state, the reasons and message of the Ready condition and of every failed one. */
function readyFacts(conditions: Condition[]): ReadyFacts {
  const valid = conditions.filter(isCondition);
  const ready = valid.find(isReadyCondition);
  const stateName = conditionState(ready?.state);
  const state = stateName === "CONDITION_SUCCEEDED" ? "ready" : stateName === "CONDITION_FAILED" ? "failed" : "in_progress";
  const telling = [ready, ...valid.filter((condition) => condition !== ready && conditionState(condition.state) === "CONDITION_FAILED")];
  const reasons = new Set<string>();
  for (const condition of telling) {
    for (const code of [commonReason(condition?.reason), revisionReason(condition?.revisionReason)]) if (code) reasons.add(code);
  }
  const message = telling
    .map((condition) => condition?.message)
    .find((text): text is string => typeof text === "string" && text.trim() !== "");
  return { state, reasons: [...reasons], ...(message ? { message: message.slice(0, MAX_MESSAGE_CHARS) } : {}) };
}

function isCondition(value: unknown): value is Condition {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isReadyCondition(condition: Condition): boolean {
  return condition.type === "Ready";
}
