// Cloud Logging API v2 `entries:list` on 127.0.0.1, over entries the test
// writes (as the revision's container would). The filter is PARSED: the subset
// of the logging query language the gate sends (comparisons joined by AND on
// resource.type, resource.labels.*, severity, timestamp, logName); anything
// else is a 400, as a typo'd filter would be for the real API.
// Entries become visible when they are ingested (`receiveTimestamp`), which may
// be seconds after their `timestamp`, as in Cloud Logging: a reader that only
// asks for entries newer than its last read misses the late ones.
import type { logging_v2 } from "@googleapis/logging";
import { type EmulatorServer, googleError, requireBearer, serveJson } from "./http.js";
import type { Scenario } from "./scenario.js";

export type LogEntry = logging_v2.Schema$LogEntry;

export interface LoggingEmulator extends EmulatorServer {
  entries: LogEntry[];
  /** The filters the gate sent, parsed, for assertions. */
  filters: Comparison[][];
  /**
   * Called once each entries:list is answered, with its parsed filter and the time it arrived: a test
   * ingests an entry *after* a given read (push it with `receiveTimestamp` now), deterministically.
   */
  afterList?: (filter: Comparison[], receivedAt: number) => void;
}

export const SEVERITIES = ["DEFAULT", "DEBUG", "INFO", "NOTICE", "WARNING", "ERROR", "CRITICAL", "ALERT", "EMERGENCY"] as const;
const RANK = (severity: string) => SEVERITIES.indexOf(severity as (typeof SEVERITIES)[number]) * 100;

export interface Comparison {
  field: string;
  op: "=" | "!=" | ">=" | "<=" | ">" | "<";
  value: string;
}

const FIELDS = /^(resource\.type|resource\.labels\.[a-z_]+|severity|timestamp|logName)$/;

/** Parse `a="x" AND b>=Y AND …`; throws on anything outside the subset. */
export function parseFilter(filter: string): Comparison[] {
  const comparisons: Comparison[] = [];
  let rest = filter.trim();
  while (rest) {
    const head = /^([A-Za-z_.]+)\s*(>=|<=|!=|=|>|<)\s*/.exec(rest);
    if (!head || !FIELDS.test(head[1] ?? "")) throw new Error(`unsupported filter term at "${rest.slice(0, 40)}"`);
    rest = rest.slice(head[0].length);
    let value: string;
    if (rest.startsWith('"')) {
      const quoted = /^"((?:[^"\\]|\\.)*)"/.exec(rest);
      if (!quoted) throw new Error("unterminated string in filter");
      value = (quoted[1] ?? "").replace(/\\(.)/g, "$1");
      rest = rest.slice(quoted[0].length);
    } else {
      const bare = /^[A-Za-z0-9_.:-]+/.exec(rest);
      if (!bare) throw new Error("missing value in filter");
      value = bare[0];
      rest = rest.slice(bare[0].length);
    }
    comparisons.push({ field: head[1] ?? "", op: head[2] as Comparison["op"], value });
    rest = rest.trim();
    if (!rest) break;
    const and = /^AND\s+/.exec(rest);
    if (!and) throw new Error(`expected AND at "${rest.slice(0, 40)}"`);
    rest = rest.slice(and[0].length);
  }
  return comparisons;
}

function fieldOf(entry: LogEntry, field: string): string {
  if (field === "resource.type") return entry.resource?.type ?? "";
  if (field.startsWith("resource.labels.")) return entry.resource?.labels?.[field.slice("resource.labels.".length)] ?? "";
  if (field === "severity") return entry.severity ?? "DEFAULT";
  if (field === "timestamp") return entry.timestamp ?? "";
  return entry.logName ?? "";
}

function holds(entry: LogEntry, { field, op, value }: Comparison): boolean {
  const actual = fieldOf(entry, field);
  let order: number;
  if (field === "severity") {
    if (RANK(value) < 0) throw new Error(`unknown severity ${value}`);
    order = RANK(actual) - RANK(value);
  } else if (field === "timestamp") {
    const bound = Date.parse(value);
    if (Number.isNaN(bound)) throw new Error(`bad timestamp ${value}`);
    order = Date.parse(actual) - bound;
  } else order = actual === value ? 0 : actual < value ? -1 : 1;
  switch (op) {
    case "=":
      return order === 0;
    case "!=":
      return order !== 0;
    case ">=":
      return order >= 0;
    case "<=":
      return order <= 0;
    case ">":
      return order > 0;
    case "<":
      return order < 0;
  }
}

export async function startLoggingEmulator(scenario: Scenario): Promise<LoggingEmulator> {
  const entries: LogEntry[] = [];
  const filters: Comparison[][] = [];
  const server = await serveJson((request, url) => {
    const denied = requireBearer(request, scenario.acceptsToken);
    if (denied) return denied;
    if (request.method !== "POST" || url.pathname !== "/v2/entries:list") return { status: 404, body: googleError(404, "unknown path") };
    const receivedAt = Date.now();
    const body = JSON.parse(request.body || "{}") as logging_v2.Schema$ListLogEntriesRequest;
    const projects = new Set([`projects/${scenario.project}`, `projects/${scenario.projectNumber}`]);
    if (!body.resourceNames?.length || !body.resourceNames.every((name) => projects.has(name)))
      return { status: 403, body: googleError(403, "The caller does not have permission") };
    if (body.orderBy !== undefined && body.orderBy !== "timestamp asc" && body.orderBy !== "timestamp desc")
      return { status: 400, body: googleError(400, "orderBy must be timestamp asc or desc") };
    const pageSize = body.pageSize ?? 50;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) return { status: 400, body: googleError(400, "bad pageSize") };
    let parsed: Comparison[];
    let matching: LogEntry[];
    try {
      parsed = parseFilter(body.filter ?? "");
      matching = entries.filter((entry) => ingested(entry, receivedAt) && parsed.every((comparison) => holds(entry, comparison)));
    } catch (error) {
      return { status: 400, body: googleError(400, `invalid filter: ${(error as Error).message}`) };
    }
    filters.push(parsed);
    matching.sort((a, b) => Date.parse(a.timestamp ?? "") - Date.parse(b.timestamp ?? ""));
    if (body.orderBy === "timestamp desc") matching.reverse();
    const start = Number(body.pageToken ?? 0) || 0;
    const next = start + pageSize < matching.length ? String(start + pageSize) : undefined;
    const page: logging_v2.Schema$ListLogEntriesResponse = {
      entries: matching.slice(start, start + pageSize),
      ...(next ? { nextPageToken: next } : {}),
    };
    emulator.afterList?.(parsed, receivedAt);
    return { status: 200, body: page };
  });
  const emulator: LoggingEmulator = Object.assign(server, { entries, filters });
  return emulator;
}

/** Visible once Cloud Logging has received it: `receiveTimestamp` (absent: always) at or before the read. */
function ingested(entry: LogEntry, at: number): boolean {
  return !entry.receiveTimestamp || Date.parse(entry.receiveTimestamp) <= at;
}

/** What a revision's container writes to stdout/stderr, as Cloud Run ships it to Cloud Logging. */
export function revisionLog(
  scenario: Scenario,
  service: string,
  revision: string,
  severity: (typeof SEVERITIES)[number],
  text: string,
  timestamp = new Date().toISOString(),
  /** When Cloud Logging ingests it (visible from then on); by default now. */
  receiveTimestamp = new Date().toISOString(),
): LogEntry {
  return {
    logName: `projects/${scenario.project}/logs/run.googleapis.com%2Fstderr`,
    timestamp,
    receiveTimestamp,
    severity,
    insertId: Math.random().toString(36).slice(2),
    textPayload: text,
    resource: {
      type: "cloud_run_revision",
      labels: {
        project_id: scenario.project,
        location: scenario.region,
        service_name: service,
        revision_name: revision,
        configuration_name: service,
      },
    },
  };
}
