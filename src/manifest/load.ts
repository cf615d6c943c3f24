// Reads the manifest YAML, validates it with the zod schema and keeps the line
// of every requirement, so a finding can point at the line that asked for it.
import { LineCounter } from "yaml";
import type * as z from "zod";
import { ManifestError } from "../errors.js";
import { clipForMessage, NAME_PATTERNS } from "../inputs.js";
import type { SourceLocation } from "../model.js";
import { parseBoundedYamlValue } from "../parse-yaml.js";
import { manifestLocator } from "./locate.js";
import {
  envRequirementSchema,
  healthRequirementSchema,
  httpCheckSchema,
  jwtRequirementSchema,
  logsRequirementSchema,
  manifestSchema,
  negativeProbesSchema,
  verifyRequirementSchema,
  secretRequirementSchema,
  serviceRequirementSchema,
  websocketRequirementSchema,
  type HttpCheck,
  type EnvRequirement,
  type HealthRequirement,
  type JwtRequirement,
  type LogsRequirement,
  type ManifestRaw,
  type VerifyRequirement,
  type SecretRequirement,
  type WebsocketRequirement,
} from "./schema.js";

/** A requirement plus the manifest line it was written on. */
export type Located<T> = T & { name: string; location: SourceLocation };

export interface ServiceRequirement {
  name: string;
  region: string | undefined;
  /** The container the requirements apply to; undefined: the ingress container. */
  container: string | undefined;
  location: SourceLocation;
  env: Located<EnvRequirement>[];
  secrets: Located<SecretRequirement>[];
  jwt: Located<JwtRequirement> | undefined;
  health: Located<HealthRequirement> | undefined;
  websocket: Located<WebsocketRequirement> | undefined;
  /** `http:` checks, each located at its list item. */
  http?: Located<HttpCheck>[];
  logs?: Located<LogsRequirement> | undefined;
  verify?: Located<VerifyRequirement> | undefined;
}

export interface Manifest {
  file: string;
  region: string | undefined;
  projectId: string | undefined;
  services: ServiceRequirement[];
  consistent: { members: { service: string; env: string }[]; location: SourceLocation }[];
  devFallbackSecrets: string[];
}

const MAX_MANIFEST_BYTES = 1024 * 1024;

export function parseManifest(text: string, file: string): Manifest {
  if (Buffer.byteLength(text) > MAX_MANIFEST_BYTES) {
    throw new ManifestError(`manifest ${file} is larger than 1 MiB`, { hint: "split it or remove unused entries" });
  }
  const lineCounter = new LineCounter();
  const { doc, toJS } = parseBoundedYamlValue(text, lineCounter, { label: `manifest ${file}`, error: ManifestError });
  const yamlError = doc.errors[0];
  if (yamlError) {
    // With prettyErrors off, linePos is not filled in: compute the line from the offset.
    const line = lineCounter.linePos(yamlError.pos[0]).line;
    throw new ManifestError(`manifest ${file}${line ? `:${line}` : ""} is not valid YAML: ${yamlError.code}`, {
      hint: "check indentation and quoting at that line",
    });
  }
  let data: unknown;
  try {
    // maxAliasCount bounds "billion laughs" expansion: few aliases can still nest into many nodes.
    data = toJS(100);
  } catch {
    throw new ManifestError(`manifest ${file} expands too many YAML aliases`, { hint: "write the entries out instead of using anchors" });
  }
  if (data === null || data === undefined) {
    throw new ManifestError(`manifest ${file} is empty`, { hint: "list at least one service under `services:`" });
  }
  const { root, step, at, locate } = manifestLocator(doc, lineCounter, file);
  refuseUncheckable(data, (path) => locate(path).line, file);
  // jitless: the manifest is parsed once per run, and zod's compiled fast path only pays from the second
  // parse on (bench/manifest-parse.ts, cold: no faster on Node 20, slower on 24). Per call, not `z.config`:
  // that would switch it off for every schema built after this module, in whatever order they load.
  const parsed = manifestSchema.safeParse(data, { jitless: true });
  if (!parsed.success)
    throw new ManifestError(describeIssues(parsed.error, locate, file), { hint: "see the manifest reference in README.md" });

  const raw = parsed.data;
  checkNames(raw, (path) => locate(path).line, file);
  const servicesAt = step(root, "services");
  const services: ServiceRequirement[] = Object.entries(raw.services).map(([name, requirement]) => {
    const spec = requirement ?? { env: {}, secrets: {} };
    const here = step(servicesAt, name);
    const atField = (field: string) => at(step(here, field));
    // zod's output is this parse's own: named and located in place rather than copied (a fleet has thousands).
    const located = <T extends object>(kind: string, entries: Record<string, T | null>) => {
      const kindAt = step(here, kind);
      return Object.keys(entries).map((key) => Object.assign(entries[key] ?? ({} as T), { name: key, location: at(step(kindAt, key)) }));
    };
    const httpAt = step(here, "http");
    return {
      name,
      region: spec.region ?? raw.region,
      container: spec.container,
      location: at(here),
      env: located<EnvRequirement>("env", spec.env ?? {}),
      secrets: located<SecretRequirement>("secrets", spec.secrets ?? {}),
      jwt: spec.jwt && { ...spec.jwt, name: spec.jwt.secret_env, location: atField("jwt") },
      health: spec.health && { ...spec.health, name: "health", location: atField("health") },
      websocket: spec.websocket && { ...spec.websocket, name: "websocket", location: atField("websocket") },
      http: (spec.http ?? []).map((check, index) => ({ ...check, name: check.path, location: at(step(httpAt, index)) })),
      logs: spec.logs && { ...spec.logs, name: "logs", location: atField("logs") },
      verify: spec.verify && { ...spec.verify, name: "verify", location: atField("verify") },
    };
  });
  if (services.length === 0) {
    throw new ManifestError(`manifest ${file} lists no services`, { hint: "add at least one service under `services:`" });
  }
  const consistentAt = step(root, "consistent");
  const consistent = raw.consistent.map((group, index) => ({
    members: group.map((member) => {
      const dot = member.lastIndexOf(".");
      return { service: member.slice(0, dot), env: member.slice(dot + 1) };
    }),
    location: at(step(consistentAt, index)),
  }));
  const names = new Set(services.map((service) => service.name));
  for (const group of consistent) {
    for (const member of group.members) {
      if (!names.has(member.service)) {
        throw new ManifestError(
          `manifest ${file}:${group.location.line ?? "?"}: consistent group names service "${clipForMessage(member.service)}", which is not under services:`,
          { hint: `add ${clipForMessage(member.service)} to services: or fix the name` },
        );
      }
    }
  }
  return { file, region: raw.region, projectId: raw.project_id, services, consistent, devFallbackSecrets: raw.dev_fallback_secrets };
}

/**
 * One walk over the manifest's value for what zod cannot be trusted with:
 * - an own `__proto__` key: zod's records skip it without an issue (assigning it would replace
 *   the result's prototype), so an env var, secret, expect_json path or service of that name
 *   would vanish from the requirements, and a run that checked less would pass;
 * - a cycle: an alias inside its own anchor (`web: &w { env: { A: *w } }`) is a circular object
 *   from yaml's toJS, which no walk finishes (a stack overflow); one under `claims:` or
 *   `expect_json:` (z.unknown) reached the probes.
 * Both refused, with the line.
 */
function refuseUncheckable(data: unknown, lineOf: (path: (string | number)[]) => number | undefined, file: string): void {
  const where = (path: (string | number)[], linePath = path) => {
    const line = lineOf(linePath);
    return `manifest ${file}${line ? `:${line}` : ""} ${pathText(path) || "(top level)"}`;
  };
  const inside = new Set<object>();
  const walk = (node: unknown, path: (string | number)[]): void => {
    if (node === null || typeof node !== "object") return;
    if (inside.has(node)) {
      throw new ManifestError(`${where(path)}: a YAML alias inside its own anchor makes the value contain itself`, {
        hint: "write the value out instead of repeating it with *aliases: an alias may repeat its &anchor's node only outside it",
      });
    }
    inside.add(node);
    if (Array.isArray(node)) {
      for (let index = 0; index < node.length; index++) walk(node[index], [...path, index]);
    } else {
      if (Object.hasOwn(node, "__proto__")) {
        const what = path.length === 1 && path[0] === "services" ? `is not ${NAME_PATTERNS.service.expected}` : "cannot be a key here";
        throw new ManifestError(`${where(path, [...path, "__proto__"])}: "__proto__" ${what}`, {
          hint: "rename it: the gate cannot check a requirement by that name",
        });
      }
      for (const [key, value] of Object.entries(node)) walk(value, [...path, key]);
    }
    // Off the path again: the same node met twice side by side (an alias used twice) is no cycle.
    inside.delete(node);
  };
  walk(data, []);
}

/**
 * Names the schema accepts as any string but that end up in Google API paths: held to the same
 * strict patterns as the action inputs, before any request is made.
 */
function checkNames(raw: ManifestRaw, lineOf: (path: (string | number)[]) => number | undefined, file: string): void {
  const check = (kind: keyof typeof NAME_PATTERNS, value: string | undefined, path: (string | number)[]) => {
    if (value === undefined || NAME_PATTERNS[kind].pattern.test(value)) return;
    const line = lineOf(path);
    throw new ManifestError(
      `manifest ${file}${line ? `:${line}` : ""} ${pathText(path)}: ${JSON.stringify(clipForMessage(value))} is not ${NAME_PATTERNS[kind].expected}`,
      { hint: `fix that ${kind === "service" ? "service name" : kind} in the manifest` },
    );
  };
  check("project", raw.project_id, ["project_id"]);
  check("region", raw.region, ["region"]);
  for (const [name, spec] of Object.entries(raw.services)) {
    check("service", name, ["services", name]);
    check("region", spec?.region, ["services", name, "region"]);
    for (const [env, secret] of Object.entries(spec?.secrets ?? {}))
      check("project", secret?.project, ["services", name, "secrets", env, "project"]);
    const compare = spec?.jwt?.compare_with;
    if (compare && "project" in compare) check("project", compare.project, ["services", name, "jwt", "compare_with", "project"]);
  }
}

/** The fields the object at `path` may have, for "did you mean". */
function fieldsAt(path: readonly (string | number)[]): string[] {
  const [top, , kind, entry] = path;
  if (path.length === 0) return Object.keys(manifestSchema.shape);
  if (top !== "services") return [];
  if (path.length === 2) return Object.keys(serviceRequirementSchema.shape);
  const nested: Record<string, { shape: object }> = {
    jwt: jwtRequirementSchema,
    health: healthRequirementSchema,
    websocket: websocketRequirementSchema,
    logs: logsRequirementSchema,
    verify: verifyRequirementSchema,
  };
  if (path.length === 3 && typeof kind === "string" && nested[kind]) return Object.keys(nested[kind].shape);
  if (path.length === 4 && entry !== undefined && kind === "env") return Object.keys(envRequirementSchema.shape);
  if (path.length === 4 && entry !== undefined && kind === "secrets") return Object.keys(secretRequirementSchema.shape);
  // One list item of http:, and the object under websocket.negative.
  if (path.length === 4 && typeof entry === "number" && kind === "http") return Object.keys(httpCheckSchema.shape);
  if (path.length === 4 && entry === "negative" && kind === "websocket") return Object.keys(negativeProbesSchema.shape);
  return [];
}

/** The known field closest to a misspelt one (at most 2 edits away), if any. */
export function didYouMean(key: string, fields: readonly string[]): string | undefined {
  let best: { field: string; distance: number } | undefined;
  for (const field of fields) {
    const distance = editDistance(key.toLowerCase(), field);
    if (distance <= Math.min(2, Math.floor(field.length / 2)) && (!best || distance < best.distance)) best = { field, distance };
  }
  return best?.field;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length] ?? 3;
}

function describeIssues(error: z.ZodError, locate: (path: (string | number)[]) => SourceLocation, file: string): string {
  const lines = error.issues.slice(0, 5).map((issue) => {
    const path = issue.path.filter((part): part is string | number => typeof part !== "symbol");
    // Point at the offending key itself, not at its parent.
    const linePath = issue.code === "unrecognized_keys" && issue.keys[0] !== undefined ? [...path, issue.keys[0]] : path;
    const { line } = locate(linePath);
    const where = path.length ? pathText(path) : "(top level)";
    const message =
      issue.code === "unrecognized_keys"
        ? `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys
            .slice(0, MAX_QUOTED_KEYS)
            .map((key) => unknownKey(key, fieldsAt(path)))
            .join(", ")}${issue.keys.length > MAX_QUOTED_KEYS ? ` (and ${issue.keys.length - MAX_QUOTED_KEYS} more)` : ""}`
        : issue.code === "invalid_key"
          ? `key ${issue.issues[0]?.message ?? "is invalid"}`
          : issue.message;
    return `${file}${line ? `:${line}` : ""} ${where}: ${message}`;
  });
  const more = error.issues.length > 5 ? ` (and ${error.issues.length - 5} more)` : "";
  return `manifest is invalid: ${lines.join("; ")}${more}`;
}

/**
 * A path as a message shows it. Its keys are the manifest author's text: a quoted or explicit
 * (`? `) YAML key can be 1 MiB long and hold control characters, so each is clipped and flattened
 * as an input is, and the message stays one short line however the keys are written.
 */
function pathText(path: readonly (string | number)[]): string {
  return path.map((part) => (typeof part === "string" ? clipForMessage(part) : part)).join(".");
}

/** Unknown fields named in one message; a file of a thousand is not one to list. */
const MAX_QUOTED_KEYS = 5;

function unknownKey(key: string, fields: readonly string[]): string {
  const suggestion = didYouMean(key, fields);
  return `${JSON.stringify(clipForMessage(key))}${suggestion && suggestion !== key ? ` (did you mean "${suggestion}"?)` : ""}`;
}
