// Every way users already authenticate, through dist/index.js as the runner
// runs it: Workload Identity Federation from the GitHub OIDC token, ADC left
// by google-github-actions/auth, a key in credentials_json. Each gets the
// cloud-platform scope, and no key or token reaches any output.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GoogleAuthEmulator } from "../emulators/google-auth.js";
import { incident1 } from "../incidents/incident-1.js";
import { runAction } from "./harness.js";
import { startWif, WIF_PROVIDER, WIF_SERVICE_ACCOUNT, type Wif } from "./wif.js";
import { startIncident, type World } from "./world.js";

const CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform";

describe("authentication modes end to end", () => {
  let world: World;
  let manifest: string;
  let google: GoogleAuthEmulator;
  let wif: Wif;

  beforeAll(async () => {
    ({ world, manifest } = await startIncident(incident1));
    incident1.fixed(world);
    wif = await startWif(world, { tokenPrefix: "canary-issued" });
    ({ google } = wif);
  });
  afterAll(async () => {
    await google.close();
    await world.close();
  });

  const wifInputs = () => ({ ...wif.inputs(), oauth_endpoint: google.url });
  const noLeak = (text: string) => {
    for (const token of google.state.accessTokens.keys()) expect(text).not.toContain(token);
    expect(text).not.toContain("PRIVATE KEY");
    expect(text).not.toContain(google.state.githubRequestToken);
  };

  it("workload_identity_provider + service_account: OIDC token → STS → impersonation, cloud-platform scope", async () => {
    google.requests.length = 0;
    const run = await runAction(world.inputs(manifest, wifInputs()), wif.oidcEnv());

    expect(run.outputs.failed_checks).toBe("");
    expect(run.outputs.result).toBe("pass");
    const impersonation = google.requests.find((request) => request.path.includes(":generateAccessToken"));
    expect(impersonation?.body.scope).toEqual([CLOUD_PLATFORM]);
    noLeak(run.everything);
  });

  it("Application Default Credentials: a service account key file in GOOGLE_APPLICATION_CREDENTIALS", async () => {
    const key = google.createServiceAccountKey("runner@chat-staging.iam.gserviceaccount.com", "chat-staging");
    const file = join(world.dir, "adc.json");
    await writeFile(file, JSON.stringify(key));
    google.requests.length = 0;

    const run = await runAction(world.inputs(manifest, { access_token: "", project_id: "", oauth_endpoint: google.url }), {
      GOOGLE_APPLICATION_CREDENTIALS: file,
    });

    expect(run.outputs.result).toBe("pass");
    const grant = google.requests.find((request) => request.endpoint === "oauth")?.body;
    expect(google.decodeJwt(String(grant?.assertion)).scope).toBe(CLOUD_PLATFORM);
    noLeak(run.everything);
  });

  it("credentials_json: the key is masked and never printed", async () => {
    const key = google.createServiceAccountKey("ci@chat-staging.iam.gserviceaccount.com", "chat-staging");

    const run = await runAction(
      world.inputs(manifest, { access_token: "", credentials_json: JSON.stringify(key), oauth_endpoint: google.url }),
    );

    expect(run.outputs.result).toBe("pass");
    expect(run.masked.some((value) => value.includes("PRIVATE KEY") || value.includes(key.private_key_id))).toBe(true);
    noLeak(run.everything);
  });

  it("id_token: a private service gets a Google ID token for its URL in X-Serverless-Authorization", async () => {
    const backend = world.backends.get("backend-staging")!;
    backend.behaviour.private = true;
    try {
      const inputs = wifInputs();
      const without = await runAction(world.inputs(manifest, inputs), wif.oidcEnv());
      expect(without.outputs.result).toBe("fail"); // Cloud Run IAM refuses every probe without it

      backend.serverlessAuthorizations.length = 0;
      const run = await runAction(world.inputs(manifest, { ...inputs, id_token: "true" }), wif.oidcEnv());

      expect(run.outputs.failed_checks).toBe("");
      expect(run.outputs.result).toBe("pass");
      const [header] = backend.serverlessAuthorizations;
      expect(google.decodeJwt(header!.replace(/^Bearer /, ""))).toMatchObject({ aud: backend.url, email: WIF_SERVICE_ACCOUNT });
      // One token per audience per run, shared by /health and every WebSocket probe.
      expect(google.requests.filter((request) => request.endpoint === "iam.generateIdToken").length).toBe(1);
      expect(run.everything).not.toContain(header!.replace(/^Bearer /, ""));
    } finally {
      backend.behaviour.private = false;
    }
  });

  it("without `id-token: write` the gate errors and says which permission to add", async () => {
    const run = await runAction(world.inputs(manifest, wifInputs()));

    expect(run.outputs.result).toBe("error");
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain("id-token: write");
  });

  it("refuses a credentials file that sends the token exchange to a foreign host", async () => {
    const file = join(world.dir, "evil.json");
    await writeFile(
      file,
      JSON.stringify({
        type: "external_account",
        audience: `//iam.googleapis.com/${WIF_PROVIDER}`,
        subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
        token_url: "https://evil.example/v1/token",
        credential_source: {
          url: `${google.url}/oidc/token`,
          headers: { Authorization: "Bearer x" },
          format: { type: "json", subject_token_field_name: "value" },
        },
      }),
    );
    const run = await runAction(world.inputs(manifest, { access_token: "" }), { GOOGLE_APPLICATION_CREDENTIALS: file, ...wif.oidcEnv() });

    expect(run.outputs.result).toBe("error");
    expect(run.stdout).toContain("evil.example, not a Google host");
  });
});
