// The fetch that gaxios sends every Google request through (`fetchImplementation`): ours
// (Cloud Run, Secret Manager, Resource Manager, Logging) and google-auth-library's own
// token calls. It is node:http(s) with the request's agent, and it reads the whole
// bounded body before it answers.
//
// Why not gaxios's default, node-fetch: each call built a WHATWG Request and Response,
// a stream pipeline with its own AbortController (and a DOMException when it ended),
// and a body stream to read back. That was about half the CPU of a Google request in a
// fresh process: 1.1-1.4 ms against 0.6 ms here, over the first 500 requests (issue 15
// bench; a 200-service fleet sends 2,200). The gate needs little of what fetch does:
// - No redirect is ever followed (./redirects.ts): a 3xx comes back as it is.
// - No compression: no Accept-Encoding is sent, so Google answers in plain JSON. An
//   answer compressed anyway is inflated with the same byte cap.
// - The body is capped while it streams (`size`, gaxios's maxContentLength), not only by
//   its Content-Length: a chunked answer that never ends cannot fill memory.
// - The signal (gaxios's timeout joined with the run's deadline) ends the call and its
//   socket at once, during the body too.
// Errors keep node-fetch's shapes (AbortError; FetchError with the system error's code
// and the error itself as `cause`), which ./api-error.ts and ../proxy.ts read.
import type { gaxios } from "google-auth-library";
import type { Agent, IncomingMessage } from "node:http";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { Readable } from "node:stream";
import { brotliDecompressSync, gunzipSync, inflateSync } from "node:zlib";
import { agentFor } from "../proxy-agent.js";
import { FetchHeaders } from "./fetch-headers.js";

/** The part of fetch's RequestInit that gaxios passes (with its own extras: agent, size). */
export interface TransportInit {
  method?: string;
  headers?: FetchHeaders | Headers | Record<string, string>;
  body?: unknown;
  signal?: AbortSignal | null;
  agent?: Agent;
  /** gaxios's maxContentLength: the most body bytes read (after inflating). */
  size?: number;
}

/** What gaxios and google-auth-library read of a fetch Response. */
export class TransportResponse {
  bodyUsed = false;
  readonly redirected = false;
  readonly type = "basic";
  readonly ok: boolean;

  constructor(
    readonly status: number,
    readonly statusText: string,
    readonly headers: FetchHeaders,
    readonly url: string,
    private readonly bytes: Buffer,
  ) {
    this.ok = status >= 200 && status < 300;
  }

  async text(): Promise<string> {
    this.bodyUsed = true;
    return this.bytes.toString("utf8");
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    this.bodyUsed = true;
    return new Uint8Array(this.bytes).buffer;
  }

  async blob(): Promise<Blob> {
    this.bodyUsed = true;
    return new Blob([new Uint8Array(this.bytes)]);
  }

  /** responseType `stream` (no call of the gate's asks for it). */
  get body(): Readable {
    this.bodyUsed = true;
    return Readable.from([this.bytes]);
  }
}

/** Send every request of a client's transporter through transportFetch. */
export function useTransport(transporter: gaxios.Gaxios): void {
  transporter.defaults.fetchImplementation = transportFetch as unknown as typeof fetch;
  // gaxios would build its own proxy agent from HTTPS_PROXY first, only for ../proxy.ts's interceptor
  // (routeThroughProxy) to replace it: wasted, and an unusable proxy URL threw the URL parser's
  // TypeError there, reported as the endpoint's network error. The gate's agent is the one proxy decision.
  transporter.defaults.noProxy = [/(?:)/];
}

export async function transportFetch(input: string | URL, init: TransportInit = {}): Promise<TransportResponse> {
  const url = new URL(input);
  const send = url.protocol === "https:" ? httpsRequest : url.protocol === "http:" ? httpRequest : undefined;
  if (!send) throw new TypeError(`${url.protocol} is not a scheme Google's APIs are called on`);
  const body = requestBody(init.body);
  const signal = init.signal ?? undefined;
  if (signal?.aborted) throw abortError();
  const agent = init.agent ?? (await agentFor(url));
  const headers: Record<string, string> = {};
  (init.headers instanceof FetchHeaders ? init.headers : new FetchHeaders(init.headers)).forEach((value, name) => {
    headers[name] = value;
  });
  // Plain answers only (see above); fetch's default Accept.
  delete headers["accept-encoding"];
  headers.accept ??= "*/*";
  if (body !== undefined) {
    headers["content-length"] = String(body.bytes.byteLength);
    // Fetch's own Content-Type for the kind of body, when the caller set none (STS posts URLSearchParams).
    if (body.type !== undefined) headers["content-type"] ??= body.type;
  }
  const cap = init.size && init.size > 0 ? init.size : Number.POSITIVE_INFINITY;

  return new Promise<TransportResponse>((resolve, reject) => {
    let settled = false;
    const finish = (error: Error | undefined, response?: TransportResponse) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener("abort", onAbort);
      if (error) {
        request.destroy();
        reject(error);
      } else resolve(response as TransportResponse);
    };
    const onAbort = () => finish(abortError());
    const request = send(url, { method: init.method ?? "GET", headers, agent });
    signal?.addEventListener("abort", onAbort, { once: true });
    request.on("error", (error) => finish(fetchError(`request to ${url.href} failed, reason: ${error.message}`, "system", error)));
    request.on("response", (answer: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let read = 0;
      const overLimit = () => fetchError(`content size at ${url.href} over limit: ${cap}`, "max-size");
      answer.on("data", (chunk: Buffer) => {
        read += chunk.length;
        if (read > cap) return finish(overLimit());
        chunks.push(chunk);
      });
      const cutOff = () => finish(fetchError(`request to ${url.href} failed, reason: the connection closed mid-answer`, "system"));
      answer.on("aborted", cutOff);
      // Whatever Node version signals a cut-off answer by ('aborted', 'error' or only 'close'): short is never whole.
      answer.on("close", () => {
        if (!answer.complete) cutOff();
      });
      answer.on("error", (error) => finish(fetchError(`request to ${url.href} failed, reason: ${error.message}`, "system", error)));
      answer.on("end", () => {
        let bytes = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
        try {
          bytes = inflated(bytes, answer.headers["content-encoding"], cap);
        } catch (error) {
          return finish(
            (error as { code?: unknown }).code === "ERR_BUFFER_TOO_LARGE"
              ? overLimit()
              : fetchError(`invalid compressed answer from ${url.href}`, "system", error as Error),
          );
        }
        // Inside an event handler a throw would end the process: a header fetch's Headers refuses is a failed call.
        let headers: FetchHeaders;
        try {
          headers = headersOf(answer);
        } catch (error) {
          return finish(fetchError(`invalid header in the answer from ${url.href}`, "system", error as Error));
        }
        finish(undefined, new TransportResponse(answer.statusCode ?? 0, answer.statusMessage ?? "", headers, url.href, bytes));
      });
    });
    request.end(body?.bytes);
  });
}

/** The body's bytes, and the Content-Type fetch would give it (the Fetch standard's "extract a body"). */
function requestBody(body: unknown): { bytes: Buffer; type?: string } | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === "string") return { bytes: Buffer.from(body), type: "text/plain;charset=UTF-8" };
  if (body instanceof URLSearchParams)
    return { bytes: Buffer.from(body.toString()), type: "application/x-www-form-urlencoded;charset=UTF-8" };
  if (ArrayBuffer.isView(body)) return { bytes: Buffer.from(body.buffer, body.byteOffset, body.byteLength) };
  if (body instanceof ArrayBuffer) return { bytes: Buffer.from(body) };
  // Streams, FormData, multipart: no call of the gate's sends one. Refused, not sent half-read.
  throw new TypeError("a request body of this kind is not supported (string, bytes or URLSearchParams)");
}

function headersOf(answer: IncomingMessage): FetchHeaders {
  const headers = new FetchHeaders();
  const raw = answer.rawHeaders;
  for (let index = 0; index + 1 < raw.length; index += 2) headers.append(raw[index] as string, raw[index + 1] as string);
  return headers;
}

/** An answer compressed though none was asked for, inflated with the same cap on its size. */
function inflated(bytes: Buffer, encoding: string | undefined, cap: number): Buffer {
  const coding = encoding?.trim().toLowerCase();
  if (!coding || coding === "identity" || bytes.length === 0) return bytes;
  const options = Number.isFinite(cap) ? { maxOutputLength: cap } : {};
  if (coding === "gzip" || coding === "x-gzip") return gunzipSync(bytes, options);
  if (coding === "deflate") return inflateSync(bytes, options);
  if (coding === "br") return brotliDecompressSync(bytes, options);
  throw new TypeError(`unknown content-encoding ${JSON.stringify(coding.slice(0, 40))}`);
}

function abortError(): Error {
  return Object.assign(new Error("The operation was aborted."), { name: "AbortError", type: "aborted" });
}

/** node-fetch's FetchError: `code` and `errno` from the system error, which is also the `cause`. */
function fetchError(message: string, type: string, cause?: Error): Error {
  const code = (cause as { code?: unknown } | undefined)?.code;
  const error = new Error(message, cause === undefined ? undefined : { cause });
  return Object.assign(error, { name: "FetchError", type, ...(typeof code === "string" ? { code, errno: code } : {}) });
}
