// A Cloud Run v2 Revision as the gate's facts: every container's env vars and
// secret refs (env and volumes), and how Cloud Run reports its rollout. Every
// name is checked against its grammar on the way in (./names.ts).
import type { run_v2 } from "@googleapis/run/build/v2.js";
import type { RevisionSelector } from "../inputs.js";
import type { EnvEntry, ReadyFacts, RevisionConfig, RolloutFacts, SecretRef, SecretVolume } from "../model.js";
import { commonReason, conditionState, revisionReason } from "./enums.js";
import { revisionId, type ServiceTarget, secretRefParts, serviceAccountEmail } from "./names.js";

type Service = run_v2.Schema$GoogleCloudRunV2Service;
type Revision = run_v2.Schema$GoogleCloudRunV2Revision;
type Condition = run_v2.Schema$GoogleCloudRunV2Condition;

/**
 * Cloud Run's messages are a sentence or two. A longer one is dropped, not cut: a cut made before
 * the report's redaction could keep the start of a secret the message echoes.
 */
const MAX_MESSAGE_CHARS = 4000;

/** Flatten a v2 Revision into the gate's facts. */
export function revisionConfig(target: ServiceTarget, revision: Revision, url: string | undefined): RevisionConfig {
  const id = revisionId(revision.name, target);
  const containers = revision.containers ?? [];
  const env: EnvEntry[] = [];
  containers.forEach((container, index) => {
    const containerName = container.name || (containers.length === 1 ? "" : `#${index}`);
    for (const variable of container.env ?? []) {
      if (!variable.name) continue;
      const ref = variable.valueSource?.secretKeyRef;
      if (ref?.secret) env.push({ name: variable.name, container: containerName, secret: secretRef(ref.secret, ref.version) });
      else env.push({ name: variable.name, container: containerName, value: variable.value ?? "" });
    }
  });
  const secretVolumes: SecretVolume[] = [];
  const withoutSecret: NonNullable<RevisionConfig["secretVolumesWithoutSecret"]> = [];
  for (const volume of revision.volumes ?? []) {
    const secret = volume.secret;
    if (!volume.name || !secret) continue;
    const mounts = containers.flatMap((container, index) =>
      (container.volumeMounts ?? [])
        .filter((mount) => mount.name === volume.name)
        .map((mount) => ({ container: container.name || `#${index}`, mountPath: mount.mountPath ?? "" })),
    );
    // Cloud Run requires the secret; an answer without one is reported, never silently skipped.
    if (!secret.secret) {
      withoutSecret.push({ volume: volume.name, mounts });
      continue;
    }
    const items = secret.items?.length ? secret.items : [{ version: "latest", path: undefined }];
    for (const item of items) {
      secretVolumes.push({
        volume: volume.name,
        mounts,
        ref: secretRef(secret.secret, item.version),
        ...(item.path ? { path: item.path } : {}),
      });
    }
  }
  return {
    source: "live",
    project: target.project,
    region: target.region,
    service: target.service,
    revision: `projects/${target.project}/locations/${target.region}/services/${target.service}/revisions/${id}`,
    ...(revision.serviceAccount ? { serviceAccount: serviceAccountEmail(revision.serviceAccount) } : {}),
    ...(url ? { url } : {}),
    containers: containers.map((container, index) => container.name || `#${index}`),
    env,
    secretVolumes,
    ...(withoutSecret.length ? { secretVolumesWithoutSecret: withoutSecret } : {}),
  };
}

/** `id` or `projects/{project}/secrets/{id}` (another project) as Cloud Run v2 stores it; checked. */
export function secretRef(secret: string, version: string | null | undefined): SecretRef {
  return secretRefParts(secret, version);
}

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
