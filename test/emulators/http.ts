// A tiny real HTTP server on 127.0.0.1 for the emulators: JSON in and out,
// a request log, a fixed added latency, and per-path fault injection.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: string;
}

export type Fault =
  | { kind: "status"; status: number; body?: unknown; headers?: Record<string, string>; times?: number }
  | { kind: "hang"; times?: number }
  | { kind: "drop"; times?: number }
  | { kind: "raw"; status: number; contentType: string; body: string; times?: number };

export interface JsonReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (request: RecordedRequest, url: URL) => JsonReply | Promise<JsonReply>;

export interface EmulatorServer {
  url: string;
  requests: RecordedRequest[];
  /** Faults matched by a regular expression on "METHOD /path"; each fires `times` times (default forever). */
  faults: { match: RegExp; fault: Fault }[];
  latencyMs: number;
  /** Requests being handled right now, and the most ever at once. */
  inFlight: number;
  peakInFlight: number;
  close(): Promise<void>;
}

export async function serveJson(handler: Handler): Promise<EmulatorServer> {
  const state: Omit<EmulatorServer, "url" | "close"> = { requests: [], faults: [], latencyMs: 0, inFlight: 0, peakInFlight: 0 };
  const sockets = new Set<import("node:net").Socket>();
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const request = {
      method: req.method ?? "GET",
      path: url.pathname + url.search,
      headers: req.headers,
      body: Buffer.concat(chunks).toString("utf8"),
    };
    state.requests.push(request);
    state.inFlight++;
    state.peakInFlight = Math.max(state.peakInFlight, state.inFlight);
    res.on("close", () => state.inFlight--);
    if (state.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, state.latencyMs));
    const fault = takeFault(state.faults, `${request.method} ${url.pathname}`);
    if (fault?.kind === "hang") return; // never answers; the client must time out
    if (fault?.kind === "drop") return void req.socket.destroy();
    if (fault?.kind === "raw") return void res.writeHead(fault.status, { "content-type": fault.contentType }).end(fault.body);
    let reply: JsonReply;
    try {
      reply =
        fault?.kind === "status"
          ? { status: fault.status, body: fault.body ?? googleError(fault.status), headers: fault.headers ?? {} }
          : await handler(request, url);
    } catch (error) {
      reply = { status: 500, body: { error: { code: 500, message: String(error), status: "INTERNAL" } } };
    }
    res.writeHead(reply.status, { "content-type": "application/json", ...reply.headers });
    res.end(reply.body === undefined ? "" : JSON.stringify(reply.body));
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  });
}

function takeFault(faults: EmulatorServer["faults"], key: string): Fault | undefined {
  const index = faults.findIndex(({ match }) => match.test(key));
  if (index < 0) return undefined;
  const entry = faults[index]!;
  if (entry.fault.times !== undefined) {
    entry.fault.times -= 1;
    if (entry.fault.times <= 0) faults.splice(index, 1);
  }
  return entry.fault;
}

const STATUS_WORDS: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  409: "ALREADY_EXISTS",
  412: "FAILED_PRECONDITION",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  503: "UNAVAILABLE",
};

/** The error body shape every Google API returns. */
export function googleError(status: number, message = STATUS_WORDS[status] ?? "error"): unknown {
  return { error: { code: status, message, status: STATUS_WORDS[status] ?? "UNKNOWN" } };
}

export function requireBearer(request: RecordedRequest, accepts: (token: string) => boolean): JsonReply | undefined {
  const header = request.headers.authorization ?? "";
  const token = header.startsWith("Bearer ") ? header.slice(7) : "";
  if (!accepts(token)) return { status: 401, body: googleError(401, "Request had invalid authentication credentials.") };
  return undefined;
}
