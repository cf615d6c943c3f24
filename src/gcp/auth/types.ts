import type { AuthClient, Impersonated, JWT } from "google-auth-library";

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
  /** Reads the GOOGLE_APPLICATION_CREDENTIALS file; defaults to node:fs. */
  readFile?: (path: string) => Promise<string>;
  /** Per-request timeout for token calls; defaults to 15 s. Tests shorten it. */
  requestTimeoutMs?: number;
}

export interface GcpCredentials {
  /** What the API clients authenticate with. */
  client: AuthClient;
  /** Project the credentials belong to, when they say. */
  projectId: string | undefined;
  /** Who the gate runs as, for messages ("cannot verify: x@y lacks access"). */
  principal: string | undefined;
  mode: "access_token" | "credentials_json" | "workload_identity" | "adc";
  /** How these credentials mint a Google ID token (read by fetchIdToken); absent = they cannot. */
  idTokens?: IdTokenSource;
}

/** Where a Google-signed ID token for a private Cloud Run URL comes from. */
export type IdTokenSource =
  /** Signed by the key itself and exchanged at the OAuth token endpoint. */
  | { kind: "service_account_key"; jwt: JWT; tokenUrl: string; timeoutMs: number }
  /** IAM Credentials generateIdToken for the impersonated service account, called with the source credentials. */
  | {
      kind: "impersonated";
      client: Impersonated;
      serviceAccount: string;
      timeoutMs: number;
      /** For the IAM binding hint when generateIdToken is denied. */
      provider: string | undefined;
      repository: string | undefined;
    }
  /** Cannot: the reason says why and what to use instead. */
  | { kind: "none"; reason: string };

export const DEFAULT_TIMEOUT_MS = 15_000;
export const GOOGLE_STS = "https://sts.googleapis.com";
export const GOOGLE_IAM_CREDENTIALS = "https://iamcredentials.googleapis.com";
export const GOOGLE_OAUTH_TOKEN_URL = "https://oauth2.googleapis.com/token";
export const JWT_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:jwt";
