// The WebSocket probe and what the manifest says about where its token goes: a
// place ws cannot build (a header name or a subprotocol with a space) is refused
// with its line when the manifest is read, a #fragment is dropped as it is for
// /health, and an Origin goes out as a browser serializes it. Before, each of
// them threw inside ws and ended the whole run as "unexpected SyntaxError"
// (or TypeError): no service reported, no line, nothing to act on.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Backend } from "../emulators/backend.js";
import { addSecret, deploy } from "../emulators/scenario.js";
import { checksOf, reportOf, runAction } from "./harness.js";
import { startWorld, type World } from "./world.js";

const SECRET = "canary-creds-probes-3e5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a";

describe("WebSocket probe settings ws cannot send as written", () => {
  let world: World;
  let backend: Backend;

  beforeAll(async () => {
    world = await startWorld({ "ws-backend": {} });
    backend = world.backends.get("ws-backend")!;
    addSecret(world.scenario, "jwt-secret-staging", SECRET);
    deploy(world.scenario, "ws-backend", { url: backend.url, secrets: { JWT_SECRET_STAGING: "jwt-secret-staging:latest" } });
  });
  afterAll(() => world.close());
  beforeEach(() => {
    backend.behaviour.allowedOrigins = undefined;
    backend.origins.length = 0;
  });

  const manifest = (websocket: string) => `region: us-central1
services:
  ws-backend:
    jwt: { secret_env: JWT_SECRET_STAGING, claims: { sub: deploy-gate } }
    websocket: ${websocket}
`;

  it.each([
    ["a subprotocol prefix with a space", "{ path: /ws, token_in: subprotocol, token_name: 'bear er' }"],
    ["a header name with a space", "{ path: /ws, token_in: header, token_name: 'X Token' }"],
  ])("%s: a manifest error naming token_name and its line", async (_, websocket) => {
    const file = await world.writeManifest(manifest(websocket));
    const run = await runAction(world.inputs(file));

    expect(run.everything).not.toContain(SECRET);
    expect(run.outputs.result).toBe("error");
    const message = reportOf(run.outputs).checks?.[0]?.message ?? "";
    expect(message).toContain(`${file}:5`);
    expect(message).toContain("token_name");
    expect(message).toContain("HTTP token");
    expect(message).not.toMatch(/unexpected|SyntaxError|TypeError/);
  });

  it("a path with a #fragment: probed without it, as /health is", async () => {
    const run = await runAction(world.inputs(await world.writeManifest(manifest("{ path: '/ws#chat' }"))));

    expect(run.everything).not.toContain(SECRET);
    expect(checksOf(run.outputs).find((check) => check.id === "ws.connected")?.status).toBe("pass");
    expect(run.outputs.result).toBe("pass");
  });

  it("an allowed origin with a non-ASCII host goes out as a browser sends it (punycode)", async () => {
    backend.behaviour.allowedOrigins = ["https://xn--bcher-kva.example"];
    const run = await runAction(
      world.inputs(await world.writeManifest(manifest("{ path: /ws, allowed_origins: ['https://Bücher.example:443'] }"))),
    );

    expect(run.everything).not.toContain(SECRET);
    expect(checksOf(run.outputs).find((check) => check.id === "ws.connected")?.status).toBe("pass");
    expect(backend.origins).toContain("https://xn--bcher-kva.example");
    expect(checksOf(run.outputs).find((check) => check.id === "ws.accepted_foreign_origin.refused")?.status).toBe("pass");
  });
});
