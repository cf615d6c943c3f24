// google-auth-library clients for each kind of credential, wired so every
// token call they make has our timeout, our AbortSignal, a small retry budget,
// the endpoints the workflow chose, and never follows a redirect (../redirects.ts).
// Each client from its own module, loaded when its mode is used: the package index loads every
// client it has (AWS, pluggable, downscoped, GCE metadata, GoogleAuth: 44 KB of bundle), and a run
// needs one kind (a key does not need the external-account code, federation does not need gtoken).
import type { AuthClient, gaxios, IdentityPoolClient, Impersonated, JWT } from "google-auth-library";
import { routeThroughProxy } from "../proxy.js";
import { NO_REDIRECTS, refuseRedirects } from "../redirects.js";
import { useTransport } from "../transport.js";
import { readFailure, readRegularFile } from "../../read-file.js";
import { authError, type ExternalAccount, type ServiceAccountKey, type SubjectTokenFormat } from "./credential-file.js";
import { CLOUD_PLATFORM_SCOPE, GOOGLE_OAUTH_TOKEN_URL } from "./types.js";

export interface Transport {
  signal: AbortSignal;
  timeoutMs: number;
}

export function transporterOptions({ signal, timeoutMs }: Transport): gaxios.GaxiosOptions {
  return {
    signal,
    timeout: timeoutMs,
    ...NO_REDIRECTS,
    retryConfig: {
      retry: 1,
      noResponseRetries: 0,
      retryDelay: 100,
      maxRetryDelay: 1_000,
      statusCodesToRetry: [
        [429, 429],
        [500, 599],
      ],
    },
  };
}

/**
 * Every client the gate creates passes through here: its transporter carries each of
 * its requests, ours and the token calls google-auth-library makes inside (gtoken's
 * OAuth grant, the OIDC subject token, STS once rewired below, IAM Credentials through
 * the source client), so refusing redirects and routing through the proxy on it covers them all,
 * as does sending through the gate's own bounded transport (../transport.ts).
 */
export function guarded<T extends AuthClient>(client: T): T {
  useTransport(client.transporter);
  refuseRedirects(client.transporter);
  routeThroughProxy(client.transporter);
  return client;
}

/** A key signs a JWT assertion and trades it at the OAuth token endpoint (gtoken inside JWT). */
export async function serviceAccountKeyClient(
  key: ServiceAccountKey,
  oauthEndpoint: string | undefined,
  transport: Transport,
): Promise<JWT> {
  const { JWT } = await import("google-auth-library/build/src/auth/jwtclient.js");
  const client = new JWT({
    email: key.clientEmail,
    key: key.privateKey,
    ...(key.privateKeyId === undefined ? {} : { keyId: key.privateKeyId }),
    scopes: [CLOUD_PLATFORM_SCOPE],
    transporterOptions: transporterOptions(transport),
  });
  if (oauthEndpoint !== undefined) {
    // gtoken always posts to Google's token URL; the override is a private or
    // emulated copy of that endpoint, so the request is routed there instead.
    const target = new URL(`${oauthEndpoint}/token`);
    client.transporter.interceptors.request.add({
      resolved: async (config) => {
        if (config.url.href === GOOGLE_OAUTH_TOKEN_URL) config.url = target;
        return config;
      },
    });
  }
  return guarded(client);
}

export interface FederationConfig {
  audience: string;
  subjectTokenType: string;
  tokenUrl: string;
  credentialSource: ExternalAccount["credentialSource"];
  clientId?: string | undefined;
  clientSecret?: string | undefined;
  workforcePoolUserProject?: string | undefined;
}

/** The external credential (GitHub OIDC token) exchanged at STS for a federated token. */
export async function federatedClient(config: FederationConfig, transport: Transport): Promise<IdentityPoolClient> {
  const { IdentityPoolClient } = await import("google-auth-library/build/src/auth/identitypoolclient.js");
  const source = config.credentialSource;
  const client = new IdentityPoolClient({
    type: "external_account",
    audience: config.audience,
    subject_token_type: config.subjectTokenType,
    token_url: config.tokenUrl,
    // A file source is read by the gate, as every file it reads: the library's own reader takes
    // the whole file (700 MB: 4 s and 800 MB, then "network error ERR_STRING_TOO_LONG") and words
    // a FIFO or a device as "request failed". Same token either way: the text, or its JSON field.
    ...("url" in source
      ? { credential_source: { url: source.url, headers: source.headers, format: source.format } }
      : { subject_token_supplier: { getSubjectToken: () => readSubjectToken(source.file, source.format) } }),
    scopes: [CLOUD_PLATFORM_SCOPE],
    ...(config.clientId === undefined ? {} : { client_id: config.clientId }),
    ...(config.clientSecret === undefined ? {} : { client_secret: config.clientSecret }),
    ...(config.workforcePoolUserProject === undefined ? {} : { workforce_pool_user_project: config.workforcePoolUserProject }),
    transporterOptions: transporterOptions(transport),
  });
  // The STS exchange is made by a helper with its own bare transporter (no
  // timeout, no signal); give it the client's. The outer race in authenticate()
  // still bounds it if a future version renames the field.
  const sts = (client as unknown as { stsCredential?: { transporter?: unknown } }).stsCredential;
  if (sts && "transporter" in sts) sts.transporter = client.transporter;
  return guarded(client);
}

/** What FileSubjectTokenSupplier returns, from a regular file of at most 1 MiB; an AuthError naming the file otherwise. */
async function readSubjectToken(path: string, format: SubjectTokenFormat): Promise<string> {
  const hint = "point credential_source.file at the token file your identity provider writes, or regenerate the credentials file";
  const text = await readRegularFile(path).catch((error: unknown) => {
    throw authError(`credential_source.file ${path} cannot be read: ${readFailure(error)}`, hint);
  });
  let token: unknown = text;
  if (format.type === "json") {
    try {
      token = (JSON.parse(text) as Record<string, unknown> | null)?.[format.subject_token_field_name];
    } catch {
      // Never the parser's message: it quotes the file, a credential.
      throw authError(`credential_source.file ${path} is not JSON (its format says json)`, hint);
    }
  }
  if (typeof token !== "string" || token === "") {
    throw authError(
      `credential_source.file ${path} holds no subject token${format.type === "json" ? ` in ${format.subject_token_field_name}` : ""}`,
      hint,
    );
  }
  return token;
}

/** Trade the source credentials for a service account's through IAM Credentials generateAccessToken. */
export async function impersonatedClient(
  source: IdentityPoolClient,
  serviceAccount: string,
  iamEndpoint: string,
  lifetimeSeconds: number | undefined,
  transport: Transport,
): Promise<Impersonated> {
  const { Impersonated } = await import("google-auth-library/build/src/auth/impersonated.js");
  return guarded(
    new Impersonated({
      sourceClient: source,
      targetPrincipal: serviceAccount,
      targetScopes: [CLOUD_PLATFORM_SCOPE],
      lifetime: lifetimeSeconds ?? 3600,
      endpoint: iamEndpoint,
      transporterOptions: transporterOptions(transport),
    }),
  );
}

/** Settle with the promise, or reject as soon as the signal aborts. */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
