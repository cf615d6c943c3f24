// Workload Identity Federation as a workflow sets it up: the GitHub OIDC
// endpoint, STS and IAM Credentials, all served by one Google auth emulator
// that knows the provider and the service account, and a world whose Google
// APIs accept the access tokens that emulator issues. Shared by the suites
// that authenticate the way most users do.
import { type GoogleAuthEmulator, startGoogleAuthEmulator } from "../emulators/google-auth.js";
import type { World } from "./world.js";

export const WIF_PROVIDER = "projects/123456789012/locations/global/workloadIdentityPools/github/providers/chat-repo";
export const WIF_SERVICE_ACCOUNT = "deploy-gate@chat-staging.iam.gserviceaccount.com";

export interface Wif {
  google: GoogleAuthEmulator;
  /** The action inputs for WIF (no access_token), with the token endpoints on the emulator. */
  inputs(): Record<string, string>;
  /** What the runner sets for a job with `id-token: write`. */
  oidcEnv(): Record<string, string>;
}

export interface WifOptions {
  /** Starts every access token the emulator issues, to tell them apart in output. */
  tokenPrefix?: string;
  /** The runner's ACTIONS_ID_TOKEN_REQUEST_TOKEN. */
  requestToken?: string;
  /** The world's APIs still accept its own static tokens too (for the tests that mix both). */
  keepWorldTokens?: boolean;
}

export async function startWif(world: World, options: WifOptions = {}): Promise<Wif> {
  const google = await startGoogleAuthEmulator();
  google.state.providers.add(WIF_PROVIDER);
  google.state.serviceAccounts.set(WIF_SERVICE_ACCOUNT, { publicKey: undefined });
  if (options.tokenPrefix !== undefined) google.state.tokenPrefix = options.tokenPrefix;
  if (options.requestToken !== undefined) google.state.githubRequestToken = options.requestToken;
  world.scenario.acceptsToken = (token) =>
    (options.keepWorldTokens === true && world.scenario.accessTokens.has(token)) || google.state.accessTokens.has(token);
  return {
    google,
    inputs: () => ({
      access_token: "",
      workload_identity_provider: WIF_PROVIDER,
      service_account: WIF_SERVICE_ACCOUNT,
      sts_endpoint: google.url,
      iam_credentials_endpoint: google.url,
    }),
    oidcEnv: () => ({
      ACTIONS_ID_TOKEN_REQUEST_URL: `${google.url}/oidc/token?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: google.state.githubRequestToken,
      GITHUB_REPOSITORY: "octo/chat",
    }),
  };
}
