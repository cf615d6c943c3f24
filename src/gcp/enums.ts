// Enum fields of Google API answers. JSON carries them as names by default and
// as their proto numbers when `enum-encoding=int` was asked (the gate never asks,
// but a proxy or another client's cache may): both read the same here. The
// numbers are the protos' (google/cloud/run/v2/condition.proto, traffic_target.proto;
// google/cloud/secretmanager/v1/resources.proto); index = number.

const CONDITION_STATE = [
  "STATE_UNSPECIFIED",
  "CONDITION_PENDING",
  "CONDITION_RECONCILING",
  "CONDITION_FAILED",
  "CONDITION_SUCCEEDED",
] as const;
const TRAFFIC_TYPE = [
  "TRAFFIC_TARGET_ALLOCATION_TYPE_UNSPECIFIED",
  "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST",
  "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION",
] as const;
const SECRET_VERSION_STATE = ["STATE_UNSPECIFIED", "ENABLED", "DISABLED", "DESTROYED"] as const;
/** Condition.CommonReason. */
const COMMON_REASON = [
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
] as const;
/** Condition.RevisionReason. */
const REVISION_REASON = [
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
] as const;

/** A closed enum: its name, from a name or a number; undefined for anything else (an unknown value is not guessed at). */
function closed<T extends readonly string[]>(names: T, value: unknown): T[number] | undefined {
  if (typeof value === "string") return names.includes(value) ? value : undefined;
  if (typeof value === "number" && Number.isInteger(value)) return names[value];
  return undefined;
}

/** Reasons grow with every release: a name of the enum's shape is kept, a number only if known. Never the zero value. */
function reason(names: readonly string[], value: unknown): string | undefined {
  const name = typeof value === "string" ? (/^[A-Z][A-Z0-9_]{1,63}$/.test(value) ? value : undefined) : closed(names, value);
  return name && name !== names[0] ? name : undefined;
}

export const conditionState = (value: unknown) => closed(CONDITION_STATE, value);
export const trafficType = (value: unknown) => closed(TRAFFIC_TYPE, value);
export const secretVersionState = (value: unknown) => closed(SECRET_VERSION_STATE, value);
export const commonReason = (value: unknown) => reason(COMMON_REASON, value);
export const revisionReason = (value: unknown) => reason(REVISION_REASON, value);
