// credential_source.file read by the gate (src/gcp/auth/clients.ts): the same subject token
// google-auth-library's own reader gave (the text, or one JSON field), from a bounded read.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AuthError } from "../../src/errors.js";
import { type AuthSettings, authenticate } from "../../src/gcp/auth/index.js";
import { type GoogleAuthEmulator, startGoogleAuthEmulator } from "../emulators/google-auth.js";

const PROVIDER = "projects/123456789/locations/global/workloadIdentityPools/github/providers/my-repo";
const SA = "deploy-gate@my-project.iam.gserviceaccount.com";

let emulator: GoogleAuthEmulator;
let dir: string;

beforeAll(async () => {
  emulator = await startGoogleAuthEmulator();
  dir = await mkdtemp(join(tmpdir(), "gate-bounds-credentials-"));
});
afterAll(async () => {
  await emulator.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  emulator.state.providers = new Set([PROVIDER]);
  emulator.state.serviceAccounts.set(SA, { publicKey: undefined });
  emulator.state.githubRequestToken = "gh-request-token";
});

/** An OIDC token the emulator's STS accepts, as an identity provider would leave it in a file. */
async function oidcToken(): Promise<string> {
  const url = new URL(`${emulator.url}/oidc/token?api-version=2.0`);
  url.searchParams.set("audience", `https://iam.googleapis.com/${PROVIDER}`);
  const response = await fetch(url, { headers: { authorization: `Bearer ${emulator.state.githubRequestToken}` } });
  return ((await response.json()) as { value: string }).value;
}

async function withTokenFile(content: string, format?: Record<string, string>): Promise<AuthSettings> {
  const file = join(dir, `token-${Math.random().toString(36).slice(2)}`);
  await writeFile(file, content);
  return {
    accessToken: undefined,
    credentialsJson: JSON.stringify({
      type: "external_account",
      audience: `//iam.googleapis.com/${PROVIDER}`,
      subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
      token_url: `${emulator.url}/v1/token`,
      service_account_impersonation_url: `${emulator.url}/v1/projects/-/serviceAccounts/${SA}:generateAccessToken`,
      credential_source: { file, ...(format ? { format } : {}) },
    }),
    workloadIdentityProvider: undefined,
    serviceAccount: undefined,
    endpoints: { sts: emulator.url, iamCredentials: emulator.url, oauth: emulator.url },
    env: {},
    requestTimeoutMs: 2_000,
  };
}

const signal = () => new AbortController().signal;

describe("credential_source.file", () => {
  it("a text token file authenticates, as before", async () => {
    const credentials = await authenticate(await withTokenFile(await oidcToken()), signal());
    expect(credentials.principal).toBe(SA);
    expect((await credentials.client.getAccessToken()).token).toBeTruthy();
  });

  it("a JSON token file authenticates through its subject_token_field_name", async () => {
    const settings = await withTokenFile(JSON.stringify({ value: await oidcToken() }), {
      type: "json",
      subject_token_field_name: "value",
    });
    expect((await authenticate(settings, signal())).principal).toBe(SA);
  });

  it("a JSON file without the field, or not JSON, is an auth error that never quotes the file", async () => {
    const missing = authenticate(await withTokenFile('{"other":"x"}', { type: "json", subject_token_field_name: "value" }), signal());
    await expect(missing).rejects.toThrow(AuthError);
    await expect(missing).rejects.toThrow(/holds no subject token in value/);
    const secret = "not-json-but-a-secret-0123456789";
    const broken = authenticate(await withTokenFile(secret, { type: "json", subject_token_field_name: "value" }), signal());
    await expect(broken).rejects.toThrow(/is not JSON \(its format says json\)/);
    await broken.catch((error: Error) => expect(error.message).not.toContain(secret));
  });

  it("an empty file holds no token", async () => {
    await expect(authenticate(await withTokenFile(""), signal())).rejects.toThrow(/holds no subject token/);
  });
});
