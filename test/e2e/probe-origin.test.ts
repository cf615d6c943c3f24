// The probes' credentials (the Google ID token, the minted JWT) go to the URL
// actually probed and nowhere else: the ID token names that URL, a redirect is
// reported instead of followed, and a manifest path cannot point off-host.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Backend, startBackend } from "../emulators/backend.js";
import type { GoogleAuthEmulator } from "../emulators/google-auth.js";
import { type EmulatorServer, serveJson } from "../emulators/http.js";
import { incident1 } from "../incidents/incident-1.js";
import { checksOf, reportOf, runAction } from "./harness.js";
import { startWif, type Wif } from "./wif.js";
import { startIncident, type World } from "./world.js";

describe("probe credentials stay on the probed origin", () => {
  let world: World;
  let manifest: string;
  let google: GoogleAuthEmulator;
  let federation: Wif;
  /** The service's own URL (config.url): a private backend. */
  let serviceBackend: Backend;
  /** What the `url` input points at instead: another private copy, on another port. */
  let probed: Backend;
  /** Another origin that records whatever reaches it. */
  let elsewhere: EmulatorServer;
  /** Answers every request and upgrade with a redirect to `elsewhere`. */
  let redirector: Server;
  let redirectorUrl: string;

  beforeAll(async () => {
    ({ world, manifest } = await startIncident(incident1));
    incident1.fixed(world);
    serviceBackend = world.backends.get("backend-staging")!;
    serviceBackend.behaviour.private = true;
    probed = await startBackend(world.scenario, "backend-staging", { private: true });
    federation = await startWif(world, { keepWorldTokens: true });
    ({ google } = federation);
    elsewhere = await serveJson(() => ({ status: 200, body: { status: "healthy", database_status: "connected" } }));
    redirector = createServer((req, res) => res.writeHead(302, { location: `${elsewhere.url}${req.url ?? "/"}` }).end());
    redirector.on("upgrade", (req, socket) =>
      socket.end(`HTTP/1.1 302 Found\r\nLocation: ${elsewhere.url}${req.url ?? "/"}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`),
    );
    await new Promise<void>((resolve) => redirector.listen(0, "127.0.0.1", resolve));
    redirectorUrl = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    redirector.closeAllConnections();
    await new Promise((resolve) => redirector.close(resolve));
    await Promise.all([google.close(), elsewhere.close(), probed.close(), world.close()]);
  });
  beforeEach(() => {
    elsewhere.requests.length = 0;
    serviceBackend.serverlessAuthorizations.length = 0;
    probed.serverlessAuthorizations.length = 0;
  });

  const wif = (extra: Record<string, string> = {}) => world.inputs(manifest, { ...federation.inputs(), id_token: "true", ...extra });
  const audiences = (backend: Backend) =>
    backend.serverlessAuthorizations.map((header) => google.decodeJwt(header.replace(/^Bearer /, "")).aud);

  it("with the url input, the ID token names the probed URL and goes only there", async () => {
    const run = await runAction(wif({ url: probed.url }), federation.oidcEnv());

    expect(run.outputs.failed_checks).toBe("");
    expect(run.outputs.result).toBe("pass");
    expect(audiences(probed).length).toBeGreaterThan(0);
    expect(new Set(audiences(probed))).toEqual(new Set([probed.url]));
    // The service's own URL was not probed, so its token (with its audience) was never minted or sent.
    expect(serviceBackend.serverlessAuthorizations).toEqual([]);
    const minted = google.requests.filter((request) => request.endpoint === "iam.generateIdToken").map((request) => request.body.audience);
    expect(minted).toEqual([probed.url]);
  });

  it("id_token_audience still sets the audience, and the token goes only to the probed URL", async () => {
    const run = await runAction(wif({ url: probed.url, id_token_audience: "https://backend-staging.example.com" }), federation.oidcEnv());

    expect(run.outputs.result).toBe("pass");
    expect(new Set(audiences(probed))).toEqual(new Set(["https://backend-staging.example.com"]));
    expect(serviceBackend.serverlessAuthorizations).toEqual([]);
  });

  it("a probe answered with a redirect is reported, and neither the ID token nor the JWT follows it", async () => {
    const run = await runAction(wif({ url: redirectorUrl }), federation.oidcEnv());

    for (const request of elsewhere.requests) {
      expect(request.headers["x-serverless-authorization"]).toBeUndefined();
      expect(request.headers.authorization).toBeUndefined();
      expect(`${request.path} ${JSON.stringify(request.headers)}`).not.toContain("eyJ");
    }
    expect(elsewhere.requests).toEqual([]);
    expect(run.outputs.result).toBe("fail");
    const health = checksOf(run.outputs).find((check) => check.id === "health.status");
    expect(health?.status).toBe("fail");
    expect(health?.message).toMatch(/redirect.*127\.0\.0\.1:\d+/i);
    expect(health?.message).toContain("not followed");
    const ws = checksOf(run.outputs).find((check) => check.id === "ws.rejected");
    expect(ws?.message).toMatch(/redirect/i);
  });

  it.each([
    ["health", "//127.0.0.1:1/steal"],
    ["health", "/\\\\127.0.0.1:1/steal"],
    ["websocket", "//evil.example/ws"],
  ])("refuses a manifest whose %s.path %s leaves the service, with its line", async (probe, path) => {
    const file = await world.writeManifest(`region: us-central1
services:
  backend-staging:
    ${probe}:
      path: "${path}"
`);
    const run = await runAction(world.inputs(file));

    expect(run.outputs.result).toBe("error");
    const message = reportOf(run.outputs).checks?.[0]?.message ?? "";
    expect(message).toContain(`${file}:5`);
    expect(message).toContain(`${probe}.path`);
    expect(message).toMatch(/path on the service/);
    expect(serviceBackend.serverlessAuthorizations).toEqual([]);
  });
});
