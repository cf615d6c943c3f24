// Call the health endpoint like a load balancer would: status, JSON fields and
// latency, retrying with backoff while a new revision warms up, never past the
// run's deadline.
import type { HealthRequirement } from "../manifest/schema.js";
import type { Finding } from "../model.js";
import { isGoogleFrontEnd404, reservedPathHint } from "./cloud-run-traps.js";
import { excerpt } from "./excerpt.js";
import { sleep } from "../wait.js";
import { PROXY_HINT, UNTRUSTED_CERTIFICATE_HINT } from "../proxy.js";
import { boundedFetch, urlOnService } from "./http.js";

export interface HealthProbeOptions {
  signal: AbortSignal;
  headers?: Record<string, string>;
  /** Credentials sent in headers, cut out of any body excerpt. */
  redact?: readonly string[];
  /** Backoff unit; tests shrink it. */
  backoffBaseMs?: number;
  /** Random source for jitter; tests pin it. */
  random?: () => number;
}

export type HealthSpec = Pick<HealthRequirement, "path"> &
  Partial<Omit<HealthRequirement, "expect_status" | "method">> & {
    /** One status, or any of several (`http:` checks). */
    expect_status: number | readonly number[];
    method?: string;
    /** Finding ids: `health.*` for /health, `http.*` for the `http:` checks. */
    id_prefix?: "health" | "http";
  };

const expects = (spec: HealthSpec, status: number) =>
  typeof spec.expect_status === "number" ? status === spec.expect_status : spec.expect_status.includes(status);
const expectedText = (spec: HealthSpec) =>
  typeof spec.expect_status === "number" ? String(spec.expect_status) : spec.expect_status.join(" or ");

export async function probeHealth(
  baseUrl: string,
  health: HealthSpec & { location?: Finding["location"] },
  options: HealthProbeOptions,
): Promise<Finding[]> {
  const prefix = health.id_prefix ?? "health";
  const base = { subject: health.path, ...(health.location ? { location: health.location } : {}) };
  const url = urlOnService(baseUrl, health.path)?.toString();
  if (url === undefined) return [offService(health.path, "health.path", base)];
  const method = health.method ?? "GET";
  const attempts = (health.retries ?? 3) + 1;
  const sent = [...(options.redact ?? []), ...Object.values(options.headers ?? {})];
  let last: Finding | undefined;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const started = performance.now();
    const response = await boundedFetch(url, {
      method,
      headers: options.headers ?? {},
      signal: options.signal,
      bodyCap: health.max_body_bytes ?? 65_536,
    });
    const duration_ms = Math.round(performance.now() - started);
    const tries = attempt > 1 ? ` (after ${attempt} attempts)` : "";
    if (response.kind === "error") {
      // The runner's proxy failing says nothing about the revision: the gate could not decide.
      const viaProxy = response.failure.class === "proxy";
      last = {
        ...base,
        id: viaProxy ? `${prefix}.proxy_error` : `${prefix}.unreachable`,
        status: viaProxy ? "error" : "fail",
        message: `${method} ${health.path} did not answer: ${response.failure.reason}${tries}`,
        hint: viaProxy
          ? PROXY_HINT
          : response.failure.class === "tls"
            ? UNTRUSTED_CERTIFICATE_HINT
            : "check the URL and that the revision is serving",
        found: response.failure.class,
        duration_ms,
      };
      if (response.failure.class === "aborted" || viaProxy) break;
    } else if (!expects(health, response.status) && response.redirectedTo !== undefined) {
      // Not followed: the ID token would go along. A health check that redirects is itself the problem.
      last = {
        ...base,
        id: `${prefix}.status`,
        status: "fail",
        message: `${method} ${health.path} answered HTTP ${response.status}, a redirect to ${response.redirectedTo} (not followed: the probe's credentials stay with the probed URL), expected ${expectedText(health)}${tries}`,
        hint: "point health.path at the endpoint itself (a trailing slash, a login page or an http→https hop are the usual causes), or set the url input to the final origin",
        expected: expectedText(health),
        found: String(response.status),
        duration_ms,
      };
      break;
    } else if (!expects(health, response.status) && isGoogleFrontEnd404(health.path, response.status, response.body)) {
      last = {
        ...base,
        id: `${prefix}.reserved_path`,
        status: "fail",
        message: `${method} ${health.path} answered Google's own HTTP 404 page, not the container's${tries}`,
        hint: reservedPathHint(health.path),
        expected: expectedText(health),
        found: "404 (Google front end)",
        duration_ms,
      };
      break;
    } else if (!expects(health, response.status)) {
      const body = excerpt(response.body, sent, 120);
      last = {
        ...base,
        id: `${prefix}.status`,
        status: "fail",
        message: `${method} ${health.path} answered HTTP ${response.status}, expected ${expectedText(health)}${tries}${body ? `: "${body}"` : ""}`,
        expected: expectedText(health),
        found: String(response.status),
        duration_ms,
      };
      // Only "not ready yet" answers are worth waiting for; a 404 will not change.
      if (response.status < 500 && response.status !== 429 && response.status !== 408) break;
    } else {
      return [...checkBody(health, method, response, duration_ms, base), ...checkLatency(health, duration_ms, base)];
    }
    if (attempt === attempts || options.signal.aborted) break;
    const wait =
      (response.kind === "response" ? response.retryAfterMs : undefined) ?? backoff(attempt, options.backoffBaseMs, options.random);
    try {
      await sleep(wait, options.signal);
    } catch {
      break; // the run's deadline: report what we have
    }
  }
  return last ? [last] : [];
}

/** A path that would take the probe (and its credentials) to another origin: nothing is sent. */
export function offService(path: string, field: string, base: Pick<Finding, "subject" | "location">): Finding {
  return {
    ...base,
    id: "probe.off_origin",
    status: "error",
    message: `${field} ${JSON.stringify(path.slice(0, 80))} does not stay on the service's URL, so it was not probed`,
    hint: "write a path on the service: one leading '/', no '//', scheme, '@' or '\\'",
  };
}

/** Exponential backoff with full jitter over the upper half, capped: 250 ms, 500 ms, 1 s … 8 s. */
export function backoff(attempt: number, baseMs = 250, random: () => number = Math.random): number {
  const ceiling = Math.min(8_000, baseMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

type Base = Pick<Finding, "subject" | "location">;

function checkBody(
  health: HealthSpec,
  method: string,
  { body, truncated, status }: { body: string; truncated: boolean; status: number },
  duration_ms: number,
  base: Base,
): Finding[] {
  const prefix = health.id_prefix ?? "health";
  const pass: Finding = {
    ...base,
    id: `${prefix}.status`,
    status: "pass",
    message: `${method} ${health.path} answered HTTP ${status}`,
    duration_ms,
  };
  if (!health.expect_json) return [pass];
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    const why = truncated ? `its body is larger than max_body_bytes (${health.max_body_bytes ?? 65_536})` : "it did not return JSON";
    return [pass, { ...base, id: `${prefix}.json`, status: "fail", message: `${health.path}: cannot check expect_json, ${why}` }];
  }
  const mismatches = Object.entries(health.expect_json).flatMap(([path, expected]) => {
    const actual = path
      .split(".")
      .reduce<unknown>((node, key) => (node && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined), json);
    return JSON.stringify(actual) === JSON.stringify(expected) ? [] : [{ path, expected, actual }];
  });
  if (mismatches.length === 0) {
    const fields = Object.keys(health.expect_json).join(", ");
    return [pass, { ...base, id: `${prefix}.json`, status: "pass", message: `${health.path} JSON has ${fields} as expected` }];
  }
  const show = (value: unknown) => excerpt(JSON.stringify(value) ?? "undefined", [], 100);
  return [
    pass,
    ...mismatches.map(({ path, expected, actual }) => ({
      ...base,
      id: `${prefix}.json`,
      status: "fail" as const,
      subject: `${health.path} ${path}`,
      message: `${health.path} field ${path} is ${actual === undefined ? "missing" : show(actual)}, expected ${show(expected)}`,
      expected: show(expected),
      found: actual === undefined ? "missing" : show(actual),
    })),
  ];
}

function checkLatency(health: HealthSpec, duration_ms: number, base: Base): Finding[] {
  if (health.max_latency_ms === undefined || duration_ms <= health.max_latency_ms) return [];
  const prefix = health.id_prefix ?? "health";
  return [
    {
      ...base,
      id: `${prefix}.latency`,
      status: "warn",
      message: `${health.path} took ${duration_ms} ms, over the ${health.max_latency_ms} ms budget`,
      expected: `<= ${health.max_latency_ms} ms`,
      found: `${duration_ms} ms`,
      duration_ms,
    },
  ];
}
