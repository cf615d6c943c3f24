// The fetch GitHub's requests go through. Unproxied: node-fetch, on node:http,
// the copy gaxios already brings into the bundle. Node's own fetch is undici:
// its first request loads and compiles undici and its WebAssembly HTTP parser,
// ~16 MiB of peak RSS that a run without probes pays for GitHub alone (issue 15,
// bench/rss-runs.ts). Proxied: undici's fetch through the tunnel (../fetch.ts).
//
// Redirects are followed by hand, and only within GITHUB_API_URL's origin (a
// renamed repository answers 301 to the new path). One to another origin is
// refused, not followed without the token as the Fetch standard would: the
// request's body (the PR comment) would still go there. node-fetch's own rule
// would even keep the token for another port or a subdomain.
//
// node-fetch is loaded at the first GitHub request, not at start-up: a run that publishes nothing
// (a shard, the CLI) never needs it, and Google's requests have their own transport (../gcp/transport.ts).
import type { RequestInit as NodeFetchInit } from "node-fetch";
import { gateFetch } from "../fetch.js";
import { proxyFor } from "../proxy.js";
import { agentFor } from "../proxy-agent.js";

type Fetch = typeof globalThis.fetch;

/**
 * A request the gate itself will not send or read (another origin, too many redirects, an answer
 * past the cap): final. Octokit turns any failed fetch into HTTP 500, which its retry plugin
 * retries; ./client.ts hands this error on unwrapped, so it is never sent again (and never waits 1 s, 4 s).
 */
export class GitHubRefusal extends TypeError {
  override readonly name = "GitHubRefusal";
}

/** The Fetch standard's limit is 20; GitHub's API redirects once at most (a renamed repository). */
const MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export const githubFetch: Fetch = async (input, init) => {
  const url = input instanceof Request ? input.url : String(input);
  // Redirects stay on this origin (below), so one proxy decision holds for every hop.
  const send = proxyFor(url) !== undefined ? throughProxy : direct;
  const { answer, at } = await followRedirects(url, init ?? {}, send);
  return (await readWhole(answer, at)) as unknown as Response;
};

/**
 * The most of one GitHub answer the gate reads. The largest it asks for is a page of 100 comments
 * (or PRs) of up to 65,536 characters each, about 27 MB at 4 bytes a character; anything past this
 * is not GitHub's API. Read whole, answers were unbounded: an endless body filled memory (1.6 GB in
 * 8 s on loopback) until the request timeout, and one cut short reached Octokit, which reads a
 * failed JSON body as "" and carries on.
 */
const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

/** One hop's answer, as node-fetch's and fetch's responses both give it. */
interface Hop {
  status: number;
  statusText?: string;
  headers: { get(name: string): string | null; [Symbol.iterator](): Iterator<[string, string]> };
  body: unknown;
}

/** What Octokit reads of a fetch Response, with the body already read (so a body that fails, fails the fetch). */
class WholeAnswer {
  readonly ok: boolean;
  readonly redirected = false;
  constructor(
    readonly status: number,
    readonly statusText: string,
    readonly headers: Hop["headers"],
    readonly url: string,
    private readonly bytes: Buffer,
  ) {
    this.ok = status >= 200 && status < 300;
  }
  async text(): Promise<string> {
    return new TextDecoder().decode(this.bytes);
  }
  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }
  async arrayBuffer(): Promise<ArrayBuffer> {
    return new Uint8Array(this.bytes).buffer;
  }
}

/** The answer's body, counted as it streams (node-fetch's Node stream or fetch's web stream), refused past the cap. */
async function readWhole(answer: Hop, url: URL): Promise<WholeAnswer> {
  const chunks: Buffer[] = [];
  let size = 0;
  if (answer.body !== null && answer.body !== undefined) {
    for await (const chunk of answer.body as AsyncIterable<Uint8Array>) {
      size += chunk.byteLength;
      // Leaving the loop ends the stream (destroys or cancels it), so nothing more is read.
      if (size > MAX_ANSWER_BYTES)
        throw new GitHubRefusal(`GitHub at ${url.origin} answered more than ${MAX_ANSWER_BYTES / 2 ** 20} MiB: not read`);
      chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    }
  }
  return new WholeAnswer(answer.status, answer.statusText ?? "", answer.headers, url.href, Buffer.concat(chunks, size));
}
type Send = (
  url: URL,
  init: { method: string; headers: Record<string, string>; body: unknown; signal: AbortSignal | null },
) => Promise<Hop>;

/** node-fetch with a direct keep-alive agent of ours: no global agent (Node 24's NODE_USE_ENV_PROXY) applies other rules. */
const direct: Send = async (url, init) =>
  (await import("node-fetch")).default(url.href, {
    ...init,
    body: init.body as NonNullable<NodeFetchInit["body"]> | null,
    signal: init.signal as NonNullable<NodeFetchInit["signal"]> | null,
    redirect: "manual",
    agent: await agentFor(url),
  });

/** undici's fetch through the tunnel (../fetch.ts), hop by hop like the direct path. */
const throughProxy: Send = (url, init) =>
  gateFetch(url.href, { ...init, body: init.body as NonNullable<RequestInit["body"]> | null, redirect: "manual" });

async function followRedirects(first: string, init: RequestInit, send: Send): Promise<{ answer: Hop; at: URL }> {
  let url = new URL(first);
  let method = (init.method ?? "GET").toUpperCase();
  let body: unknown = init.body ?? null;
  const headers = new Headers(init.headers);
  for (let hop = 0; ; hop++) {
    const response = await send(url, { method, headers: Object.fromEntries(headers), body, signal: init.signal ?? null });
    const location = response.headers.get("location");
    if (!REDIRECTS.has(response.status) || location === null || init.redirect === "manual") return { answer: response, at: url };
    if (init.redirect === "error" || hop >= MAX_REDIRECTS) {
      throw new GitHubRefusal(`GitHub answered too many redirects (more than ${MAX_REDIRECTS})`);
    }
    const next = new URL(location, url);
    if (next.origin !== url.origin) {
      // The message names origins only: a Location's path or query may carry anything.
      throw new GitHubRefusal(`GitHub at ${url.origin} answered ${response.status} to another origin (${next.origin}): not followed`);
    }
    // As the Fetch standard: 303, and 301/302 after a POST, become a GET without a body.
    if (response.status === 303 ? method !== "HEAD" : (response.status === 301 || response.status === 302) && method === "POST") {
      method = "GET";
      body = null;
      for (const name of ["content-type", "content-length"]) headers.delete(name);
    }
    // The redirect's own body is never read: drop it so its socket goes back to the pool.
    discard(response.body);
    url = next;
  }
}

/** A node stream (node-fetch) is drained, a web stream (fetch) cancelled. */
function discard(body: unknown): void {
  const stream = body as { resume?: () => void; cancel?: () => Promise<void> } | null;
  if (typeof stream?.resume === "function") stream.resume();
  else void stream?.cancel?.().catch(() => undefined);
}
