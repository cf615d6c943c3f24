// The staging chat backend, for real: it serves /health and a /ws WebSocket
// that verifies HS256 JWTs with jose. Like the deployed app, it reads its
// configuration from the revision Cloud Run serves (the Scenario), so breaking
// the deploy in the scenario breaks this backend the way it broke in staging.
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { jwtVerify } from "jose";
import { WebSocketServer } from "ws";
import type { Scenario } from "./scenario.js";

export interface BackendBehaviour {
  /** Env var the backend reads its JWT secret from. */
  jwtSecretEnv: string;
  /** Env vars the backend needs while accepting a socket (incident 2: SERVICE_SECRET → auth call fails → 1006). */
  needsOnConnect: string[];
  /** Claims the backend requires (incident 4), e.g. { aud: "chat-backend" }. */
  requiredClaims: Record<string, string>;
  /** Accept every handshake without checking (an open endpoint). */
  open: boolean;
  /** Health JSON to serve. */
  health: Record<string, unknown>;
  /** Answer 503 to this many /health calls first (a warming revision). */
  healthFailures: number;
}

export interface Backend {
  url: string;
  behaviour: BackendBehaviour;
  healthCalls: number;
  close(): Promise<void>;
}

export async function startBackend(scenario: Scenario, serviceName: string, behaviour: Partial<BackendBehaviour> = {}): Promise<Backend> {
  const state: Backend = {
    url: "",
    healthCalls: 0,
    behaviour: {
      jwtSecretEnv: "JWT_SECRET_STAGING",
      needsOnConnect: [],
      requiredClaims: {},
      open: false,
      health: { status: "healthy", database_status: "connected" },
      healthFailures: 0,
      ...behaviour,
    },
    close: async () => undefined,
  };
  const env = () => servingEnv(scenario, serviceName);
  const server = createServer((req, res) => {
    if (req.url === "/health") {
      state.healthCalls += 1;
      if (state.healthCalls <= state.behaviour.healthFailures) return void res.writeHead(503, { "retry-after": "0" }).end("warming up");
      return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(state.behaviour.health));
    }
    res.writeHead(404).end("not found");
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on("upgrade", async (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const refuse = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n${text}`);
    };
    if (!req.url?.startsWith("/ws")) return refuse(404, "Not Found");
    const config = env();
    if (!state.behaviour.open) {
      const secret = config.get(state.behaviour.jwtSecretEnv);
      const token = bearer(req);
      if (!secret || !token) return refuse(403, "Forbidden");
      try {
        const { payload } = await jwtVerify(token, new TextEncoder().encode(secret), { algorithms: ["HS256", "HS384", "HS512"] });
        for (const [claim, value] of Object.entries(state.behaviour.requiredClaims)) {
          const actual = payload[claim];
          if (actual !== value && !(Array.isArray(actual) && actual.includes(value))) return refuse(403, "Forbidden");
        }
      } catch {
        return refuse(403, "Forbidden");
      }
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      // Accepting needs a call to the auth service; without its config the backend dies mid-connection.
      if (state.behaviour.needsOnConnect.some((name) => !config.has(name))) return void ws.terminate();
      ws.on("message", (data) => ws.send(data));
    });
  });
  const sockets = new Set<Socket>();
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      for (const client of wss.clients) client.terminate();
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  return state;
}

function bearer(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (header?.startsWith("Bearer ")) return header.slice(7);
  const query = new URL(req.url ?? "/", "http://x").searchParams.get("token");
  if (query) return query;
  const protocols = (req.headers["sec-websocket-protocol"] ?? "").split(",").map((part) => part.trim());
  return protocols.length === 2 && protocols[0] === "bearer" ? protocols[1] : undefined;
}

/** The env the serving revision runs with, secret refs resolved as Cloud Run would at start-up. */
export function servingEnv(scenario: Scenario, serviceName: string): Map<string, string> {
  const entry = scenario.services.get(serviceName);
  const revisionName = entry?.service.latestReadyRevision;
  const revision = revisionName ? entry?.revisions.get(revisionName.slice(revisionName.lastIndexOf("/") + 1)) : undefined;
  const env = new Map<string, string>();
  for (const variable of revision?.containers?.[0]?.env ?? []) {
    if (!variable.name) continue;
    const ref = variable.valueSource?.secretKeyRef;
    if (!ref?.secret) {
      env.set(variable.name, variable.value ?? "");
      continue;
    }
    const versions = scenario.secrets.get(`${scenario.project}/${ref.secret}`);
    const version = ref.version === "latest" || !ref.version ? versions?.at(-1) : versions?.[Number(ref.version) - 1];
    if (version?.state === "ENABLED") env.set(variable.name, version.data);
  }
  return env;
}
