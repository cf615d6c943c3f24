import { InputError } from "../errors.js";
import { parseRetryAfter, sleep } from "../wait.js";
import { NO_REDIRECTS } from "./redirects.js";

// Per-call options for every Google API request: bounded by the run's
// deadline (signal), its own timeout, a cap on the body, and a small retry
// budget for 429/5xx that honours a short Retry-After. No redirect is followed
// (./redirects.ts): the client's transporter enforces it too.
const CALL_TIMEOUT_MS = 15_000;
/** No Google API answer the gate reads comes near this; a bigger one is a broken proxy, not data. */
const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;
/** A longer Retry-After is not worth waiting for inside a deploy: give up and say so. */
const MAX_RETRY_AFTER_MS = 10_000;

export function requestOptions(signal: AbortSignal) {
  return {
    signal,
    timeout: CALL_TIMEOUT_MS,
    maxContentLength: MAX_RESPONSE_BYTES,
    ...NO_REDIRECTS,
    retryConfig: {
      retry: 2,
      noResponseRetries: 1,
      retryDelay: 100,
      retryDelayMultiplier: 1.5,
      maxRetryDelay: 2_000,
      totalTimeout: CALL_TIMEOUT_MS * 2,
      statusCodesToRetry: [
        [429, 429],
        [500, 599],
      ],
      httpMethodsToRetry: ["GET", "POST"],
      // Past the deadline the wait ends at once and the retry then fails on the aborted signal.
      retryBackoff: (error: unknown, delayMs: number) => sleep(retryAfterMs(error) ?? delayMs, signal).catch(() => undefined),
    },
  };
}

/** Retry-After of a failed response, in ms, capped; undefined when absent or unreadable. */
export function retryAfterMs(error: unknown): number | undefined {
  const headers = (error as { response?: { headers?: unknown } } | undefined)?.response?.headers as
    | { get?: unknown; [name: string]: unknown }
    | undefined;
  // A fetch Headers (gaxios 7), possibly from another realm, or a plain object.
  const raw = typeof headers?.get === "function" ? (headers.get as (name: string) => unknown)("retry-after") : headers?.["retry-after"];
  return parseRetryAfter(typeof raw === "string" ? raw : undefined, MAX_RETRY_AFTER_MS);
}

/** One part of a resource name (project, region, service, revision, secret, version). */
const SEGMENT = /^[A-Za-z0-9_-]{1,255}$/;

/**
 * Last line of defence against path injection: src/gcp/rest.ts puts names into the URL path
 * as they are, so `/`, `?`, `#` or `..` would change what is asked. Inputs and the manifest are
 * checked earlier; this also covers names that came back from an API.
 */
export function isSafeSegment(value: string): boolean {
  return SEGMENT.test(value);
}

export function assertSafeSegments(what: string, parts: Record<string, string>): void {
  for (const [label, value] of Object.entries(parts)) {
    if (!isSafeSegment(value)) {
      throw new InputError(`${what}: the ${label} ${JSON.stringify(value.slice(0, 80))} is not a valid name`, {
        hint: "names use only letters, digits, '-' and '_'; check the manifest, the inputs and the deployed config",
      });
    }
  }
}
