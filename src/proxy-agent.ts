// The node:http agent for a request, from the one proxy decision (./proxy.ts):
// gaxios (Google) and ws (the WebSocket probe) both take theirs from here. A
// proxied request always goes through a CONNECT tunnel, http:// targets too,
// so the proxy never sees a request header (the bearer token, the ID token);
// a non-proxied one gets a plain agent of its own, so neither gaxios's own
// env-proxy rules nor a global agent (Node 24's NODE_USE_ENV_PROXY) apply.
import * as http from "node:http";
import * as https from "node:https";
import { checkProxyUrl, ProxyFailure, proxyFor, proxyOrigin, proxyStatusReason, recordProxyFailure } from "./proxy.js";

type Env = Readonly<Record<string, string | undefined>>;

const tunnels = new Map<string, Promise<http.Agent>>();
// Kept alive as Node's global agents are (Google's calls reuse one TLS connection); idle sockets are unref'd.
const KEEP_ALIVE = { keepAlive: true, timeout: 5_000 } as const;
const direct = { http: new http.Agent(KEEP_ALIVE), https: new https.Agent(KEEP_ALIVE) };

/** The agent for `url`: a CONNECT tunnel through its proxy, else a direct one. */
export async function agentFor(url: string | URL, env: Env = process.env): Promise<http.Agent> {
  const proxy = proxyFor(url, env);
  if (proxy !== undefined) return tunnelAgent(proxy, url);
  return /^(https|wss):$/.test(new URL(url).protocol) ? direct.https : direct.http;
}

/** One tunnelling agent per proxy URL (https-proxy-agent, loaded only when a proxy applies); a ProxyFailure for `target` when the URL is unusable. */
export async function tunnelAgent(proxy: string, target: string | URL): Promise<http.Agent> {
  checkProxyUrl(proxy, target);
  let agent = tunnels.get(proxy);
  if (!agent) {
    agent = makeTunnelAgent(proxy);
    tunnels.set(proxy, agent);
  }
  return agent;
}

async function makeTunnelAgent(proxy: string): Promise<http.Agent> {
  const { HttpsProxyAgent } = await import("https-proxy-agent");
  const shownProxy = proxyOrigin(proxy);
  type ConnectOptions = Parameters<InstanceType<typeof HttpsProxyAgent>["connect"]>[1];
  class Tunnel extends HttpsProxyAgent<string> {
    override async connect(request: http.ClientRequest, options: ConnectOptions) {
      const host = options.host?.includes(":") ? `[${options.host}]` : (options.host ?? "");
      const target = `${options.secureEndpoint ? "https" : "http"}://${host}:${options.port}`;
      const fail = (reason: string) => {
        const failure = new ProxyFailure(target, shownProxy, reason);
        recordProxyFailure(failure, `${host}:${options.port}`);
        return failure;
      };
      let refused: number | undefined;
      // https-proxy-agent would replay a non-200 CONNECT answer as if the target had sent it
      // (a 403 from the proxy would read as Google's): make it the proxy's failure instead.
      request.once("proxyConnect", (answer: { statusCode: number }) => {
        if (answer.statusCode !== 200) refused = answer.statusCode;
      });
      let socket: Awaited<ReturnType<InstanceType<typeof HttpsProxyAgent>["connect"]>>;
      try {
        socket = await super.connect(request, options);
      } catch (error) {
        throw fail(connectReason(error));
      }
      if (refused !== undefined) {
        socket.destroy();
        throw fail(proxyStatusReason(refused));
      }
      return socket;
    }
  }
  return new Tunnel(proxy, KEEP_ALIVE);
}

function connectReason(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (code === "ECONNREFUSED") return "connection refused (ECONNREFUSED)";
  if (code === "ECONNRESET") return "connection reset (ECONNRESET)";
  return typeof code === "string" && /^[A-Z0-9_]{2,40}$/.test(code) ? `network error (${code})` : "the proxy connection failed";
}
