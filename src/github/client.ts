// The GitHub REST client: @actions/github's Octokit with the retry and
// throttling plugins, pointed at GITHUB_API_URL (GitHub Enterprise), through
// the runner's proxy (./direct-fetch.ts), and bounded: every request has its own
// timeout and all of them stop when the publish budget's signal aborts, so
// GitHub can never hang the run.
import { Octokit } from "@octokit/core";
import { paginateRest } from "@octokit/plugin-paginate-rest";
import { restEndpointMethods } from "@octokit/plugin-rest-endpoint-methods";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import { GitHubRefusal, githubFetch } from "./direct-fetch.js";

// What @actions/github's getOctokit builds, without @actions/github: its proxy-aware
// fetch bundles undici (418 KB, ~30 ms of every start-up) into every run; ours loads it only behind a proxy.
const GitHub = Octokit.plugin(restEndpointMethods, paginateRest, finalRefusals, retry, throttling);
export type GitHubClient = InstanceType<typeof GitHub>;
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
  /** Tests inject a fetch; the runner uses githubFetch (node-fetch, or gateFetch behind a proxy: ./direct-fetch.ts). */
  fetch?: Fetch;
}

/**
 * The gate's own refusals (./direct-fetch.ts) are final. Octokit wraps a failed fetch as an HTTP 500
 * RequestError, which the retry plugin sends again twice (1 s, 4 s later): a refused redirect was
 * POSTed three times, an answer past the cap read three times. Registered before the retry plugin,
 * this error hook runs first and hands on the refusal itself: an error without a request, which
 * neither the retry nor the throttling plugin retries. A real 5xx or network error still is.
 */
function finalRefusals(octokit: Octokit): void {
  octokit.hook.error("request", (error) => {
    const cause = (error as { cause?: unknown }).cause;
    throw cause instanceof GitHubRefusal ? cause : error;
  });
}

/** A URL's origin, with any userinfo dropped (never shown); "an invalid URL" when it is not one. */
function originOf(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.username !== "" || parsed.password !== "" ? `${parsed.origin} (with userinfo)` : parsed.origin;
  } catch {
    return "an invalid URL";
  }
}

/** 5xx and network errors are retried twice (1 s, 4 s); 4xx answers are final. */
const RETRIES = 2;

export function githubClient(settings: ClientSettings): GitHubClient {
  const base = settings.fetch ?? githubFetch;
  const home = originOf(settings.apiUrl);
  const bounded: Fetch = async (url, init) => {
    // Octokit sends the token with every request, whatever its URL: pagination follows a Link
    // header's `next` as given, so an answer naming another origin would
    // get the token and the request. Only GITHUB_API_URL's origin is ever asked (redirects:
    // ./direct-fetch.ts). The message names origins only: a URL's path or query may carry anything.
    const target = originOf(url instanceof Request ? url.url : String(url));
    if (target !== home) throw new GitHubRefusal(`a GitHub request to ${target} is not on GITHUB_API_URL's origin (${home}): not sent`);
    return base(url, { ...init, signal: AbortSignal.any([settings.signal, AbortSignal.timeout(settings.requestTimeoutMs)]) });
  };
  const onLimit =
    (kind: string) => (retryAfterSeconds: number, options: { method?: string; url?: string }, _: unknown, retryCount: number) => {
      const worthIt = retryCount < 2 && retryAfterSeconds * 1000 < settings.remainingMs();
      settings.info(
        `GitHub ${kind} on ${options.method ?? ""} ${options.url ?? ""}: ${worthIt ? `retrying in ${retryAfterSeconds} s` : "giving up (no time left)"}`,
      );
      return worthIt;
    };
  return new GitHub({
    auth: settings.token,
    baseUrl: settings.apiUrl,
    request: { fetch: bounded },
    retry: { retries: RETRIES },
    throttle: { onRateLimit: onLimit("rate limit"), onSecondaryRateLimit: onLimit("secondary rate limit") },
    // Octokit's own console output would bypass the redacting logger; its messages are not needed.
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
  });
}
