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
  env: EnvEntry[];
  secretVolumes: SecretVolume[];
  /** Problems met while reading the config that are findings, not errors. */
  notes?: Finding[];
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
}

export interface ServiceReport {
  service: string;
  revision?: string;
  url?: string;
  checks: Finding[];
  /** The previous ready revision's config checks, for a before/after table (live mode). */
  previous?: { revision: string; checks: Finding[] };
}

export type GateResult = "pass" | "fail" | "error";

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
  services: ServiceReport[];
  /** Findings that belong to no single service (consistency groups, run errors). */
  checks?: Finding[];
  started_at: string;
  duration_ms: number;
}
