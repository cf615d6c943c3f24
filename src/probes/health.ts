// GET the health endpoint like a load balancer would: status, JSON fields and
// latency, retrying with backoff while a new revision warms up.
import type { HealthRequirement } from "../manifest/schema.js";
import type { Finding } from "../model.js";
import { boundedFetch, sleep } from "./http.js";

export interface HealthProbeOptions {
  signal: AbortSignal;
  headers?: Record<string, string>;
  /** Attempts before giving up on 5xx / network errors. */
  attempts?: number;
}

const BODY_CAP = 64 * 1024;

export async function probeHealth(
  baseUrl: string,
  health: HealthRequirement & { location?: Finding["location"] },
  options: HealthProbeOptions,
): Promise<Finding[]> {
  const url = new URL(health.path, `${baseUrl.replace(/\/+$/, "")}/`).toString();
  const location = health.location ? { location: health.location } : {};
  const attempts = options.attempts ?? 4;
  let last: Finding | undefined;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const started = performance.now();
    const response = await boundedFetch(url, { headers: options.headers ?? {}, signal: options.signal, bodyCap: BODY_CAP });
    const duration_ms = Math.round(performance.now() - started);
    if (response.kind === "error") {
      last = {
        id: "health.unreachable",
        status: "fail",
        subject: health.path,
        message: `${health.path} did not answer: ${response.reason}`,
        duration_ms,
        ...location,
      };
    } else if (response.status !== health.expect_status) {
      last = {
        id: "health.status",
        status: "fail",
        subject: health.path,
        message: `${health.path} answered HTTP ${response.status}, expected ${health.expect_status}`,
        expected: String(health.expect_status),
        found: String(response.status),
        duration_ms,
        ...location,
      };
      if (response.status < 500 && response.status !== 429) break;
    } else {
      return [...checkBody(health, response.body, duration_ms, location), ...checkLatency(health, duration_ms, location)];
    }
    if (attempt < attempts && !options.signal.aborted) {
      const retryAfter = response.kind === "response" ? response.retryAfterMs : undefined;
      await sleep(retryAfter ?? backoff(attempt), options.signal).catch(() => undefined);
    }
  }
  return last ? [last] : [];
}

function backoff(attempt: number): number {
  const base = Math.min(4_000, 250 * 2 ** (attempt - 1));
  return base / 2 + Math.random() * (base / 2);
}

function checkBody(health: HealthRequirement, body: string, duration_ms: number, location: object): Finding[] {
  const pass: Finding = {
    id: "health.status",
    status: "pass",
    subject: health.path,
    message: `${health.path} answered HTTP ${health.expect_status}`,
    duration_ms,
    ...location,
  };
  if (!health.expect_json) return [pass];
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return [pass, { id: "health.json", status: "fail", subject: health.path, message: `${health.path} did not return JSON`, ...location }];
  }
  const mismatches = Object.entries(health.expect_json).flatMap(([path, expected]) => {
    const actual = path
      .split(".")
      .reduce<unknown>((node, key) => (node && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined), json);
    return JSON.stringify(actual) === JSON.stringify(expected) ? [] : [{ path, expected, actual }];
  });
  if (mismatches.length === 0)
    return [
      pass,
      {
        id: "health.json",
        status: "pass",
        subject: health.path,
        message: `${health.path} JSON has ${Object.keys(health.expect_json).join(", ")} as expected`,
        ...location,
      },
    ];
  return [
    pass,
    ...mismatches.map(({ path, expected, actual }) => ({
      id: "health.json",
      status: "fail" as const,
      subject: `${health.path} ${path}`,
      message: `${health.path} field ${path} is ${actual === undefined ? "missing" : JSON.stringify(actual).slice(0, 100)}, expected ${JSON.stringify(expected).slice(0, 100)}`,
      expected: JSON.stringify(expected).slice(0, 100),
      found: actual === undefined ? "missing" : JSON.stringify(actual).slice(0, 100),
      ...location,
    })),
  ];
}

function checkLatency(health: HealthRequirement, duration_ms: number, location: object): Finding[] {
  if (health.max_latency_ms === undefined || duration_ms <= health.max_latency_ms) return [];
  return [
    {
      id: "health.latency",
      status: "warn",
      subject: health.path,
      message: `${health.path} took ${duration_ms} ms, over the ${health.max_latency_ms} ms budget`,
      duration_ms,
      ...location,
    },
  ];
}
