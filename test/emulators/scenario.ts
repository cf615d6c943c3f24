// The state of a pretend GCP project: Cloud Run services with their revisions,
// Secret Manager secrets with their versions. Tests deploy, break and fix it
// between runs, exactly as the team did by hand in the incidents.
import type { run_v2 } from "@googleapis/run/build/v2.js";

export type Revision = run_v2.Schema$GoogleCloudRunV2Revision;
export type Service = run_v2.Schema$GoogleCloudRunV2Service;

export interface SecretVersionState {
  state: "ENABLED" | "DISABLED" | "DESTROYED";
  data: string;
  /** Default: the version's position as a day of January 2026. */
  createTime?: string;
}

export interface Scenario {
  project: string;
  projectNumber: string;
  region: string;
  /** Access tokens the APIs accept. */
  accessTokens: Set<string>;
  /** Whether the APIs accept a bearer token; tests plug in a token issuer (the OAuth/STS emulator). */
  acceptsToken: (token: string) => boolean;
  services: Map<string, { service: Service; revisions: Map<string, Revision> }>;
  /** Keyed by `project/secretId`; version numbers are 1-based positions. */
  secrets: Map<string, SecretVersionState[]>;
  /** Secrets the gate's identity may not read (403). */
  deniedSecrets: Set<string>;
  /** IAM bindings on the project, and per secret id. */
  projectPolicy: PolicyBinding[];
  secretPolicies: Map<string, PolicyBinding[]>;
  /** The gate's identity may not read IAM policies (getIamPolicy → 403). */
  policiesDenied: boolean;
  /**
   * The folders and organization above the project, nearest first (`folders/N`, then
   * `organizations/N`), as projects.get's and folders.get's `parent` name them, with their bindings;
   * `denied`: the gate's identity may not read that one's policy. Default: none (no organization).
   */
  ancestors?: { name: string; bindings: PolicyBinding[]; denied?: boolean }[];
  /**
   * How the Cloud Run and Secret Manager emulators write enum fields: by name (the JSON default),
   * or as their proto numbers, as the APIs answer `$alt=json;enum-encoding=int`.
   */
  enumEncoding: "name" | "int";
}

export interface PolicyBinding {
  role: string;
  members: string[];
  condition?: { expression: string; title: string };
}

export function defaultComputeAccount(scenario: Pick<Scenario, "projectNumber">): string {
  return `${scenario.projectNumber}-compute@developer.gserviceaccount.com`;
}

export function newScenario(overrides: Partial<Pick<Scenario, "project" | "projectNumber" | "region">> = {}): Scenario {
  const accessTokens = new Set(["ya29.test-access-token"]);
  return {
    project: overrides.project ?? "chat-staging",
    projectNumber: overrides.projectNumber ?? "123456789012",
    region: overrides.region ?? "us-central1",
    accessTokens,
    acceptsToken: (token) => accessTokens.has(token),
    services: new Map(),
    secrets: new Map(),
    deniedSecrets: new Set(),
    // As most teams set it up: the runtime account may read every secret of the project.
    projectPolicy: [
      {
        role: "roles/secretmanager.secretAccessor",
        members: [`serviceAccount:${overrides.projectNumber ?? "123456789012"}-compute@developer.gserviceaccount.com`],
      },
    ],
    secretPolicies: new Map(),
    policiesDenied: false,
    enumEncoding: "name",
  };
}

export interface DeploySpec {
  env?: Record<string, string>;
  /** ENV_NAME → "secret-id:version" (or "projects/P/secrets/S:version"). */
  secrets?: Record<string, string>;
  url?: string;
  serviceAccount?: string;
  /** Leave the new revision not ready (a failed rollout), with a generic reason. */
  notReady?: boolean;
  /** The new revision failed, with the reason and message Cloud Run gives (a failed rollout). */
  failed?: { reason?: string; revisionReason?: string; message: string };
  /** The new revision is still starting: Cloud Run is reconciling the service (a rollout in progress). */
  rolling?: boolean;
  /** Deploy with --no-traffic --tag=<tag>. */
  tag?: string;
  /** Secret volumes (`--set-secrets=/path=secret:version`); `secret` left out writes the volume without its secret id. */
  secretVolumes?: { name: string; mountPath: string; secret?: string; items?: { version?: string; path?: string }[] }[];
  /** When Cloud Run created the revision (default: now). */
  createTime?: string;
  /** The port's name (`--use-http2` names it h2c) and the request timeout (`--timeout`, e.g. "300s"). */
  portName?: string;
  timeout?: string;
}

/** Deploy a new revision, as `gcloud run deploy` would: it becomes latest created, and (if ready) latest ready and serving. */
export function deploy(scenario: Scenario, serviceName: string, spec: DeploySpec): string {
  const base = `projects/${scenario.project}/locations/${scenario.region}/services/${serviceName}`;
  const existing = scenario.services.get(serviceName);
  const generation = (existing?.revisions.size ?? 0) + 1;
  const revisionId = `${serviceName}-${String(generation).padStart(5, "0")}-${"abcdefghij"[generation % 10]}x${generation}`;
  const env: run_v2.Schema$GoogleCloudRunV2EnvVar[] = [
    ...Object.entries(spec.env ?? {}).map(([name, value]) => ({ name, value })),
    ...Object.entries(spec.secrets ?? {}).map(([name, ref]) => {
      const colon = ref.lastIndexOf(":");
      return { name, valueSource: { secretKeyRef: { secret: ref.slice(0, colon), version: ref.slice(colon + 1) } } };
    }),
  ];
  const failure = spec.failed ?? (spec.notReady ? { reason: "REVISION_FAILED", message: "Revision failed to start." } : undefined);
  const readyState = failure ? "CONDITION_FAILED" : spec.rolling ? "CONDITION_RECONCILING" : "CONDITION_SUCCEEDED";
  const volumes = spec.secretVolumes ?? [];
  const revision: Revision = {
    name: `${base}/revisions/${revisionId}`,
    uid: `uid-${revisionId}`,
    service: base,
    serviceAccount: spec.serviceAccount ?? defaultComputeAccount(scenario),
    containers: [
      {
        name: "backend-1",
        image: `us-docker.pkg.dev/${scenario.project}/app/${serviceName}:v${generation}`,
        env,
        ports: [{ containerPort: 8080, ...(spec.portName ? { name: spec.portName } : {}) }],
        ...(volumes.length ? { volumeMounts: volumes.map((volume) => ({ name: volume.name, mountPath: volume.mountPath })) } : {}),
      },
    ],
    ...(volumes.length
      ? {
          volumes: volumes.map((volume) => ({
            name: volume.name,
            secret: { ...(volume.secret !== undefined ? { secret: volume.secret } : {}), ...(volume.items ? { items: volume.items } : {}) },
          })),
        }
      : {}),
    reconciling: Boolean(spec.rolling),
    conditions: [
      {
        type: "Ready",
        state: readyState,
        ...(failure?.reason ? { reason: failure.reason } : {}),
        ...(failure?.revisionReason ? { revisionReason: failure.revisionReason } : {}),
        ...(failure ? { message: failure.message, severity: "ERROR" } : {}),
      },
    ],
    createTime: spec.createTime ?? new Date().toISOString(),
    ...(spec.timeout ? { timeout: spec.timeout } : {}),
  };
  const url = spec.url ?? existing?.service.uri ?? `https://${serviceName}-${scenario.projectNumber}.${scenario.region}.run.app`;
  const previous = existing?.service;
  const ready = readyState === "CONDITION_SUCCEEDED";
  // Cloud Run's tag URL is https://TAG---SERVICE-HASH.REGION.run.app; a backend on 127.0.0.1 has no
  // such name, so its tag URL stays its own (the gate accepts plain http only on loopback hosts).
  const taggedUri = spec.tag ? (url.startsWith("http://127.0.0.1") ? url : url.replace("://", `://${spec.tag}---`)) : undefined;
  const servingRevision = spec.tag || !ready ? previous?.latestReadyRevision : revision.name;
  const service: Service = {
    name: base,
    uri: url,
    urls: [url],
    generation: String(generation),
    latestCreatedRevision: revision.name ?? null,
    latestReadyRevision: ready ? (revision.name ?? null) : (previous?.latestReadyRevision ?? null),
    reconciling: Boolean(spec.rolling),
    // As Cloud Run words the service's Ready condition after a rollout that failed.
    terminalCondition: failure
      ? {
          type: "Ready",
          state: "CONDITION_FAILED",
          reason: "REVISION_FAILED",
          message: `Revision '${revisionId}' is not ready and cannot serve traffic. ${failure.message}`,
        }
      : { type: "Ready", state: spec.rolling ? "CONDITION_RECONCILING" : "CONDITION_SUCCEEDED" },
    template: { containers: revision.containers ?? [], serviceAccount: revision.serviceAccount ?? null },
    trafficStatuses: [
      ...(servingRevision ? [{ type: "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION", revision: shortName(servingRevision), percent: 100 }] : []),
      ...(spec.tag
        ? [{ type: "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION", revision: revisionId, percent: 0, tag: spec.tag, uri: taggedUri ?? null }]
        : []),
    ],
  };
  const revisions = existing?.revisions ?? new Map<string, Revision>();
  revisions.set(revisionId, revision);
  scenario.services.set(serviceName, { service, revisions });
  return revisionId;
}

export function addSecret(scenario: Scenario, secretId: string, ...versions: (string | SecretVersionState)[]): void {
  const key = `${scenario.project}/${secretId}`;
  const list = scenario.secrets.get(key) ?? [];
  for (const version of versions) list.push(typeof version === "string" ? { state: "ENABLED", data: version } : version);
  scenario.secrets.set(key, list);
}

function shortName(name: string): string {
  return name.slice(name.lastIndexOf("/") + 1);
}
