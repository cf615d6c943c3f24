// Open the WebSocket as the browser does (with the token) and as an attacker
// would (without one), and say exactly how each handshake ended.
import WebSocket from "ws";
import type { WebsocketRequirement } from "../manifest/schema.js";
import { networkReason } from "./http.js";

export type HandshakeOutcome =
  | { kind: "open"; closeCode?: number }
  | { kind: "refused"; status: number; bodyExcerpt: string }
  | { kind: "closed"; code: number; reason: string }
  | { kind: "timeout" }
  | { kind: "network"; reason: string };

export interface HandshakeOptions {
  signal: AbortSignal;
  headers?: Record<string, string>;
  timeoutMs?: number;
  /** How long an accepted socket is watched for an immediate close (1006/1008 after accept). */
  settleMs?: number;
}

export function websocketUrl(baseUrl: string, path: string): URL {
  const url = new URL(path, `${baseUrl.replace(/\/+$/, "")}/`);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url;
}

export function handshake(
  url: URL,
  ws: WebsocketRequirement,
  token: string | undefined,
  options: HandshakeOptions,
): Promise<HandshakeOutcome> {
  const target = new URL(url);
  const headers: Record<string, string> = { ...options.headers };
  const protocols: string[] = [];
  if (token !== undefined) {
    if (ws.token_in === "header") {
      const name = ws.token_name ?? "Authorization";
      headers[name] = name.toLowerCase() === "authorization" ? `Bearer ${token}` : token;
    } else if (ws.token_in === "query") target.searchParams.set(ws.token_name ?? "token", token);
    else protocols.push(ws.token_name ?? "bearer", token);
  }
  return new Promise((resolve) => {
    let settled = false;
    const socket = new WebSocket(target, protocols, { headers, handshakeTimeout: options.timeoutMs ?? 10_000, followRedirects: false });
    const finish = (outcome: HandshakeOutcome) => {
      if (settled) return;
      settled = true;
      options.signal.removeEventListener("abort", onAbort);
      clearTimeout(settleTimer);
      socket.removeAllListeners();
      socket.on("error", () => undefined);
      if (socket.readyState === WebSocket.OPEN) socket.close(1000, "deploy gate done");
      else socket.terminate();
      resolve(outcome);
    };
    const onAbort = () => finish({ kind: "timeout" });
    options.signal.addEventListener("abort", onAbort, { once: true });
    let settleTimer: NodeJS.Timeout | undefined;
    socket.on("unexpected-response", (_request, response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on("data", (chunk: Buffer) => {
        if (size < 2048) chunks.push(chunk);
        size += chunk.length;
      });
      const done = () =>
        finish({ kind: "refused", status: response.statusCode ?? 0, bodyExcerpt: Buffer.concat(chunks).toString("utf8").slice(0, 500) });
      response.on("end", done);
      response.on("error", done);
      setTimeout(done, 1_000).unref();
    });
    socket.on("open", () => {
      settleTimer = setTimeout(() => finish({ kind: "open" }), options.settleMs ?? 300);
    });
    socket.on("close", (code, reason) => {
      const text = reason.toString("utf8").slice(0, 200);
      if (code === 1000 && socket.readyState !== WebSocket.CLOSED) return;
      finish({ kind: "closed", code, reason: text });
    });
    socket.on("error", (error) => {
      if (/handshake timed out/i.test(String((error as Error).message))) finish({ kind: "timeout" });
      else finish({ kind: "network", reason: networkReason(error) });
    });
  });
}
