// The lower bound of a gate's wall time: the longest chain of requests where
// each needs an earlier answer, times the emulators' fixed latency. The
// requests come from the emulators' logs; what each one waits for comes from
// the code (named below), so a new kind of request fails loudly here.
import type { EmulatorServer, RecordedRequest } from "../test/emulators/http.js";

interface Kind {
  id: string;
  match: RegExp;
  /** Kinds whose answer this request needs, and where in the code that dependency lives. */
  after: string[];
}

/** What a request that needs a revision's config waits for: the service and the revisions list, or the revision itself. */
const REVISION = ["run.services.get", "run.services.list", "run.revisions.list", "run.revisions.get"];

const KINDS: Kind[] = [
  // src/gcp/cloud-run.ts readRevisions: the service names the revision(s) to check (read on its own, or listed with the
  // others of its region when a run checks many there); the newest revisions are listed alongside it, and a revision
  // is read on its own only when it is not among them.
  { id: "run.services.get", match: /^GET \/v2\/projects\/[^/]+\/locations\/[^/]+\/services\/[^/?]+(\?|$)/, after: [] },
  { id: "run.services.list", match: /^GET \/v2\/projects\/[^/]+\/locations\/[^/]+\/services(\?|$)/, after: [] },
  { id: "run.revisions.list", match: /^GET \/v2\/.+\/services\/[^/]+\/revisions(\?|$)/, after: [] },
  {
    id: "run.revisions.get",
    match: /^GET \/v2\/.+\/services\/[^/]+\/revisions\/[^/?]+(\?|$)/,
    after: ["run.services.get", "run.services.list", "run.revisions.list"],
  },
  // src/collect/secrets.ts: the revision's env and volumes name the secret versions. A needed value is read (which proves the
  // version enabled); metadata is read when no value is needed, or the read failed (after it: left out, so the bound stays low).
  { id: "secretmanager.versions.get", match: /^GET \/v1\/projects\/[^/]+\/secrets\/[^/]+\/versions\/[^/:?]+(\?|$)/, after: REVISION },
  { id: "secretmanager.versions.access", match: /^GET \/v1\/.+\/versions\/[^/:]+:access/, after: REVISION },
  { id: "secretmanager.secrets.get", match: /^GET \/v1\/projects\/[^/]+\/secrets\/[^/:?]+(\?|$)/, after: ["secretmanager.versions.get"] },
  // src/collect/iam.ts: the revision's secret refs and runtime service account; a secret's policy only when the project's
  // (read from the start: src/gate.ts prefetch) does not grant that account.
  { id: "secretmanager.secrets.getIamPolicy", match: /^(GET|POST) \/v1\/.+\/secrets\/[^/:]+:getIamPolicy/, after: REVISION },
  { id: "resourcemanager.projects.getIamPolicy", match: /^POST \/v3\/projects\/[^/:]+:getIamPolicy/, after: [] },
  { id: "resourcemanager.projects.get", match: /^GET \/v3\/projects\/[^/:?]+(\?|$)/, after: REVISION },
];

export interface TimedRequest {
  kind: string;
  key: string;
  /** Arrival at the emulator, ms after the first request of the run. */
  atMs: number;
}

/** Remember when each request reaches an emulator (the emulators keep only the request). */
export function stampArrivals(servers: EmulatorServer[]): {
  reset(): void;
  take(): TimedRequest[];
} {
  const arrivals: { request: RecordedRequest; at: number }[] = [];
  for (const server of servers) {
    const log = server.requests;
    const push = log.push.bind(log);
    log.push = (...items: RecordedRequest[]) => {
      for (const request of items) arrivals.push({ request, at: performance.now() });
      return push(...items);
    };
  }
  return {
    reset: () => {
      arrivals.length = 0;
      for (const server of servers) server.requests.length = 0;
    },
    take: () => {
      const start = Math.min(...arrivals.map(({ at }) => at));
      return arrivals.map(({ request, at }) => {
        const key = `${request.method} ${request.path}`;
        return { kind: classify(key), key, atMs: at - start };
      });
    },
  };
}

function classify(key: string): string {
  const kind = KINDS.find((candidate) => candidate.match.test(key));
  if (!kind) throw new Error(`bench/critical-path.ts does not know the request ${key}: add what it waits for`);
  return kind.id;
}

export interface CriticalPath {
  /** The longest chain of dependent request kinds seen in this run, first to last. */
  chain: string[];
  requests: number;
  /** The same method and path asked more than once. */
  duplicates: string[];
  /** First and last arrival of each kind, ms after the first request: how concurrent the run really was. */
  arrivals: Record<string, { count: number; firstMs: number; lastMs: number }>;
  /** The requests at each depth of the chain (depth 0 waits for nothing): see scheduleWaves. */
  depths: number[];
}

/**
 * Latencies no scheduler can beat with `cap` requests in flight: a request can only start once
 * the kinds it waits for have answered, so each depth of the chain fills its own waves (the next
 * depth cannot use a wave's free slots: what it waits for answers at the wave's end). This is
 * the max of "chain" and "requests ÷ cap" made exact for the run's shape: 10 services need
 * 1 wave of 12 service and revision reads, then 7 waves of 100 secret reads at a cap of 16, i.e.
 * 8 latencies where requests ÷ cap says 7. A diagnostic beside the floor, not a target.
 */
export function scheduleWaves(path: CriticalPath, cap: number): number {
  return path.depths.reduce((waves, count) => waves + Math.ceil(count / cap), 0);
}

export function criticalPath(requests: TimedRequest[]): CriticalPath {
  const seen = new Set(requests.map((request) => request.kind));
  const longest = new Map<string, string[]>();
  const chainTo = (id: string): string[] => {
    const known = longest.get(id);
    if (known) return known;
    const kind = KINDS.find((candidate) => candidate.id === id);
    // Only what this run asked: a revision read on its own lengthens the chain only when it happened.
    const before =
      (kind?.after ?? [])
        .filter((after) => seen.has(after))
        .map(chainTo)
        .sort((a, b) => b.length - a.length)[0] ?? [];
    const chain = [...before, id];
    longest.set(id, chain);
    return chain;
  };
  const chain = [...seen].map(chainTo).sort((a, b) => b.length - a.length)[0] ?? [];
  const counts = new Map<string, number>();
  for (const { key } of requests) counts.set(key, (counts.get(key) ?? 0) + 1);
  const arrivals: CriticalPath["arrivals"] = {};
  for (const { kind, atMs } of requests) {
    const entry = arrivals[kind] ?? { count: 0, firstMs: atMs, lastMs: atMs };
    arrivals[kind] = { count: entry.count + 1, firstMs: Math.min(entry.firstMs, atMs), lastMs: Math.max(entry.lastMs, atMs) };
  }
  const depths: number[] = [];
  for (const { kind } of requests) {
    const depth = (longest.get(kind)?.length ?? 1) - 1;
    depths[depth] = (depths[depth] ?? 0) + 1;
  }
  return {
    chain,
    depths: Array.from(depths, (count) => count ?? 0),
    requests: requests.length,
    duplicates: [...counts].filter(([, count]) => count > 1).map(([key, count]) => `${key} ×${count}`),
    arrivals,
  };
}
