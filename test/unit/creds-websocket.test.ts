// A handshake ws refuses to build (a header name or subprotocol that is not an HTTP
// token) is an outcome, not a throw: thrown, it ended the whole run. Nothing is sent,
// its reason quotes neither the token nor the URL, and the finding is an error (the
// revision was not asked anything), not a failure.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeAuthorized, describeUnauthorized } from "../../src/probes/outcomes.js";
import { handshake, websocketUrl } from "../../src/probes/websocket.js";

const TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjcmVkcyJ9.Y3JlZHMtY2FuYXJ5LXNpZ25hdHVyZS0wMTIzNDU2";

describe("a handshake ws cannot build", () => {
  let server: Server;
  let url: string;
  let upgrades = 0;
  beforeAll(async () => {
    server = createServer((_, res) => res.writeHead(404).end());
    server.on("upgrade", (_, socket) => {
      upgrades++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it.each([
    ["header", "X Token"],
    ["header", "X-Tokén"],
    ["subprotocol", "bear er"],
  ] as const)("token_in: %s, token_name %j: an error outcome, nothing sent", async (token_in, token_name) => {
    const outcome = await handshake(websocketUrl(url, "/ws")!, { token_in, token_name }, TOKEN, {
      signal: new AbortController().signal,
    });

    expect(outcome).toMatchObject({ kind: "network", failure: { class: "request" } });
    expect(JSON.stringify(outcome)).not.toContain(TOKEN.split(".")[2]);
    expect(JSON.stringify(outcome)).not.toContain("127.0.0.1");
    expect(upgrades).toBe(0);
    const [authorized] = describeAuthorized("/ws", outcome, undefined);
    expect(authorized).toMatchObject({ id: "ws.request_invalid", status: "error" });
    expect(describeUnauthorized("/ws", outcome, "without a token", "ws.open_without_token").status).toBe("skip");
  });

  it("a #fragment is not part of the socket's URL", () => {
    expect(websocketUrl(url, "/ws?room=1#chat")?.href).toBe(`${url.replace("http:", "ws:")}/ws?room=1`);
  });
});
