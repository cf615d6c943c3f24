// A proxy URL no client can use (the URL parser refuses it, or it is not an
// http(s) proxy) is the runner's configuration at fault: an `error` naming the
// proxy variables, never a part of the URL (it may hold a password). Before, the
// URL parser's TypeError escaped the WebSocket probe and ended the whole run as
// "unexpected TypeError ERR_INVALID_URL" (no service reported), and Google's calls
// blamed the endpoint ("retry; check the endpoint").
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addSecret, deploy } from "../emulators/scenario.js";
import { checksOf, reportOf, runAction } from "./harness.js";
import { startWorld, type World } from "./world.js";

const SECRET = "canary-creds-proxy-3e5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a";
const PASSWORD = "Pr0xyCanaryPassw0rd7f3e";
const PARTS = [PASSWORD, PASSWORD.slice(0, 8), PASSWORD.slice(8)];

const UNUSABLE: [string, string, RegExp][] = [
  ["a port past 65535", `http://gate:${PASSWORD}@127.0.0.1:99999`, /not a valid URL/],
  ["a '/' in the password", `http://gate:${PARTS[1]}/${PARTS[2]}@127.0.0.1:3128`, /not a valid URL/],
  ["a '#' in the password", `http://gate:${PARTS[1]}#${PARTS[2]}@127.0.0.1:3128`, /not a valid URL/],
  ["a SOCKS proxy", `socks5://gate:${PASSWORD}@127.0.0.1:1080`, /only http:\/\/ and https:\/\/ proxies/],
];

describe("an unusable proxy URL", () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld({ "ws-backend": {} });
    addSecret(world.scenario, "jwt-secret-staging", SECRET);
  });
  afterAll(() => world.close());

  async function run(proxy: string, env: Record<string, string>, serviceHost: "127.0.0.1" | "localhost") {
    deploy(world.scenario, "ws-backend", {
      url: world.backends.get("ws-backend")!.url.replace("127.0.0.1", serviceHost),
      secrets: { JWT_SECRET_STAGING: "jwt-secret-staging:latest" },
    });
    const file = await world.writeManifest(`region: us-central1
services:
  ws-backend:
    jwt: { secret_env: JWT_SECRET_STAGING, claims: { sub: deploy-gate } }
    health: {}
    websocket: { path: /ws }
`);
    const result = await runAction(world.inputs(file), { HTTPS_PROXY: proxy, HTTP_PROXY: proxy, ...env });
    expect(result.everything).not.toContain(SECRET);
    for (const part of PARTS) expect(result.everything).not.toContain(part);
    expect(result.everything).not.toMatch(/unexpected TypeError|ERR_INVALID_URL/);
    return result;
  }

  it.each(UNUSABLE)("%s, on the probes' path only: the probes are errors naming the proxy; the run reports", async (_, proxy, reason) => {
    const result = await run(proxy, { NO_PROXY: "127.0.0.1" }, "localhost");

    expect(result.outputs.result).toBe("error");
    const checks = checksOf(result.outputs);
    for (const id of ["health.proxy_error", "ws.proxy_error"]) {
      const check = checks.find((found) => found.id === id);
      expect(check?.status, id).toBe("error");
      expect(check?.message).toMatch(reason);
      expect(check?.message).toContain("HTTPS_PROXY");
    }
    // The config checks ran and are reported beside them.
    expect(checks.find((check) => check.id === "jwt.minted")?.status).toBe("pass");
  });

  it.each(UNUSABLE)("%s, on Google's path: an error naming the proxy, not the endpoint", async (_, proxy, reason) => {
    const result = await run(proxy, {}, "127.0.0.1");

    expect(result.outputs.result).toBe("error");
    const message = reportOf(result.outputs).checks?.[0]?.message ?? "";
    expect(message).toMatch(reason);
    expect(message).toContain("check HTTPS_PROXY");
    expect(message).not.toContain("check the endpoint");
  });
});
