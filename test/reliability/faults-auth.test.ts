// Authentication failing at each step (GitHub OIDC, STS, IAM Credentials, the
// OAuth token endpoint), through dist/index.js: each is `error` with the step
// and the fix named, within the timeout, and no token, key or assertion leaks,
// even when the server echoes the request back.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startWif, WIF_PROVIDER, WIF_SERVICE_ACCOUNT, type Wif } from "../e2e/wif.js";
import { startWorld, type World } from "../e2e/world.js";
import type { GoogleAuthEmulator } from "../emulators/google-auth.js";
import { addSecret, deploy } from "../emulators/scenario.js";
import { CANARY, expectCleanError, expectNoLeak, gate } from "./support.js";

const REQUEST_TOKEN = "gh-oidc-request-canary-0f1e2d3c4b5a69788796a5b4c3d2e1f0";
const TIMEOUT_S = 4;

describe("authentication faults", () => {
  let world: World;
  let google: GoogleAuthEmulator;
  let federation: Wif;
  let manifest: string;

  beforeAll(async () => {
    world = await startWorld();
    addSecret(world.scenario, "jwt-secret-staging", CANARY.secret);
    deploy(world.scenario, "backend-staging", { secrets: { JWT_SECRET_STAGING: "jwt-secret-staging:latest" } });
    manifest = await world.writeManifest(
      "region: us-central1\nservices:\n  backend-staging:\n    secrets:\n      JWT_SECRET_STAGING: { min_bytes: 32 }\n",
    );
    federation = await startWif(world, { tokenPrefix: "canary-issued-token", requestToken: REQUEST_TOKEN });
    ({ google } = federation);
  });
  afterEach(() => {
    google.state.faults = {};
    google.state.denyImpersonation = false;
    world.scenario.acceptsToken = (token) => google.state.accessTokens.has(token);
  });
  afterAll(async () => {
    await google.close();
    await world.close();
  });

  const issued = () => [...google.state.accessTokens.keys()];
  const wif = async (extra: Record<string, string> = {}, env: Record<string, string> = {}) => {
    const result = await gate(world.inputs(manifest, { ...federation.inputs(), timeout: String(TIMEOUT_S), ...extra }), {
      ...federation.oidcEnv(),
      ...env,
    });
    expect(result.ms).toBeLessThan(TIMEOUT_S * 1000 + 4_000);
    expectNoLeak(result, [REQUEST_TOKEN, ...issued(), "canary-issued-token"]);
    return result;
  };

  it("baseline: OIDC → STS → impersonation passes", async () => {
    expect((await wif()).outputs.result).toBe("pass");
  });

  it("GitHub's OIDC endpoint refuses the request token: names id-token: write", async () => {
    const result = await wif({}, { ACTIONS_ID_TOKEN_REQUEST_TOKEN: "expired-request-token" });
    expectCleanError(result, "GitHub refused to issue an OIDC token", "id-token: write");
  });

  it("GitHub's OIDC endpoint fails with 500: error, retry hint", async () => {
    google.state.faults.oidc = { kind: "status", status: 500 };
    expectCleanError(await wif(), "GitHub OIDC token", "HTTP 500");
  });

  it("STS fails with 500, echoing the subject token: error, nothing echoed", async () => {
    google.state.faults.sts = { kind: "status", status: 500, echo: true };
    expectCleanError(await wif(), "STS token exchange", "HTTP 500");
  });

  it("STS does not know the provider: names workload_identity_provider and the project number", async () => {
    const other = WIF_PROVIDER.replace("chat-repo", "typo-repo");
    expectCleanError(await wif({ workload_identity_provider: other }), "STS does not know workload identity provider", "project number");
  });

  it("STS hangs: error at the deadline", async () => {
    google.state.faults.sts = { kind: "hang" };
    expectCleanError(await wif(), /deadline|did not finish within timeout/);
  });

  it("impersonation denied: names the role to grant and to whom", async () => {
    google.state.denyImpersonation = true;
    expectCleanError(await wif(), `not allowed to impersonate ${WIF_SERVICE_ACCOUNT}`, "roles/iam.workloadIdentityUser", "octo/chat");
  });

  it("impersonating a service account that does not exist: says so", async () => {
    const ghost = "ghost@chat-staging.iam.gserviceaccount.com";
    expectCleanError(await wif({ service_account: ghost }), `service account ${ghost} was not found`);
  });

  it("impersonation answers 500 echoing the federated token: error, nothing echoed", async () => {
    google.state.faults["iam.generateAccessToken"] = { kind: "status", status: 500, echo: true };
    expectCleanError(await wif(), "IAM Credentials", "HTTP 500");
  });

  it("a service account key whose token call fails echoing the signed assertion: no key, no assertion", async () => {
    const key = google.createServiceAccountKey("ci@chat-staging.iam.gserviceaccount.com", "chat-staging");
    google.state.faults.oauth = { kind: "status", status: 400, error: "invalid_grant", echo: true };
    const result = await gate(
      world.inputs(manifest, { access_token: "", credentials_json: JSON.stringify(key), oauth_endpoint: google.url, timeout: "4" }),
    );
    expectCleanError(result, "OAuth token endpoint rejected the service account key", "create a new key");
    const keyLines = key.private_key.split("\n").filter((line) => line.length > 20 && !line.startsWith("-----"));
    expectNoLeak(result, [...keyLines, key.private_key_id]);
  });

  it("Cloud Run rejects the token Google issued: permission error, token not shown", async () => {
    world.scenario.acceptsToken = () => false;
    expectCleanError(await wif(), "permission denied (HTTP 401");
  });
});
