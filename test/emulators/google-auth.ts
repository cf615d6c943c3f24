// A real HTTP server on 127.0.0.1 that speaks just enough of Google's OAuth2
// token endpoint, STS, IAM Credentials and GitHub's OIDC token endpoint for the
// gate's authentication to run end to end. It checks what Google checks (JWT
// signatures, bearer tokens, audiences) so a test passing here means the
// request was right, not merely sent.
import { createSign, generateKeyPairSync, type KeyObject, verify } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type EmulatedEndpoint = "oauth" | "sts" | "iam.generateAccessToken" | "iam.generateIdToken" | "oidc";

export type Fault =
  /** Answer with this status; `echo` puts the request (tokens included) in the body, as a careless server might. */
  | { kind: "status"; status: number; error?: string; echo?: boolean; times?: number }
  /** Accept the request and never answer. */
  | { kind: "hang" }
  /** Answer with a redirect elsewhere, as a hijacked or misconfigured endpoint might. */
  | { kind: "redirect"; status: 301 | 302 | 303 | 307 | 308; location: string };

export interface RecordedRequest {
  endpoint: EmulatedEndpoint | "unknown";
  method: string;
  path: string;
  authorization: string | undefined;
  /** Form or JSON body, parsed. */
  body: Record<string, unknown>;
}

export interface GoogleAuthEmulatorState {
  /** Service accounts that exist, by email; keyed public keys verify JWT-bearer assertions. */
  serviceAccounts: Map<string, { publicKey: KeyObject | undefined }>;
  /** Workload identity providers that exist: `projects/N/locations/global/workloadIdentityPools/P/providers/X`. */
  providers: Set<string>;
  /** The bearer GitHub's OIDC endpoint requires (ACTIONS_ID_TOKEN_REQUEST_TOKEN). */
  githubRequestToken: string;
  /** Refuse generateAccessToken / generateIdToken with 403 PERMISSION_DENIED. */
  denyImpersonation: boolean;
  faults: Partial<Record<EmulatedEndpoint, Fault>>;
  /** Every access token this emulator issued, with whom it stands for. */
  accessTokens: Map<string, { principal: string; scope: string }>;
  /** Prefix of every token issued, so tests can plant a canary in them. */
  tokenPrefix: string;
}

export interface GoogleAuthEmulator {
  url: string;
  state: GoogleAuthEmulatorState;
  requests: RecordedRequest[];
  /** A service account key JSON (as the console downloads it) whose public half the emulator knows. */
  createServiceAccountKey(email: string, projectId: string): ServiceAccountKeyJson;
  /** Decode (without verifying) a JWT this emulator issued. */
  decodeJwt(token: string): Record<string, unknown>;
  close(): Promise<void>;
}

export interface ServiceAccountKeyJson {
  type: "service_account";
  project_id: string;
  private_key_id: string;
  private_key: string;
  client_email: string;
  client_id: string;
  token_uri: string;
}

const JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";
const TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
const JWT_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:jwt";

export async function startGoogleAuthEmulator(): Promise<GoogleAuthEmulator> {
  const issuerKey = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const state: GoogleAuthEmulatorState = {
    serviceAccounts: new Map(),
    providers: new Set(),
    githubRequestToken: "gh-request-token",
    denyImpersonation: false,
    faults: {},
    accessTokens: new Map(),
    tokenPrefix: "emu",
  };
  const requests: RecordedRequest[] = [];
  const oidcTokens = new Set<string>();
  let counter = 0;
  let url = "";

  const sign = (payload: Record<string, unknown>): string => {
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
    const input = `${encode({ alg: "RS256", typ: "JWT" })}.${encode(payload)}`;
    return `${input}.${createSign("RSA-SHA256").update(input).sign(issuerKey.privateKey).toString("base64url")}`;
  };
  const issueAccessToken = (principal: string, scope: string): string => {
    counter += 1;
    const token = `ya29.${state.tokenPrefix}-${counter}`;
    state.accessTokens.set(token, { principal, scope });
    return token;
  };
  const now = () => Math.floor(Date.now() / 1000);

  const handlers: Record<EmulatedEndpoint, (request: RecordedRequest, match: RegExpExecArray) => Reply> = {
    oidc(request) {
      if (request.authorization !== `Bearer ${state.githubRequestToken}`) return { status: 401, body: { message: "Unauthorized" } };
      const audience = new URL(request.path, url).searchParams.get("audience") ?? "https://github.com/emulated";
      counter += 1;
      const token = sign({
        iss: "https://token.actions.githubusercontent.com",
        aud: audience,
        sub: "repo:o/r:ref:refs/heads/main",
        iat: now(),
        exp: now() + 300,
        jti: `${state.tokenPrefix}-${counter}`,
      });
      oidcTokens.add(token);
      return { status: 200, body: { count: 1, value: token } };
    },
    oauth(request) {
      const assertion = String(request.body.assertion ?? "");
      if (request.body.grant_type !== JWT_BEARER) return oauthError(400, "unsupported_grant_type", "Invalid grant_type.");
      const [header, payload, signature] = assertion.split(".");
      if (!header || !payload || !signature) return oauthError(400, "invalid_request", "Invalid JWT.");
      const claims = JSON.parse(Buffer.from(payload, "base64url").toString()) as Record<string, unknown>;
      const account = state.serviceAccounts.get(String(claims.iss));
      if (!account?.publicKey) return oauthError(400, "invalid_grant", "Invalid grant: account not found");
      const valid = verify("RSA-SHA256", Buffer.from(`${header}.${payload}`), account.publicKey, Buffer.from(signature, "base64url"));
      if (!valid) return oauthError(400, "invalid_grant", "Invalid JWT Signature.");
      if (typeof claims.exp !== "number" || claims.exp < now())
        return oauthError(400, "invalid_grant", "Invalid JWT: Token must be a short-lived token");
      if (claims.aud !== "https://oauth2.googleapis.com/token" && claims.aud !== `${url}/token`)
        return oauthError(400, "invalid_grant", "Invalid JWT: aud");
      const email = String(claims.iss);
      if (typeof claims.target_audience === "string") {
        return {
          status: 200,
          body: {
            id_token: sign({
              iss: "https://accounts.google.com",
              aud: claims.target_audience,
              email,
              sub: email,
              iat: now(),
              exp: now() + 3600,
            }),
          },
        };
      }
      const scope = String(claims.scope ?? "");
      if (!scope) return oauthError(400, "invalid_scope", "Invalid OAuth scope or ID token audience provided.");
      return { status: 200, body: { access_token: issueAccessToken(email, scope), expires_in: 3599, token_type: "Bearer" } };
    },
    sts(request) {
      const body = request.body;
      if (body.grant_type !== TOKEN_EXCHANGE) return oauthError(400, "unsupported_grant_type", "grant_type");
      if (body.subject_token_type !== JWT_TOKEN_TYPE) return oauthError(400, "invalid_request", "subject_token_type");
      const provider = String(body.audience ?? "").replace(/^\/\/iam\.googleapis\.com\//, "");
      if (!state.providers.has(provider)) {
        return oauthError(400, "invalid_target", 'The target service indicated by the "audience" parameters is invalid.');
      }
      const subject = String(body.subject_token ?? "");
      if (!oidcTokens.has(subject)) return oauthError(400, "invalid_grant", "The given subject token is invalid.");
      const claims = decodeJwt(subject);
      if (claims.aud !== `https://iam.googleapis.com/${provider}`) {
        return oauthError(400, "invalid_grant", "The audience in ID Token does not match the expected audience.");
      }
      const token = issueAccessToken(`principal://iam.googleapis.com/${provider}/subject/${String(claims.sub)}`, String(body.scope ?? ""));
      return {
        status: 200,
        body: {
          access_token: token,
          issued_token_type: "urn:ietf:params:oauth:token-type:access_token",
          token_type: "Bearer",
          expires_in: 3600,
        },
      };
    },
    "iam.generateAccessToken"(request, match) {
      const denied = impersonationDenied(request, match);
      if (denied) return denied;
      const scope = request.body.scope;
      if (!Array.isArray(scope) || scope.length === 0) return googleError(400, "INVALID_ARGUMENT", "scope must be set");
      const expireTime = new Date(Date.now() + 3600_000).toISOString();
      return { status: 200, body: { accessToken: issueAccessToken(decodeURIComponent(match[1] ?? ""), scope.join(" ")), expireTime } };
    },
    "iam.generateIdToken"(request, match) {
      const denied = impersonationDenied(request, match);
      if (denied) return denied;
      const audience = request.body.audience;
      if (typeof audience !== "string" || !audience) return googleError(400, "INVALID_ARGUMENT", "audience must be set");
      const email = decodeURIComponent(match[1] ?? "");
      return {
        status: 200,
        body: { token: sign({ iss: "https://accounts.google.com", aud: audience, email, sub: email, iat: now(), exp: now() + 3600 }) },
      };
    },
  };

  function impersonationDenied(request: RecordedRequest, match: RegExpExecArray): Reply | undefined {
    const bearer = request.authorization?.replace(/^Bearer /, "") ?? "";
    if (!state.accessTokens.has(bearer)) return googleError(401, "UNAUTHENTICATED", "Request had invalid authentication credentials.");
    const email = decodeURIComponent(match[1] ?? "");
    if (!state.serviceAccounts.has(email)) return googleError(404, "NOT_FOUND", `Service account ${email} not found.`);
    if (state.denyImpersonation) {
      return googleError(
        403,
        "PERMISSION_DENIED",
        "Permission 'iam.serviceAccounts.getAccessToken' denied on resource (or it may not exist).",
      );
    }
    return undefined;
  }

  const routes: Array<[RegExp, EmulatedEndpoint]> = [
    [/^\/token$/, "oauth"],
    [/^\/v1\/token$/, "sts"],
    [/^\/v1\/projects\/-\/serviceAccounts\/([^/:]+):generateAccessToken$/, "iam.generateAccessToken"],
    [/^\/v1\/projects\/-\/serviceAccounts\/([^/:]+):generateIdToken$/, "iam.generateIdToken"],
    [/^\/oidc\/token$/, "oidc"],
  ];

  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const raw = await readBody(req);
    const path = req.url ?? "/";
    const pathname = new URL(path, "http://emulator").pathname;
    const route = routes.map(([pattern, endpoint]) => [pattern.exec(pathname), endpoint] as const).find(([match]) => match);
    const request: RecordedRequest = {
      endpoint: route?.[1] ?? "unknown",
      method: req.method ?? "GET",
      path,
      authorization: req.headers.authorization,
      body: parseBody(raw, req.headers["content-type"]),
    };
    requests.push(request);
    if (!route)
      return send(res, { status: 404, body: { error: { code: 404, status: "NOT_FOUND", message: "no such emulated endpoint" } } });
    const [match, endpoint] = route;
    const fault = state.faults[endpoint];
    if (fault?.kind === "hang") return;
    if (fault?.kind === "redirect") return void res.writeHead(fault.status, { location: fault.location }).end();
    if (fault?.kind === "status") {
      if (fault.times !== undefined && --fault.times <= 0) delete state.faults[endpoint];
      const detail = fault.echo ? `request was ${request.authorization ?? ""} ${raw}` : "injected fault";
      return send(
        res,
        endpoint.startsWith("iam.") || endpoint === "oidc"
          ? googleError(fault.status, fault.error ?? "INTERNAL", detail)
          : oauthError(fault.status, fault.error ?? "server_error", detail),
      );
    }
    send(res, handlers[endpoint](request, match as RegExpExecArray));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    state,
    requests,
    createServiceAccountKey(email, projectId) {
      const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
      state.serviceAccounts.set(email, { publicKey: pair.publicKey });
      counter += 1;
      return {
        type: "service_account",
        project_id: projectId,
        private_key_id: `key-${counter}`,
        private_key: pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
        client_email: email,
        client_id: "100000000000000000001",
        token_uri: "https://oauth2.googleapis.com/token",
      };
    },
    decodeJwt,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface Reply {
  status: number;
  body: unknown;
}

function oauthError(status: number, error: string, description: string): Reply {
  return { status, body: { error, error_description: description } };
}

function googleError(status: number, reason: string, message: string): Reply {
  return { status, body: { error: { code: status, message, status: reason } } };
}

function decodeJwt(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString()) as Record<string, unknown>;
}

function send(res: ServerResponse, reply: Reply): void {
  res.writeHead(reply.status, { "content-type": "application/json" });
  res.end(JSON.stringify(reply.body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function parseBody(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (!raw) return {};
  if (contentType?.includes("application/x-www-form-urlencoded")) return Object.fromEntries(new URLSearchParams(raw));
  try {
    const parsed: unknown = JSON.parse(raw);
    return typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return { raw };
  }
}
