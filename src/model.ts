// The facts the gate collects and the findings it produces. Every stage speaks
// these types, so a check never needs to know whether its facts came from the
// Cloud Run API (live) or from a file about to be deployed (candidate).

/** A reference to a Secret Manager secret version, as a revision holds it. */
export interface SecretRef {
  /** Secret id (`jwt-secret`), never a full resource name. */
  secret: string;
  /** Project id or number when the secret lives in another project. */
  project?: string;
  /** `latest` or a version number, as written in the config. */
  version: string;
}

/** One environment variable of one container. */
export interface EnvEntry {
  name: string;
  container: string;
  /** Plain value (may be the empty string). Absent when the value is a secret ref. */
  value?: string;
  secret?: SecretRef;
}

/** When the version a `latest` ref resolves to now was created (for secret.rotated_after_start). */
export interface LatestSecretVersion {
  ref: SecretRef;
  /** Full version name, e.g. projects/p/secrets/s/versions/3. */
  resolvedVersion: string | undefined;
  createTime: string;
}

/** A secret mounted as a file. */
export interface SecretVolume {
  volume: string;
  /** Containers mounting it, with their mount paths. */
  mounts: { container: string; mountPath: string }[];
  ref: SecretRef;
  /** File name inside the mount, when given. */
  path?: string;
}

/** Where a candidate config value came from, for annotations. */
export interface SourceLocation {
  file: string;
  line?: number;
}

/** What one revision (live or about to be deployed) will run with. */
export interface RevisionConfig {
  source: "live" | "candidate";
  project: string;
  region: string;
  /** Short service name. */
  service: string;
  /** Full revision resource name, or a label such as `candidate` before deploy. */
  revision: string;
  /** Runtime service account; absent means the default compute account. */
  serviceAccount?: string;
  /** Base URL that serves this revision (service URL, tag URL or `url` input). */
  url?: string;
  containers: string[];
  /**
   * The container that receives requests (the one with a port), labelled as its env entries are.
   * Absent when the reader could not tell; a lone container is the ingress one either way.
   * gcloud's env and secret flags change this container.
   */
  ingressContainer?: string;
  env: EnvEntry[];
  secretVolumes: SecretVolume[];
  /** Problems met while reading the config that are findings, not errors. */
  notes?: Finding[];
  /** How Cloud Run reports the revision and the service's rollout (live mode). */
  rollout?: RolloutFacts;
  /** Secret volumes whose source names no secret: what they mount cannot be checked. */
  secretVolumesWithoutSecret?: { volume: string; mounts: { container: string; mountPath: string }[] }[];
  /** When Cloud Run created the revision (live): the start of its logs, the age its `latest` secrets are compared with. */
  createTime?: string;
  /** Share of the service's traffic this revision serves now (live); 0 for a `--no-traffic` tagged one. */
  trafficPercent?: number;
  /** Name of the ingress container's port (live): `h2c` means HTTP/2 cleartext end to end, where no WebSocket upgrade passes. */
  ingressPortName?: string;
  /** The revision's request timeout in seconds (live, `template.timeout`): also the longest a WebSocket session lasts. */
  requestTimeoutSeconds?: number;
}

/** A Ready condition as Cloud Run reports it. */
export interface ReadyFacts {
  state: "ready" | "failed" | "in_progress";
  /** Cloud Run's reason codes (`SECRETS_ACCESS_CHECK_FAILED`), checked to be codes. */
  reasons: readonly string[];
  /** Cloud Run's own words: untrusted text, escaped and redacted before it is shown. */
  message?: string;
}

export interface RolloutFacts {
  /** How the revision under test was picked: a failed newer revision concerns latest-ready and serving. */
  selector: "latest-ready" | "latest-created" | "serving" | "named" | "tag";
  /** The revision under test. */
  revision: ReadyFacts;
  /** The service's terminal condition, and whether Cloud Run is still reconciling it. */
  service: ReadyFacts & { reconciling: boolean };
  /** Revision ids (short). */
  latestCreated?: string;
  latestReady?: string;
  /** The latest created revision, when it is not the latest ready one nor the one under test. */
  newest?: ReadyFacts & { revision: string };
}

/** One log entry of a revision, as Cloud Logging gave it (untrusted text: redacted, escaped and clipped on report). */
export interface LogLine {
  timestamp: string;
  severity: string;
  message: string;
}

/** The entries one query returned, and whether more matched than the bounds let the gate read. */
export interface LogRead {
  lines: LogLine[];
  truncated: boolean;
}

/** What the gate could learn about a revision's logs, for the `logs:` requirement. */
export type LogFacts =
  | { kind: "read"; errors: LogRead; belowError: LogRead | undefined }
  | { kind: "denied" }
  | { kind: "failed"; reason: string }
  | { kind: "not_deployed" };

/** The first ERROR lines of a revision that did not become ready, shown beside Cloud Run's reason. */
export type FailureLogs = { revision: string } & (
  | { kind: "read"; lines: LogLine[] }
  | { kind: "denied" }
  | { kind: "failed"; reason: string }
);

/** One round of verification over time. */
export interface VerifyRound {
  /** Milliseconds since verification started. */
  at_ms: number;
  ok: boolean;
  /** /health: HTTP status (or `unreachable`) and latency. */
  health?: string;
  health_ms?: number;
  /** The authorized WebSocket handshake's outcome (finding id, e.g. ws.connected). */
  websocket?: string;
  /**
   * New log entries at ERROR or above since the last round, allow-listed noise left out. A line below
   * ERROR that matches `deny` fails the round without counting here: `failed` then names logs.errors.
   */
  new_errors?: number;
  /** Ids of the round's failing findings. */
  failed?: string[];
}

export type CheckStatus = "pass" | "fail" | "warn" | "error" | "skip";

/** One result of one check, in the JSON report and in every rendering. */
export interface Finding {
  /** Stable code users can match on, e.g. `env.missing`. */
  id: string;
  status: CheckStatus;
  message: string;
  /** How to fix it. */
  hint?: string;
  /** The manifest (or candidate file) line this requirement came from. */
  location?: SourceLocation;
  /** The env var, secret or probe this finding is about (untrusted text, escaped on render). */
  subject?: string;
  expected?: string;
  found?: string;
  /** Milliseconds a probe took. */
  duration_ms?: number;
  /** How many items the finding counts (log entries). */
  count?: number;
  /** The first few log lines behind the finding, redacted and clipped (untrusted text, escaped on render). */
  entries?: { timestamp: string; severity: string; message: string }[];
  /** Verification rounds, compactly (verify.*). */
  rounds?: VerifyRound[];
  /** Traffic per revision id before and after the gate moved it (on_pass / on_fail). */
  traffic?: { before: Record<string, number>; after: Record<string, number> };
}

export interface ServiceReport {
  service: string;
  revision?: string;
  url?: string;
  checks: Finding[];
  /** The previous ready revision's config checks, for a before/after table (live mode). */
  previous?: { revision: string; checks: Finding[] };
  /** Share of the service's traffic the checked revision served when it was read (live mode). */
  traffic_percent?: number;
}

/** `inconclusive`: verification over time ran out before the revision proved itself (verify.inconclusive). */
export type GateResult = "pass" | "fail" | "error" | "inconclusive";

/** What to do with the checked revision(s): output `recommendation`. */
export type Recommendation = "promote" | "hold" | "rollback";

/** Bumped when a field of the report changes meaning; an aggregate step refuses reports newer than it knows. */
export const REPORT_SCHEMA_VERSION = 1;

/** One shard job's part of an aggregated report. */
export interface ShardSummary {
  index: number;
  total: number;
  result: GateResult;
  services: number;
  started_at: string;
  duration_ms: number;
}

export interface Report {
  schema_version?: number;
  /** The commit checked (GITHUB_SHA); an aggregate step rejects shard reports of another commit. */
  commit?: string | null;
  /** Set on a shard job's report (`shard: K/N`). */
  shard?: { index: number; total: number };
  /** Set on an aggregated report: each shard's result and timing. */
  shards?: ShardSummary[];
  result: GateResult;
  /** Set by run() on every report, error reports included. */
  recommendation?: Recommendation;
  services: ServiceReport[];
  /** Findings that belong to no single service (consistency groups, run errors). */
  checks?: Finding[];
  started_at: string;
  duration_ms: number;
}

/** Which revision of a service to check (the `revision` and `tag` inputs). */
export type RevisionSelector =
  | { kind: "latest-ready" }
  | { kind: "latest-created" }
  | { kind: "serving" }
  | { kind: "named"; name: string }
  | { kind: "tag"; tag: string };

/** `shard: K/N`: this job checks share K (1-based) of N. */
export interface ShardSpec {
  index: number;
  total: number;
}
