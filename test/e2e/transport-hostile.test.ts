// Google's transport (src/gcp/transport.ts) against an answer only a lenient parser lets through:
// with NODE_OPTIONS=--insecure-http-parser (set for legacy backends) Node accepts a NUL in a header
// value, which fetch's Headers refuses. Thrown inside the answer's event handler, that ended the
// process with a stack trace; it is a failed call, reported as the gate's `error`.
import { createServer, type Server } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAction } from "./harness.js";
import { startWorld, type World } from "./world.js";

describe("a Cloud Run answer with a header fetch refuses", () => {
  let world: World;
  let raw: Server;
  let endpoint: string;

  beforeAll(async () => {
    world = await startWorld();
    raw = createServer((socket) => {
      socket.once("data", () => {
        const body = "{}";
        socket.end(
          Buffer.concat([
            Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nX-Odd: a`),
            Buffer.from([0]),
            Buffer.from(`b\r\n\r\n${body}`),
          ]),
        );
      });
    });
    await new Promise<void>((done) => raw.listen(0, "127.0.0.1", done));
    endpoint = `http://127.0.0.1:${(raw.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    raw.close();
    await world.close();
  });

  it("is an error naming the call, with no stack trace, under --insecure-http-parser", async () => {
    const manifest = await world.writeManifest("region: us-central1\nservices:\n  api:\n    env:\n      A: {}\n");
    const run = await runAction(world.inputs(manifest, { cloud_run_endpoint: endpoint }), { NODE_OPTIONS: "--insecure-http-parser" });
    expect(run.outputs.result).toBe("error");
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain("::error");
    expect(run.stdout).toMatch(/Cloud Run/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
