// Reading a credentials file (credentials_json, or the file
// GOOGLE_APPLICATION_CREDENTIALS points at). Such a file can name the URLs our
// tokens and keys are sent to, so every URL in it must be a Google host, this
// job's GitHub OIDC endpoint, or the endpoint the workflow itself overrode.
// Nothing here ever repeats the file's text: it may be a private key.
import { AuthError, type GateError } from "../../errors.js";
import { GOOGLE_IAM_CREDENTIALS, GOOGLE_STS } from "./types.js";

export interface ServiceAccountKey {
  type: "service_account";
  clientEmail: string;
  privateKey: string;
  privateKeyId: string | undefined;
  projectId: string | undefined;
}

export type SubjectTokenFormat = { type: "text" } | { type: "json"; subject_token_field_name: string };

export interface ExternalAccount {
  type: "external_account";
  audience: string;
  subjectTokenType: string;
  tokenUrl: string;
  /** Present when the file asks STS tokens to be traded for a service account's. */
  impersonation: { serviceAccount: string; iamEndpoint: string; lifetimeSeconds: number | undefined } | undefined;
  credentialSource:
    | { url: string; headers: Record<string, string>; format: SubjectTokenFormat }
    | { file: string; format: SubjectTokenFormat };
  clientId: string | undefined;
  clientSecret: string | undefined;
  workforcePoolUserProject: string | undefined;
}

export type CredentialFile = ServiceAccountKey | ExternalAccount;

export interface FileContext {
  /** How messages name the file: "credentials_json" or "the GOOGLE_APPLICATION_CREDENTIALS file". */
  origin: string;
  endpoints: { sts: string | undefined; iamCredentials: string | undefined; oauth: string | undefined };
  /** ACTIONS_ID_TOKEN_REQUEST_URL: the only place a credential_source.url may point. */
  oidcRequestUrl: string | undefined;
}

export function authError(message: string, hint: string): GateError {
  return new AuthError(message, { hint });
}

/** JSON text, or base64 of it (google-github-actions/auth accepts both). */
export function parseCredentialText(text: string, origin: string): Record<string, unknown> {
  const trimmed = text.trim();
  const candidates = trimmed.startsWith("{") ? [trimmed] : [trimmed, decodeBase64(trimmed)];
  for (const candidate of candidates) {
    if (candidate === undefined) continue;
    try {
      const value: unknown = JSON.parse(candidate);
      if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
    } catch {
      // fall through to the next reading, then to the error below
    }
  }
  throw authError(
    `${origin} is not a JSON object (content not shown)`,
    "paste the whole key or credential configuration file, as JSON or base64 of it; prefer Workload Identity Federation over keys",
  );
}

export function readCredentialFile(json: Record<string, unknown>, context: FileContext): CredentialFile {
  const type = json.type;
  if (type === "service_account") return serviceAccountKey(json, context);
  if (type === "external_account") return externalAccount(json, context);
  if (typeof type !== "string") {
    throw authError(
      `${context.origin} has no "type" field`,
      "use a service account key (type service_account) or an external_account file",
    );
  }
  // Name the type only when it is one Google defines: the field could hold anything.
  const known = KNOWN_TYPES.includes(type) ? `type "${type}"` : "an unknown type";
  throw authError(
    `${context.origin} has ${known}, which the gate does not support`,
    "use a service account key (type service_account) or Workload Identity Federation (type external_account, as google-github-actions/auth writes)",
  );
}

function serviceAccountKey(json: Record<string, unknown>, context: FileContext): ServiceAccountKey {
  requireFields(json, ["client_email", "private_key"], context.origin, "service account key");
  const privateKey = String(json.private_key);
  if (!/-----BEGIN (RSA )?PRIVATE KEY-----/.test(privateKey)) {
    throw authError(
      `${context.origin} private_key is not a PEM private key (content not shown)`,
      "download a new JSON key for the service account",
    );
  }
  if (json.token_uri !== undefined) {
    checkUrl("token_uri", json.token_uri, context.origin, {
      override: context.endpoints.oauth,
      input: "oauth_endpoint",
      google: isOAuthHost,
    });
  }
  return {
    type: "service_account",
    clientEmail: email(json.client_email, "client_email", context.origin),
    privateKey,
    privateKeyId: optionalString(json.private_key_id),
    projectId: optionalString(json.project_id),
  };
}

function externalAccount(json: Record<string, unknown>, context: FileContext): ExternalAccount {
  requireFields(json, ["audience", "subject_token_type", "credential_source"], context.origin, "external_account file");
  const tokenUrl =
    json.token_url === undefined
      ? `${context.endpoints.sts ?? GOOGLE_STS}/v1/token`
      : checkUrl("token_url", json.token_url, context.origin, {
          override: context.endpoints.sts,
          input: "sts_endpoint",
          google: isGoogleApisHost,
        });
  let impersonation: ExternalAccount["impersonation"];
  if (json.service_account_impersonation_url !== undefined) {
    const url = checkUrl("service_account_impersonation_url", json.service_account_impersonation_url, context.origin, {
      override: context.endpoints.iamCredentials,
      input: "iam_credentials_endpoint",
      google: isGoogleApisHost,
    });
    const match = /^(.*)\/v1\/projects\/-\/serviceAccounts\/([^/:]+):generateAccessToken$/.exec(url);
    if (!match) {
      throw authError(
        `${context.origin} service_account_impersonation_url is not an IAM Credentials generateAccessToken URL`,
        `expected ${GOOGLE_IAM_CREDENTIALS}/v1/projects/-/serviceAccounts/EMAIL:generateAccessToken`,
      );
    }
    const lifetime = (json.service_account_impersonation as { token_lifetime_seconds?: unknown } | undefined)?.token_lifetime_seconds;
    impersonation = {
      iamEndpoint: match[1] ?? GOOGLE_IAM_CREDENTIALS,
      serviceAccount: email(safeDecode(match[2] ?? ""), "service_account_impersonation_url", context.origin),
      lifetimeSeconds: typeof lifetime === "number" && lifetime > 0 ? lifetime : undefined,
    };
  }
  return {
    type: "external_account",
    audience: String(json.audience),
    subjectTokenType: String(json.subject_token_type),
    tokenUrl,
    impersonation,
    credentialSource: credentialSource(json.credential_source, context),
    clientId: optionalString(json.client_id),
    clientSecret: optionalString(json.client_secret),
    workforcePoolUserProject: optionalString(json.workforce_pool_user_project),
  };
}

function credentialSource(value: unknown, context: FileContext): ExternalAccount["credentialSource"] {
  const source = (typeof value === "object" && value !== null ? value : {}) as Record<string, unknown>;
  const format = subjectTokenFormat(source.format, context.origin);
  if (typeof source.url === "string") {
    const url = parseUrl(source.url, "credential_source.url", context.origin);
    const oidc = context.oidcRequestUrl === undefined ? undefined : tryUrl(context.oidcRequestUrl);
    if (!oidc) {
      throw authError(
        `${context.origin} fetches a GitHub OIDC token from ${url.host}, but ACTIONS_ID_TOKEN_REQUEST_URL is not set in this job`,
        "add `permissions: id-token: write` to the job so it can request an OIDC token",
      );
    }
    if (url.origin !== oidc.origin) {
      throw authError(
        `${context.origin} credential_source.url points at ${url.host}, not this job's GitHub OIDC endpoint (${oidc.host})`,
        "regenerate the file with google-github-actions/auth in this job",
      );
    }
    const headers: Record<string, string> = {};
    if (typeof source.headers === "object" && source.headers !== null) {
      for (const [name, headerValue] of Object.entries(source.headers)) if (typeof headerValue === "string") headers[name] = headerValue;
    }
    return { url: url.href, headers, format };
  }
  if (typeof source.file === "string" && source.file) return { file: source.file, format };
  const kind = ["executable", "environment_id", "certificate"].find((key) => key in source) ?? "unknown";
  throw authError(
    `${context.origin} credential_source (${kind}) is not supported`,
    "use a credential_source with a url (GitHub OIDC, as google-github-actions/auth writes) or a file",
  );
}

function subjectTokenFormat(value: unknown, origin: string): SubjectTokenFormat {
  if (value === undefined) return { type: "text" };
  const format = value as { type?: unknown; subject_token_field_name?: unknown };
  if (format.type === "json" && typeof format.subject_token_field_name === "string" && format.subject_token_field_name) {
    return { type: "json", subject_token_field_name: format.subject_token_field_name };
  }
  if (format.type === "text" || format.type === undefined) return { type: "text" };
  throw authError(
    `${origin} credential_source.format is invalid`,
    'use { "type": "json", "subject_token_field_name": "value" } for GitHub OIDC',
  );
}

interface UrlRule {
  override: string | undefined;
  /** The action input that overrides this endpoint, for the hint. */
  input: string;
  google: (host: string) => boolean;
}

export function checkUrl(field: string, value: unknown, origin: string, rule: UrlRule): string {
  const url = parseUrl(value, field, origin);
  const override = rule.override === undefined ? undefined : tryUrl(rule.override);
  if (override && url.origin === override.origin) return url.href;
  if (url.protocol === "https:" && rule.google(url.hostname)) return url.href;
  const besides = override ? ` nor ${rule.input} (${override.host})` : "";
  throw authError(
    `${origin} ${field} points at ${url.host}, not a Google host${besides}; set ${rule.input} if you use a private endpoint`,
    "credential files may only send tokens to Google, or to an endpoint the workflow names itself",
  );
}

export function isGoogleApisHost(host: string): boolean {
  return host === "googleapis.com" || host.endsWith(".googleapis.com");
}

function isOAuthHost(host: string): boolean {
  // Older keys say https://accounts.google.com/o/oauth2/token.
  return isGoogleApisHost(host) || host === "accounts.google.com";
}

function parseUrl(value: unknown, field: string, origin: string): URL {
  const url = typeof value === "string" ? tryUrl(value) : undefined;
  if (!url || (url.protocol !== "https:" && url.protocol !== "http:")) {
    throw authError(`${origin} ${field} is not an http(s) URL`, "regenerate the credentials file");
  }
  return url;
}

function tryUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

function requireFields(json: Record<string, unknown>, fields: string[], origin: string, what: string): void {
  const missing = fields.filter((field) => json[field] === undefined || json[field] === null || json[field] === "");
  if (missing.length > 0) {
    throw authError(`${origin} is a ${what} without ${missing.join(", ")}`, "download or generate the file again; it is incomplete");
  }
}

function email(value: unknown, field: string, origin: string): string {
  if (typeof value === "string" && /^[^@\s/]{1,100}@[a-z0-9.-]{1,253}$/i.test(value)) return value;
  throw authError(`${origin} ${field} does not name a service account email`, "download or generate the file again");
}

function optionalString(value: unknown): string | undefined {
  return typeof value === "string" && value ? value : undefined;
}

function decodeBase64(text: string): string | undefined {
  if (!/^[A-Za-z0-9+/=_\s-]+$/.test(text)) return undefined;
  return Buffer.from(text, "base64").toString("utf8");
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

const KNOWN_TYPES = ["authorized_user", "impersonated_service_account", "external_account_authorized_user", "gdch_service_account"];
