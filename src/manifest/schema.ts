// The requirements file (`.github/deploy-gate.yml`). This zod schema is the one
// definition: the TypeScript types, the validation and the published JSON
// Schema (`schema/deploy-gate.schema.json`) all come from it.
import * as z from "zod";
import { patternProblem } from "./pattern.js";

const envVarName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an environment variable name (letters, digits, _)");
const secretId = z.string().regex(/^[A-Za-z0-9_-]{1,255}$/, "must be a Secret Manager secret id ([A-Za-z0-9_-], 1-255 chars)");

/**
 * A probe path is a path on the service, never a way off it: URL resolution reads `//host/x`
 * (and `/\host/x`, or `/<tab>/host/x` once tabs are stripped) as another host, and the probe and
 * its credentials would go there. One leading `/`, no `//` before the query, and none of `@`,
 * `\`, whitespace or control characters anywhere.
 */
const probePath = (fallback: string) =>
  z
    .string()
    .regex(
      // Segments joined by single slashes: unambiguous, so the match is linear (no nested quantifier can backtrack).
      /^\/(?:[^/?#\s\\@\x00-\x1f\x7f-\x9f]+(?:\/[^/?#\s\\@\x00-\x1f\x7f-\x9f]+)*\/?)?(?:[?#][^\s\\@\x00-\x1f\x7f-\x9f]*)?$/,
      "must be a path on the service: one leading '/', no '//', scheme, '@', '\\', whitespace or control characters",
    )
    .default(fallback);

/** Checked here, where the error gets the manifest line: the engine (RE2) refuses some JavaScript syntax. */
const pattern = z.string().superRefine((value, ctx) => {
  const problem = patternProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

export const envRequirementSchema = z
  .object({
    equals: z.string().optional().describe("The value the variable must have."),
    matches: pattern
      .optional()
      .describe("A regular expression (RE2 syntax: no lookarounds or backreferences) the value must match somewhere."),
    optional: z.boolean().optional().describe("Warn instead of fail when missing."),
  })
  .strict();

export const secretRequirementSchema = z
  .object({
    secret: secretId.optional().describe("The Secret Manager secret id the variable must reference."),
    project: z
      .string()
      .optional()
      .describe(
        "Project (id or number) the secret must live in. Default: the service's own project; the same secret id in any other project fails.",
      ),
    min_bytes: z.number().int().positive().optional().describe("Minimum length of the secret value in bytes."),
    pinned: z.boolean().optional().describe("true: the ref must name a version number, not `latest`."),
    optional: z.boolean().optional().describe("Warn instead of fail when missing."),
  })
  .strict();

/** A secret the team's own tests sign with, to compare with the deployed one (incident 3). */
// Each union says what it takes when a value fits none of its options: zod's own word for that is
// "Invalid input", which names neither the forms nor the fix. (A value of one option's type still
// gets that option's own message, e.g. "must be a duration like 90s".)
export const testSecretSourceSchema = z.union(
  [
    z.object({ env: envVarName.describe("An env var of the job running the gate.") }).strict(),
    z
      .object({
        secret: z
          .string()
          .regex(/^[A-Za-z0-9_-]{1,255}(:(latest|[1-9][0-9]*))?$/, "must be secret-id or secret-id:version")
          .describe("A Secret Manager secret the tests read, `id` or `id:version` (default latest)."),
        project: z.string().optional().describe("Project of the secret when it lives in another project."),
      })
      .strict(),
  ],
  {
    error:
      "must be { env: NAME } (an env var of the job running the gate) or { secret: ID } (ID:VERSION to pin one; project: when it lives in another project), nothing else",
  },
);

export const JWT_ALGORITHMS = ["HS256", "HS384", "HS512", "RS256", "ES256", "EdDSA"] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];
export type HmacAlgorithm = "HS256" | "HS384" | "HS512";

/** HS* sign with the secret bytes; the others with a PEM or JWK private key held in the secret. */
export function isHmacAlgorithm(alg: JwtAlgorithm): alg is HmacAlgorithm {
  return alg.startsWith("HS");
}

export const jwtRequirementSchema = z
  .object({
    secret_env: envVarName.describe(
      "The env var (plain or Secret Manager ref) holding the signing secret (HS*) or the PEM / JWK private key (RS256, ES256, EdDSA).",
    ),
    alg: z.enum(JWT_ALGORITHMS).default("HS256").describe("Signing algorithm; it must be the one the backend verifies with."),
    claims: z.record(z.string(), z.unknown()).default({}).describe("Claims to put in the token."),
    ttl: z.number().int().positive().max(86_400).default(300).describe("Token lifetime in seconds."),
    kid: z.string().optional().describe("Key id put in the token header, for a backend that picks its key by `kid`."),
    typ: z.string().optional().describe("Token type put in the header (`typ`), e.g. `JWT` or `at+jwt`, for a backend that checks it."),
    compare_with: testSecretSourceSchema
      .optional()
      .describe("The secret your own tests sign with; the gate fails if it differs from the deployed one (compared by fingerprint)."),
  })
  .strict();

export const healthRequirementSchema = z
  .object({
    path: probePath("/health").describe(
      "Path of the health endpoint on the service, e.g. /healthz?full=1: one leading /, no //, @, \\ or whitespace (it cannot point at another host).",
    ),
    method: z.enum(["GET", "HEAD", "POST"]).default("GET").describe("HTTP method of the health request."),
    expect_status: z.number().int().min(100).max(599).default(200).describe("The HTTP status a healthy revision answers with."),
    expect_json: z.record(z.string(), z.unknown()).optional().describe("Dotted JSON paths and the values they must have."),
    max_latency_ms: z.number().int().positive().optional().describe("Warn when the answer takes longer."),
    max_body_bytes: z.number().int().positive().max(10_485_760).default(65_536).describe("Read at most this much of the body."),
    retries: z
      .number()
      .int()
      .min(0)
      .max(20)
      .default(3)
      .describe(
        "Retries on 5xx, 429 and network errors (exponential backoff with jitter, Retry-After honoured), within the run's timeout.",
      ),
  })
  .strict();

/** websocket.negative: which refusals the negative probes check. */
export const negativeProbesSchema = z
  .object({
    expired: z.boolean().default(true).describe("A token signed with the deployed key whose exp is an hour past must be refused."),
    alg_none: z.boolean().default(true).describe("An unsigned token (`alg: none`, RFC 8725 §3.1) must be refused."),
    wrong_audience: z
      .boolean()
      .default(true)
      .describe("When jwt.claims set aud or iss: a validly signed token with another aud (and another iss) must be refused."),
    foreign_origin: z.boolean().default(true).describe("With allowed_origins: a handshake from another Origin must be refused."),
  })
  .strict();

export const websocketRequirementSchema = z
  .object({
    path: probePath("/ws").describe(
      "Path of the WebSocket endpoint on the service, e.g. /ws: one leading /, no //, @, \\ or whitespace (it cannot point at another host).",
    ),
    token_in: z
      .enum(["header", "subprotocol", "query", "message"])
      .default("header")
      .describe(
        "Where the token travels: an upgrade header, a subprotocol pair [prefix, token], a query parameter, or `message`: the first message after the upgrade, built from `message` (what browser clients do).",
      ),
    protocol: z
      .enum(["plain", "socket.io", "graphql-transport-ws"])
      .default("plain")
      .describe(
        'What the socket speaks; with socket.io or graphql-transport-ws the token travels in the protocol\'s own auth message (`message` overrides it) and token_in is not used. socket.io: Engine.IO v4 over its WebSocket transport (path e.g. /socket.io/), CONNECT with auth {"token":"{token}"}; CONNECT accepts, CONNECT_ERROR refuses. graphql-transport-ws (graphql-ws): connection_init with payload {"token":"{token}"}; connection_ack accepts, a close (4403/4401) refuses.',
      ),
    message: z
      .string()
      .max(65_536)
      .refine((value) => value.includes("{token}"), "must contain {token}, where the token goes")
      .optional()
      .describe(
        'token_in: message: the first message, with {token} where the token goes, e.g. {"type":"auth","token":"{token}"}. Accepted: a reply containing expect_reply, or (without expect_reply) the socket staying open for observe_ms. Refused: a close, a reply without expect_reply, or no reply.',
      ),
    allowed_origins: z
      .array(z.string().regex(/^https?:\/\/[^/\s?#@]+$/, "must be an origin: scheme://host[:port], no path"))
      .min(1)
      .max(20)
      .optional()
      .describe(
        "The Origins the backend serves. The gate sends the first one on its handshakes, and one from another origin (with a valid token) must be refused: cross-site WebSocket hijacking.",
      ),
    negative: negativeProbesSchema
      .prefault({})
      .describe(
        "Negative probes run once the valid token is accepted; each acceptance fails. All on by default: they send only tokens the backend must refuse, to the probed URL.",
      ),
    token_name: z
      .string()
      .optional()
      .describe(
        "Header name (default Authorization, sent as `Bearer <token>`), subprotocol prefix (default bearer), or query parameter (default token).",
      ),
    expect_refused_without_token: z
      .boolean()
      .default(true)
      .describe("Negative probes: a handshake without a token and one signed with a random key must be refused."),
    send: z
      .string()
      .max(65_536)
      .optional()
      .describe("A first message to send once connected (after the auth message with token_in: message)."),
    expect_reply: z
      .string()
      .max(65_536)
      .optional()
      .describe("Text the first reply must contain (needs send, or a server that speaks first)."),
    timeout_ms: z.number().int().positive().max(120_000).default(10_000).describe("Handshake (and reply) timeout."),
    observe_ms: z
      .number()
      .int()
      .min(0)
      .max(30_000)
      .default(500)
      .describe("How long an accepted socket must stay open (catches a close 1006/1008 right after accept)."),
  })
  .strict()
  .superRefine((value, ctx) => {
    if (value.protocol !== "plain") return;
    // A header name and a subprotocol are HTTP tokens: ws refuses anything else before sending (the run used to end on its throw).
    if (
      (value.token_in === "header" || value.token_in === "subprotocol") &&
      value.token_name !== undefined &&
      !HTTP_TOKEN.test(value.token_name)
    )
      ctx.addIssue({
        code: "custom",
        path: ["token_name"],
        message: `with token_in: ${value.token_in} it must be an HTTP token: letters, digits and !#$%&'*+-.^_\`|~, no spaces`,
      });
    if (value.token_in === "message" && value.message === undefined)
      ctx.addIssue({
        code: "custom",
        path: ["message"],
        message: 'token_in: message needs a message template, e.g. {"type":"auth","token":"{token}"}',
      });
    if (value.token_in !== "message" && value.message !== undefined)
      ctx.addIssue({ code: "custom", path: ["message"], message: "message is the token's first message: it needs token_in: message" });
  });

/** RFC 9110 token: a header name, a WebSocket subprotocol. */
const HTTP_TOKEN = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/;

/** A header the manifest adds to a probe: a token name, a value without line breaks (no header injection). */
const headerName = z
  .string()
  .regex(HTTP_TOKEN, "must be an HTTP header name")
  // A credential in the manifest is a credential in the repository; the gate sends its own, masked.
  .refine(
    (name) => !/^(authorization|x-serverless-authorization|cookie|proxy-authorization|host)$/i.test(name),
    "is set by the gate (with_token sends the token, the ID token goes in X-Serverless-Authorization): leave it out of headers",
  );
const headerValue = z
  .string()
  .max(8_192)
  .regex(/^[^\r\n\x00]*$/, "must not contain line breaks or NUL");

export const httpCheckSchema = z
  .object({
    path: probePath("/").describe("Path on the service: one leading /, no //, @, \\ or whitespace (it cannot point at another host)."),
    method: z.enum(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]).default("GET"),
    headers: z
      .record(headerName, headerValue)
      .default({})
      .describe("Extra request headers (plain values: a credential belongs in with_token, which is masked)."),
    with_token: z
      .boolean()
      .default(false)
      .describe("Send the token signed with the deployed secret as `Authorization: Bearer`; false sends none (the route must refuse)."),
    expect_status: z
      .union([z.number().int().min(100).max(599), z.array(z.number().int().min(100).max(599)).min(1).max(20)], {
        error: "must be an HTTP status (100-599) or a list of them, e.g. 200 or [401, 403]",
      })
      .default(200)
      .describe("The status, or statuses, the route must answer, e.g. [401, 403] without a token."),
    expect_json: z.record(z.string(), z.unknown()).optional().describe("Dotted JSON paths and the values they must have."),
  })
  .strict();

// RE2 patterns like `matches`, checked here so a bad one fails at parse time with its line.
const logPattern = z
  .string()
  .min(1)
  .max(256)
  .superRefine((value, ctx) => {
    const problem = patternProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

export const logsRequirementSchema = z
  .object({
    max_errors: z
      .number()
      .int()
      .min(0)
      .max(1000)
      .default(0)
      .describe("Most log entries at severity ERROR or above the revision may have written since it was created."),
    deny: z
      .array(logPattern)
      .max(20)
      .default([])
      .describe("Regular expressions: a log line (any severity) that matches one fails the gate, e.g. `JWT.*(not configured|missing)`."),
    allow: z.array(logPattern).max(20).default([]).describe("Regular expressions for known noise: matching lines are ignored."),
    optional: z
      .boolean()
      .optional()
      .describe("true: without roles/logging.viewer the log check is skipped instead of making the gate unable to decide."),
  })
  .strict();

/** `90s`, `5m`, `1m30s`, `500ms` (Argo / Flagger style), or a number of seconds. */
export const DURATION = /^([0-9]+h)?([0-9]+m(?!s))?([0-9]+s)?([0-9]+ms)?$/;
const duration = z.union(
  [
    z.number().min(0).max(3600),
    z
      .string()
      .regex(DURATION, "must be a duration like 90s, 5m or 1m30s")
      .refine((text) => text !== "", "must not be empty"),
  ],
  { error: "must be a number of seconds (0-3600) or a duration like 90s, 5m or 1m30s" },
);

export const verifyRequirementSchema = z
  .object({
    duration: duration.describe("How long to keep verifying the revision after the first probes, e.g. 5m."),
    interval: duration
      .default("10s")
      .describe("Time between rounds (at least 1s); each round repeats /health, the WebSocket probes and reads new log entries."),
    initial_delay: duration.default("0s").describe("Wait this long before the first round."),
    consecutive_successes: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .default(3)
      .describe("Rounds in a row that must pass, at the end, for `pass`; fewer is `inconclusive`."),
    failure_limit: z.number().int().min(1).max(1000).default(1).describe("Failed rounds that make the verification `fail`."),
  })
  .strict();

export const serviceRequirementSchema = z
  .object({
    region: z.string().optional().describe("Cloud Run region of this service. Default: the top-level region, then the region input."),
    container: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, "must be a container name (lowercase letters, digits and -, at most 63)")
      .optional()
      .describe(
        "The container env, secrets and jwt.secret_env apply to. Default: the ingress container (the one with a port; a lone container is it). A variable set only on another container does not count.",
      ),
    env: z
      .record(envVarName, envRequirementSchema.nullable().describe("One required plain variable and what its value must be."))
      .default({})
      .describe("Plain env vars that must be set, by name; `{}` means set to anything."),
    secrets: z
      .record(
        envVarName,
        secretRequirementSchema.nullable().describe("One variable that must reference a Secret Manager secret, and which."),
      )
      .default({})
      .describe("Env vars that must be Secret Manager references, by name; `{}` means any secret that exists, is enabled and readable."),
    jwt: jwtRequirementSchema
      .optional()
      .describe("Mint a test token from the signing secret the revision references, for the WebSocket probe."),
    health: healthRequirementSchema
      .optional()
      .describe("Probe the health endpoint like a client (at the revision's own URL, tag URL or the url input)."),
    websocket: websocketRequirementSchema
      .optional()
      .describe(
        "Open the WebSocket like a client: with the minted token (must be accepted) and without or with a forged one (must be refused).",
      ),
    http: z
      .array(httpCheckSchema)
      .max(50)
      .optional()
      .describe(
        "HTTP checks beyond /health, e.g. a protected route answers 401 without a token and 200 with one (catches an auth layer not mounted or bypassed).",
      ),
    logs: logsRequirementSchema.optional().describe("The revision's own log entries since it was created (Cloud Logging)."),
    verify: verifyRequirementSchema.optional().describe("Verification over time after the first probes (live mode)."),
  })
  .strict();

export const manifestSchema = z
  .object({
    $schema: z.string().optional(),
    region: z.string().optional().describe("Default Cloud Run region of the services."),
    project_id: z
      .string()
      .optional()
      .describe("Default project of the services. Default: the project_id input, then the credentials' project."),
    services: z
      .record(z.string(), serviceRequirementSchema.nullable().describe("A Cloud Run service, by name, and what it needs."))
      .describe("The services the gate checks (all of them, unless the services input selects some)."),
    dev_fallback_secrets: z
      .array(z.string().min(1))
      .default([])
      .describe("Known development or placeholder secret values that must never be deployed (in addition to the built-in patterns)."),
    consistent: z
      .array(z.array(z.string().regex(/^[^.\s]+\.[A-Za-z_][A-Za-z0-9_]*$/, "must be service.ENV_NAME")).min(2))
      .default([])
      .describe("Groups of service.ENV that must hold the same value (compared by fingerprint)."),
  })
  .strict();

export type EnvRequirement = z.infer<typeof envRequirementSchema>;
export type SecretRequirement = z.infer<typeof secretRequirementSchema>;
export type JwtRequirement = z.infer<typeof jwtRequirementSchema>;
export type TestSecretSource = z.infer<typeof testSecretSourceSchema>;
export type HealthRequirement = z.infer<typeof healthRequirementSchema>;
export type WebsocketRequirement = z.infer<typeof websocketRequirementSchema>;
export type HttpCheck = z.infer<typeof httpCheckSchema>;
export type LogsRequirement = z.infer<typeof logsRequirementSchema>;
export type VerifyRequirement = z.infer<typeof verifyRequirementSchema>;
export type ServiceRequirementRaw = z.infer<typeof serviceRequirementSchema>;
export type ManifestRaw = z.infer<typeof manifestSchema>;
