// Authentication to Google Cloud. The rest of the gate only sees a
// google-auth-library AuthClient, so every mode (access token, key, ADC,
// Workload Identity Federation) plugs in here and nowhere else. Each mode gets
// its first token here, so a bad credential fails now, with a message naming
// the fix, and not halfway through reading Cloud Run.
import type { AuthClient, Impersonated } from "google-auth-library";
// Its own module, not the package index: see ./auth/clients.ts.
import { OAuth2Client } from "google-auth-library/build/src/auth/oauth2client.js";
import { AuthError } from "../../errors.js";
import { projectFromEnv } from "../../project-from-env.js";
import { readFailure, readRegularFile } from "../../read-file.js";
import {
  federatedClient,
  guarded,
  impersonatedClient,
  serviceAccountKeyClient,
  type Transport,
  transporterOptions,
  untilAborted,
} from "./clients.js";
import { authError, type CredentialFile, parseCredentialText, readCredentialFile } from "./credential-file.js";
import { type AuthStage, authFailure, type FailureContext } from "./failures.js";
import {
  type AuthSettings,
  DEFAULT_TIMEOUT_MS,
  type GcpCredentials,
  GOOGLE_IAM_CREDENTIALS,
  GOOGLE_OAUTH_TOKEN_URL,
  GOOGLE_STS,
  JWT_TOKEN_TYPE,
} from "./types.js";

export { fetchIdToken, idTokens } from "./id-token.js";
export { type AuthSettings, CLOUD_PLATFORM_SCOPE, type GcpCredentials, type IdTokenSource } from "./types.js";

const PROVIDER = /^projects\/[^/]+\/locations\/[^/]+\/workloadIdentityPools\/[^/]+\/providers\/[^/]+$/;
const EMAIL = /^[^@\s/]{1,100}@[a-z0-9.-]{1,253}$/i;

export async function authenticate(settings: AuthSettings, signal: AbortSignal): Promise<GcpCredentials> {
  const transport: Transport = { signal, timeoutMs: settings.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS };
  if (settings.accessToken) {
    const client = guarded(new OAuth2Client({ transporterOptions: transporterOptions(transport) }));
    client.setCredentials({ access_token: settings.accessToken });
    return {
      client,
      projectId: undefined,
      principal: undefined,
      mode: "access_token",
      idTokens: {
        kind: "none",
        reason: "an access_token cannot mint an ID token; use workload_identity_provider + service_account or credentials_json",
      },
    };
  }
  if (settings.credentialsJson) {
    const json = parseCredentialText(settings.credentialsJson, "credentials_json");
    return fromFile(readCredentialFile(json, fileContext("credentials_json", settings)), "credentials_json", settings, transport);
  }
  if (settings.workloadIdentityProvider || settings.serviceAccount) return workloadIdentity(settings, transport);
  const path = settings.env.GOOGLE_APPLICATION_CREDENTIALS;
  if (path) {
    const origin = "the GOOGLE_APPLICATION_CREDENTIALS file";
    const read = settings.readFile ?? readRegularFile;
    const text = await read(path).catch((error: unknown) => {
      throw authError(
        `GOOGLE_APPLICATION_CREDENTIALS points at ${path}, which cannot be read: ${readFailure(error)}`,
        "run google-github-actions/auth earlier in this job, after actions/checkout, or unset the variable",
      );
    });
    return fromFile(readCredentialFile(parseCredentialText(text, origin), fileContext(origin, settings)), "adc", settings, transport);
  }
  throw authError(
    "no Google Cloud credentials: no access_token, credentials_json or workload_identity_provider, and GOOGLE_APPLICATION_CREDENTIALS is not set",
    "add a google-github-actions/auth step before this one (Workload Identity Federation, with `permissions: id-token: write`), or set access_token",
  );
}

async function workloadIdentity(settings: AuthSettings, transport: Transport): Promise<GcpCredentials> {
  const provider = (settings.workloadIdentityProvider ?? "").replace(/^(https:)?\/\/iam\.googleapis\.com\//, "");
  const serviceAccount = settings.serviceAccount ?? "";
  if (!provider || !serviceAccount) {
    throw authError(
      "workload_identity_provider and service_account go together",
      "set both (as for google-github-actions/auth), or neither to use Application Default Credentials",
    );
  }
  if (!PROVIDER.test(provider)) {
    throw authError(
      "workload_identity_provider is not a provider resource name",
      "use projects/PROJECT_NUMBER/locations/global/workloadIdentityPools/POOL/providers/PROVIDER, as for google-github-actions/auth",
    );
  }
  if (!EMAIL.test(serviceAccount)) {
    throw authError(
      "service_account is not a service account email",
      "use NAME@PROJECT_ID.iam.gserviceaccount.com together with workload_identity_provider",
    );
  }
  const requestUrl = settings.env.ACTIONS_ID_TOKEN_REQUEST_URL;
  const requestToken = settings.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
  if (!requestUrl || !requestToken) {
    throw authError(
      "cannot request a GitHub OIDC token: ACTIONS_ID_TOKEN_REQUEST_URL is not set",
      "add `permissions: id-token: write` to the job (or workflow); pull requests from forks never get one",
    );
  }
  const oidcUrl = new URL(requestUrl);
  oidcUrl.searchParams.set("audience", `https://iam.googleapis.com/${provider}`);
  const tokenUrl = `${settings.endpoints.sts ?? GOOGLE_STS}/v1/token`;
  const iamEndpoint = settings.endpoints.iamCredentials ?? GOOGLE_IAM_CREDENTIALS;
  const federated = await federatedClient(
    {
      audience: `//iam.googleapis.com/${provider}`,
      subjectTokenType: JWT_TOKEN_TYPE,
      tokenUrl,
      credentialSource: {
        url: oidcUrl.href,
        headers: { Authorization: `Bearer ${requestToken}` },
        format: { type: "json", subject_token_field_name: "value" },
      },
    },
    transport,
  );
  const client = await impersonatedClient(federated, serviceAccount, iamEndpoint, undefined, transport);
  await firstToken(client, transport.signal, {
    stages: [
      ["oidc", oidcUrl.href],
      ["sts", tokenUrl],
      ["impersonation", impersonationUrl(iamEndpoint, serviceAccount)],
    ],
    serviceAccount,
    provider,
    repository: settings.env.GITHUB_REPOSITORY,
    timeoutMs: transport.timeoutMs,
  });
  return impersonatedCredentials(
    client,
    serviceAccount,
    "workload_identity",
    projectOfServiceAccount(serviceAccount),
    provider,
    settings,
    transport,
  );
}

async function fromFile(
  file: CredentialFile,
  mode: "credentials_json" | "adc",
  settings: AuthSettings,
  transport: Transport,
): Promise<GcpCredentials> {
  const envProject = mode === "adc" ? projectFromEnv(settings.env) : undefined;
  if (file.type === "service_account") {
    const client = await serviceAccountKeyClient(file, settings.endpoints.oauth, transport);
    const tokenUrl = settings.endpoints.oauth === undefined ? GOOGLE_OAUTH_TOKEN_URL : `${settings.endpoints.oauth}/token`;
    await firstToken(client, transport.signal, {
      stages: [["oauth", tokenUrl]],
      serviceAccount: file.clientEmail,
      provider: undefined,
      repository: undefined,
      timeoutMs: transport.timeoutMs,
    });
    return {
      client,
      projectId: envProject ?? file.projectId ?? projectOfServiceAccount(file.clientEmail),
      principal: file.clientEmail,
      mode,
      idTokens: { kind: "service_account_key", jwt: client, tokenUrl, timeoutMs: transport.timeoutMs },
    };
  }
  const federated = await federatedClient(file, transport);
  const provider = /^\/\/iam\.googleapis\.com\/(projects\/.+\/providers\/[^/]+)$/.exec(file.audience)?.[1];
  const stages: Array<[AuthStage, string]> = [["sts", file.tokenUrl]];
  if ("url" in file.credentialSource) stages.push(["oidc", file.credentialSource.url]);
  const context: FailureContext = {
    stages,
    serviceAccount: file.impersonation?.serviceAccount,
    provider,
    repository: settings.env.GITHUB_REPOSITORY,
    timeoutMs: transport.timeoutMs,
  };
  if (file.impersonation === undefined) {
    // Direct federation: Google sees a principal://… identity, not a service account.
    await firstToken(federated, transport.signal, context);
    return {
      client: federated,
      projectId: envProject,
      principal: undefined,
      mode,
      idTokens: {
        kind: "none",
        reason: "direct Workload Identity Federation has no service account to sign an ID token; authenticate with a service_account",
      },
    };
  }
  const { serviceAccount, iamEndpoint, lifetimeSeconds } = file.impersonation;
  const client = await impersonatedClient(federated, serviceAccount, iamEndpoint, lifetimeSeconds, transport);
  stages.push(["impersonation", impersonationUrl(iamEndpoint, serviceAccount)]);
  await firstToken(client, transport.signal, context);
  return impersonatedCredentials(
    client,
    serviceAccount,
    mode,
    envProject ?? projectOfServiceAccount(serviceAccount),
    provider,
    settings,
    transport,
  );
}

/** Credentials that act as `serviceAccount` through impersonation; they can also mint ID tokens. */
function impersonatedCredentials(
  client: Impersonated,
  serviceAccount: string,
  mode: GcpCredentials["mode"],
  projectId: string | undefined,
  provider: string | undefined,
  settings: AuthSettings,
  transport: Transport,
): GcpCredentials {
  const idTokens = {
    kind: "impersonated",
    client,
    serviceAccount,
    timeoutMs: transport.timeoutMs,
    provider,
    repository: settings.env.GITHUB_REPOSITORY,
  } as const;
  return { client, projectId, principal: serviceAccount, mode, idTokens };
}

async function firstToken(client: AuthClient, signal: AbortSignal, context: FailureContext): Promise<void> {
  let token: string | null | undefined;
  try {
    token = (await untilAborted(client.getAccessToken(), signal)).token;
  } catch (error) {
    throw authFailure(error, context, signal);
  }
  if (!token) throw new AuthError("Google returned no access token", { hint: "retry; if it persists check the endpoints" });
}

function fileContext(origin: string, settings: AuthSettings) {
  return { origin, endpoints: settings.endpoints, oidcRequestUrl: settings.env.ACTIONS_ID_TOKEN_REQUEST_URL };
}

function impersonationUrl(iamEndpoint: string, serviceAccount: string): string {
  return `${iamEndpoint}/v1/projects/-/serviceAccounts/${serviceAccount}:generateAccessToken`;
}

/** NAME@PROJECT.iam.gserviceaccount.com belongs to PROJECT. */
function projectOfServiceAccount(email: string): string | undefined {
  return /@([a-z][-a-z0-9]{4,28}[a-z0-9])\.iam\.gserviceaccount\.com$/.exec(email)?.[1];
}
