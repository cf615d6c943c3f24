// wss:// probes resume TLS sessions: a verify: round opens five sockets to the
// service (the valid token, without one, forged, expired, alg none), every
// round again, and a full TLS handshake each time verifies the certificate
// chain again. Through dist/index.js, behind a real TLS front on 127.0.0.1
// (a certificate from a throwaway CA, trusted via NODE_EXTRA_CA_CERTS) that
// records whether each connection resumed a session.
import { connect, type Socket } from "node:net";
import { createServer, type Server } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTestCa, type TestCa } from "../emulators/backend.js";
import { deploy } from "../emulators/scenario.js";
import { incident1 } from "../incidents/incident-1.js";
import { checksOf, runAction } from "./harness.js";
import { startIncident, type World } from "./world.js";

describe("wss:// probes and TLS sessions", () => {
  let world: World;
  let ca: TestCa;
  let front: Server;
  const resumed: boolean[] = [];

  beforeAll(async () => {
    ({ world } = await startIncident(incident1));
    ca = makeTestCa();
    const backend = new URL(world.backends.get("backend-staging")!.url);
    front = createServer({ key: ca.key, cert: ca.cert }, (clear) => {
      resumed.push(clear.isSessionReused());
      const upstream: Socket = connect(Number(backend.port), backend.hostname);
      for (const socket of [clear, upstream]) socket.on("error", () => undefined);
      clear.pipe(upstream).pipe(clear);
    });
    await new Promise<void>((done) => front.listen(0, "127.0.0.1", done));
    const port = (front.address() as { port: number }).port;
    deploy(world.scenario, "backend-staging", {
      url: `https://127.0.0.1:${port}`,
      env: { ENVIRONMENT: "staging" },
      secrets: { JWT_SECRET_STAGING: "jwt-secret-staging:latest" },
    });
  });
  afterAll(async () => {
    await new Promise((done) => front.close(done));
    await world.close();
  });

  it("every round's handshakes resume the session the first ones made, and still verify the certificate", async () => {
    const manifest = await world.writeManifest(
      `${incident1.manifest}    verify: { duration: 2s, interval: 1s, consecutive_successes: 2 }\n`,
    );
    const run = await runAction(world.inputs(manifest), { NODE_EXTRA_CA_CERTS: ca.caFile });
    expect(run.outputs.result).toBe("pass");
    const rounds = checksOf(run.outputs).find((check) => check.id === "verify.passed")?.rounds;
    expect(rounds?.map((round) => round.websocket)).toEqual(["ws.connected", "ws.connected", "ws.connected"]);
    // First probes and three rounds: at least 4 × 5 sockets, plus /health's (kept alive). Only the first
    // concurrent ones (and /health's first) had no session to resume.
    expect(resumed.length).toBeGreaterThanOrEqual(20);
    expect(resumed.filter((reused) => !reused).length).toBeLessThanOrEqual(5);

    // Resuming is no way around verification: without the CA the same probes fail on the certificate.
    resumed.length = 0;
    const untrusted = await runAction(world.inputs(manifest));
    expect(untrusted.outputs.result).toBe("fail");
    expect(checksOf(untrusted.outputs).some((check) => check.id === "ws.network_error" || /certificate|TLS/i.test(check.message))).toBe(
      true,
    );
  });
});
