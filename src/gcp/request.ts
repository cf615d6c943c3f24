import type { AuthClient, OAuth2Client } from "google-auth-library";

// Per-call options for every Google API request: bounded by the run's
// deadline (signal), its own timeout, and a small retry budget for 429/5xx.
const CALL_TIMEOUT_MS = 15_000;

export function requestOptions(signal: AbortSignal) {
  return {
    signal,
    timeout: CALL_TIMEOUT_MS,
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
    },
  };
}

/** Constructor options of a generated client. Any AuthClient works at run time;
 * the generated types list only a few concrete classes, hence the cast. */
export function clientOptions(auth: AuthClient, endpoint: string | undefined) {
  return { auth: auth as OAuth2Client, ...(endpoint ? { rootUrl: `${endpoint}/` } : {}) };
}
