// Authentication to Google Cloud. The rest of the gate only sees a
// google-auth-library AuthClient, so every mode (access token, key, ADC,
// Workload Identity Federation) plugs in here and nowhere else.
import { type AuthClient, OAuth2Client } from "google-auth-library";
import { GateError } from "../errors.js";

export const CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";

export interface AuthSettings {
  accessToken: string | undefined;
  credentialsJson: string | undefined;
  workloadIdentityProvider: string | undefined;
  serviceAccount: string | undefined;
  /** Endpoint overrides the workflow set; a credential file may use a non-Google host only when its matching override is set. */
  endpoints: { sts: string | undefined; iamCredentials: string | undefined; oauth: string | undefined };
  /** The job's environment (GOOGLE_APPLICATION_CREDENTIALS, ACTIONS_ID_TOKEN_REQUEST_*). */
  env: Readonly<Record<string, string | undefined>>;
}

export interface GcpCredentials {
  /** What the API clients authenticate with. */
  client: AuthClient;
  /** Project the credentials belong to, when they say. */
  projectId: string | undefined;
  /** Who the gate runs as, for messages ("cannot verify: x@y lacks access"). */
  principal: string | undefined;
  mode: "access_token" | "credentials_json" | "workload_identity" | "adc";
}

export async function authenticate(settings: AuthSettings, _signal: AbortSignal): Promise<GcpCredentials> {
  if (settings.accessToken) {
    const client = new OAuth2Client();
    client.setCredentials({ access_token: settings.accessToken });
    return { client, projectId: undefined, principal: undefined, mode: "access_token" };
  }
  throw new GateError("AUTH_FAILED", "no Google Cloud credentials: only access_token is supported in this build", {
    hint: "set access_token",
  });
}
