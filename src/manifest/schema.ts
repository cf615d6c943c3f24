// The requirements file (`.github/deploy-gate.yml`). This zod schema is the one
// definition: the TypeScript types, the validation and the published JSON
// Schema (`schema/deploy-gate.schema.json`) all come from it.
import { z } from "zod";

const envVarName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an environment variable name (letters, digits, _)");
const secretId = z.string().regex(/^[A-Za-z0-9_-]{1,255}$/, "must be a Secret Manager secret id ([A-Za-z0-9_-], 1-255 chars)");

export const envRequirementSchema = z
  .object({
    equals: z.string().optional().describe("The value the variable must have."),
    matches: z.string().optional().describe("A regular expression the value must match."),
    optional: z.boolean().optional().describe("Warn instead of fail when missing."),
  })
  .strict();

export const secretRequirementSchema = z
  .object({
    secret: secretId.optional().describe("The Secret Manager secret id the variable must reference."),
    project: z.string().optional().describe("Project of the secret when it lives in another project."),
    min_bytes: z.number().int().positive().optional().describe("Minimum length of the secret value in bytes."),
    pinned: z.boolean().optional().describe("true: the ref must name a version number, not `latest`."),
    optional: z.boolean().optional().describe("Warn instead of fail when missing."),
  })
  .strict();

export const jwtRequirementSchema = z
  .object({
    secret_env: envVarName.describe("The env var (plain or Secret Manager ref) holding the signing secret."),
    alg: z.enum(["HS256", "HS384", "HS512"]).default("HS256"),
    claims: z.record(z.string(), z.unknown()).default({}).describe("Claims to put in the token."),
    ttl: z.number().int().positive().max(86_400).default(300).describe("Token lifetime in seconds."),
    kid: z.string().optional(),
    typ: z.string().optional(),
  })
  .strict();

export const healthRequirementSchema = z
  .object({
    path: z.string().startsWith("/").default("/health"),
    expect_status: z.number().int().min(100).max(599).default(200),
    expect_json: z.record(z.string(), z.unknown()).optional().describe("Dotted JSON paths and the values they must have."),
    max_latency_ms: z.number().int().positive().optional(),
  })
  .strict();

export const websocketRequirementSchema = z
  .object({
    path: z.string().startsWith("/").default("/ws"),
    token_in: z.enum(["header", "subprotocol", "query"]).default("header"),
    token_name: z
      .string()
      .optional()
      .describe("Header name (default Authorization, sent as `Bearer <token>`), subprotocol prefix, or query parameter (default token)."),
    expect_refused_without_token: z.boolean().default(true),
  })
  .strict();

export const serviceRequirementSchema = z
  .object({
    region: z.string().optional(),
    env: z.record(envVarName, envRequirementSchema.nullable()).default({}),
    secrets: z.record(envVarName, secretRequirementSchema.nullable()).default({}),
    jwt: jwtRequirementSchema.optional(),
    health: healthRequirementSchema.optional(),
    websocket: websocketRequirementSchema.optional(),
  })
  .strict();

export const manifestSchema = z
  .object({
    $schema: z.string().optional(),
    region: z.string().optional().describe("Default Cloud Run region of the services."),
    project_id: z.string().optional(),
    services: z.record(z.string(), serviceRequirementSchema.nullable()),
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
export type HealthRequirement = z.infer<typeof healthRequirementSchema>;
export type WebsocketRequirement = z.infer<typeof websocketRequirementSchema>;
export type ServiceRequirementRaw = z.infer<typeof serviceRequirementSchema>;
export type ManifestRaw = z.infer<typeof manifestSchema>;
