// Cloud Logging v2 `entries:list`: the log entries one Cloud Run revision wrote
// since it was created, bounded in pages and entries. Read through the run's
// AuthClient like every other Google call (rest.ts). Nothing here judges the
// lines: that is checks/logs.ts.
import { createHash } from "node:crypto";
import type { AuthClient } from "google-auth-library";
import { GcpError } from "../errors.js";
import type { LogLine, LogRead } from "../model.js";
import { apiError, apiFailure } from "./api-error.js";
import { assertSafeSegments } from "./request.js";
import { googleRest } from "./rest.js";

export const LOGGING = "https://logging.googleapis.com";

// @googleapis/logging is not installed (the shared install has run, secretmanager and
// cloudresourcemanager only): these are the fields of logging_v2.Schema$LogEntry and
// Schema$ListLogEntriesResponse the gate reads, spelt as in the generated client.
export interface LogEntryJson {
  logName?: string | null;
  timestamp?: string | null;
  severity?: string | null;
  insertId?: string | null;
  textPayload?: string | null;
  jsonPayload?: { [key: string]: unknown } | null;
  protoPayload?: { [key: string]: unknown } | null;
  httpRequest?: { requestMethod?: string | null; requestUrl?: string | null; status?: number | null } | null;
  resource?: { type?: string | null; labels?: { [key: string]: string } | null } | null;
}
export interface ListLogEntriesResponseJson {
  entries?: LogEntryJson[];
  nextPageToken?: string | null;
}

export type SeverityBand = "error" | "below-error";

export interface RevisionLogs {
  project: string;
  service: string;
  revision: string;
  /** The revision's createTime (RFC 3339), the start of its logs. */
  since: string | undefined;
}

export interface CloudLogging {
  /**
   * `denied`: the gate's identity may not read logs (no roles/logging.viewer). Each entry is returned once:
   * one a later page repeats (it moved when a late one was ingested before it), or that `seen` holds from
   * an earlier read of an overlapping window, is left out.
   */
  read(
    query: RevisionLogs,
    band: SeverityBand,
    signal: AbortSignal,
    bounds?: ReadBounds,
    seen?: Pick<SeenEntries, "has">,
  ): Promise<EntriesRead | "denied">;
}

/** A read, with each line's identity (`keys[i]` is `lines[i]`'s), and the newest timestamp it went through (seen or not). */
export interface EntriesRead extends LogRead {
  keys: string[];
  /** Where a truncated read stopped. */
  last?: string;
}

export interface ReadBounds {
  pageSize: number;
  pages: number;
}

/** Per band: ERROR and above may be many (a crash loop); the lines below ERROR are only scanned for `deny`. */
const BOUNDS: Record<SeverityBand, ReadBounds> = {
  error: { pageSize: 200, pages: 3 },
  "below-error": { pageSize: 200, pages: 2 },
};
/** A log line longer than this is cut before anyone matches or stores it. */
const MAX_MESSAGE_CHARS = 4096;
const RFC3339 = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})$/;

export function cloudLogging(auth: AuthClient, endpoint: string | undefined): CloudLogging {
  const api = googleRest(auth, endpoint, LOGGING);
  return {
    async read(query, band, signal, bounds = BOUNDS[band], seen) {
      assertSafeSegments(`logs of revision ${query.revision}`, {
        project: query.project,
        service: query.service,
        revision: query.revision,
      });
      const filter = revisionFilter(query, band);
      const { pageSize, pages } = bounds;
      const lines: LogLine[] = [];
      const keys: string[] = [];
      const here = new Set<string>();
      let last: string | undefined;
      let pageToken: string | undefined;
      for (let page = 0; page < pages; page++) {
        let data: ListLogEntriesResponseJson;
        try {
          ({ data } = await api.post<ListLogEntriesResponseJson>(
            "v2/entries:list",
            {
              resourceNames: [`projects/${query.project}`],
              filter,
              orderBy: "timestamp asc",
              pageSize,
              ...(pageToken ? { pageToken } : {}),
            },
            signal,
          ));
        } catch (error) {
          const { status } = apiFailure(error);
          if (status === 403) return "denied";
          throw apiError(
            error,
            `Cloud Logging entries of ${query.revision}`,
            "grant the gate's identity roles/logging.viewer on the project",
          );
        }
        if (typeof data !== "object" || data === null || Array.isArray(data)) {
          throw new GcpError(`Cloud Logging entries of ${query.revision}: the answer was not Google API JSON`, {
            code: "GCP_UNAVAILABLE",
            hint: "a proxy or captive portal may be in the way; check logging_endpoint and the network",
          });
        }
        for (const entry of Array.isArray(data.entries) ? data.entries : []) {
          if (typeof entry !== "object" || entry === null) continue;
          const line = lineOf(entry);
          if (line.timestamp) last = line.timestamp;
          const key = entryKey(entry, line);
          if (here.has(key) || seen?.has(key)) continue;
          here.add(key);
          lines.push(line);
          keys.push(key);
        }
        pageToken = typeof data.nextPageToken === "string" && data.nextPageToken ? data.nextPageToken : undefined;
        if (!pageToken) return { lines, keys, truncated: false, ...(last ? { last } : {}) };
      }
      return { lines, keys, truncated: true, ...(last ? { last } : {}) };
    },
  };
}

/** The filter subset the gate sends (and the emulator parses): one revision, one severity band, since its creation. */
export function revisionFilter(query: RevisionLogs, band: SeverityBand): string {
  return [
    `resource.type="cloud_run_revision"`,
    `resource.labels.service_name=${quoted(query.service)}`,
    `resource.labels.revision_name=${quoted(query.revision)}`,
    band === "error" ? "severity>=ERROR" : "severity<ERROR",
    ...(query.since && RFC3339.test(query.since) ? [`timestamp>=${quoted(query.since)}`] : []),
  ].join(" AND ");
}

/**
 * The entries a reader has counted, by identity, so that overlapping windows count each once. Cloud Logging
 * treats entries with the same log, timestamp and insertId as one; without an insertId, the same
 * log, timestamp, severity and text are taken as the same entry. Bounded: keys older than the next
 * window's start can never be returned again and are forgotten, and the oldest go first past MAX_SEEN.
 */
export class SeenEntries {
  static readonly MAX_SEEN = 20_000;
  readonly #keys = new Map<string, number>();

  has(key: string): boolean {
    return this.#keys.has(key);
  }

  add(key: string, timestamp: string): void {
    if (this.#keys.has(key)) return;
    // An unreadable timestamp (NaN) is never "older" than a window: kept until MAX_SEEN pushes it out.
    this.#keys.set(key, Date.parse(timestamp));
    if (this.#keys.size > SeenEntries.MAX_SEEN) this.#keys.delete(this.#keys.keys().next().value as string);
  }

  /** Forget the entries timestamped before `ms`: a window starting at `ms` never returns them. */
  forgetBefore(ms: number): void {
    for (const [key, at] of this.#keys) if (at < ms) this.#keys.delete(key);
  }

  get size(): number {
    return this.#keys.size;
  }
}

function entryKey(entry: LogEntryJson, line: LogLine): string {
  const log = typeof entry.logName === "string" ? entry.logName.slice(0, 512) : "";
  if (typeof entry.insertId === "string" && entry.insertId) return `${log}\u0000${line.timestamp}\u0000${entry.insertId.slice(0, 256)}`;
  // No insertId (rare for Cloud Run): a digest keeps the set small whatever the line's length.
  const digest = createHash("sha256").update(`${line.severity}\u0000${line.message}`).digest("base64url");
  return `${log}\u0000${line.timestamp}\u0000#${digest}`;
}

function quoted(value: string): string {
  return `"${value.replace(/[\\"]/g, (char) => `\\${char}`)}"`;
}

function lineOf(entry: LogEntryJson): LogLine {
  return {
    timestamp: typeof entry.timestamp === "string" ? entry.timestamp.slice(0, 40) : "",
    severity: typeof entry.severity === "string" && /^[A-Z]{1,12}$/.test(entry.severity) ? entry.severity : "DEFAULT",
    message: messageOf(entry).slice(0, MAX_MESSAGE_CHARS),
  };
}

/** What a person would read in the console's summary line. */
function messageOf(entry: LogEntryJson): string {
  if (typeof entry.textPayload === "string") return entry.textPayload;
  const json = entry.jsonPayload;
  if (json && typeof json === "object") {
    for (const key of ["message", "msg", "error", "err"]) if (typeof json[key] === "string") return json[key] as string;
  }
  const status = (entry.protoPayload as { status?: { message?: unknown } } | null | undefined)?.status?.message;
  if (typeof status === "string") return status;
  const http = entry.httpRequest;
  if (http && typeof http === "object") {
    // The path only: a query string may carry a token.
    const path = typeof http.requestUrl === "string" ? http.requestUrl.replace(/^[a-z]+:\/\/[^/]*/i, "").replace(/[?#].*$/s, "") : "";
    return `${http.requestMethod ?? "request"} ${path || "/"} answered ${http.status ?? "?"}`;
  }
  return "";
}
