// The GitHub REST client: @actions/github's Octokit (proxy-aware fetch) with
// the retry and throttling plugins, pointed at GITHUB_API_URL (GitHub
// Enterprise), and bounded: every request has its own timeout and all of them
// stop when the publish budget's signal aborts, so GitHub can never hang the run.
import { getOctokit } from "@actions/github";
import { defaults } from "@actions/github/lib/utils";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";

export type GitHubClient = ReturnType<typeof getOctokit>;
type Fetch = typeof globalThis.fetch;

export interface ClientSettings {
  token: string;
  apiUrl: string;
  /** Aborts every pending and future request (the publish budget ran out). */
  signal: AbortSignal;
  requestTimeoutMs: number;
  /** Milliseconds left in the publish budget: a rate-limit wait longer than this is not worth it. */
  remainingMs: () => number;
  /** Where rate-limit waits are reported (a person wonders why the step pauses). */
  info: (line: string) => void;
  /** Tests inject a fetch; the runner uses @actions/github's proxy-aware one. */
  fetch?: Fetch;
}

/** 5xx and network errors are retried twice (1 s, 4 s); 4xx answers are final. */
const RETRIES = 2;

export function githubClient(settings: ClientSettings): GitHubClient {
  const base = settings.fetch ?? (defaults.request?.fetch as Fetch | undefined) ?? globalThis.fetch;
  const bounded: Fetch = (url, init) =>
    base(url, { ...init, signal: AbortSignal.any([settings.signal, AbortSignal.timeout(settings.requestTimeoutMs)]) });
  const onLimit =
    (kind: string) => (retryAfterSeconds: number, options: { method?: string; url?: string }, _: unknown, retryCount: number) => {
      const worthIt = retryCount < 2 && retryAfterSeconds * 1000 < settings.remainingMs();
      settings.info(
        `GitHub ${kind} on ${options.method ?? ""} ${options.url ?? ""}: ${worthIt ? `retrying in ${retryAfterSeconds} s` : "giving up (no time left)"}`,
      );
      return worthIt;
    };
  return getOctokit(
    settings.token,
    {
      baseUrl: settings.apiUrl,
      request: { fetch: bounded },
      retry: { retries: RETRIES },
      throttle: { onRateLimit: onLimit("rate limit"), onSecondaryRateLimit: onLimit("secondary rate limit") },
      // Octokit's own console output would bypass the redacting logger; its messages are not needed.
      log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    },
    retry,
    throttling,
  );
}
