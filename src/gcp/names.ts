// The grammars of the names Cloud Run and Secret Manager answer with. A name
// from an answer becomes a request path, an output, a log line and an IAM
// member, so it is checked here first; one that breaks its grammar is a broken
// answer (a proxy, a bug, an attack), never data, and the run cannot decide.
import { type GateError, GcpError } from "../errors.js";

/** Cloud Run service, revision (`backend-00042-abc`) and container names: RFC 1035 labels. */
const CLOUD_RUN_ID = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** A project id, or the project number the APIs often answer with instead. */
const PROJECT = /^[a-z][-a-z0-9]{4,28}[a-z0-9]$|^[0-9]{1,20}$/;
const SECRET_ID = /^[A-Za-z0-9_-]{1,255}$/;
/** What a ref may name (Cloud Run's SecretKeySelector): `latest`, a version number, or a version alias. */
const SECRET_VERSION = /^(latest|[1-9][0-9]{0,18}|[A-Za-z][A-Za-z0-9_-]{0,62})$/;
/** What a version resolves to: always its number. */
const VERSION_NUMBER = /^[1-9][0-9]{0,18}$/;
const LABEL = "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?";
const EMAIL = new RegExp(`^[a-z0-9][a-z0-9._+-]{0,63}@${LABEL}(\\.${LABEL})+$`, "i");
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "[::1]", "localhost"]);

type Api = "Cloud Run" | "Secret Manager";

/** The error for an answer that breaks its API's grammar; the value is quoted inertly, or not at all. */
export function badAnswer(api: Api, what: string, value: unknown): GateError {
  return new GcpError(`the ${api} API answered with ${what} that is not valid: ${quoteUntrusted(value)}`, {
    code: "GCP_UNAVAILABLE",
    hint: `${api} never answers this itself: check the ${api === "Cloud Run" ? "cloud_run_endpoint" : "secret_manager_endpoint"} input and any proxy in between`,
  });
}

/**
 * A name from an answer, safe in any output: every character outside a plain name's alphabet is
 * written as a `\uXXXX` escape (no `::`, `##[`, markup, mentions or line breaks survive). A long
 * value is not shown rather than cut, so no cut can leave the start of a secret it echoes.
 */
export function quoteUntrusted(value: unknown): string {
  if (typeof value !== "string") return value === undefined || value === null ? "(none)" : `(a ${typeof value}, not a string)`;
  if (value.length > 120) return "(too long to show)";
  const escaped = value.replace(/[^A-Za-z0-9._/-]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return `"${escaped}"`;
}

export interface ServiceTarget {
  project: string;
  region: string;
  service: string;
}

/**
 * The revision id of `value`, which the API gives as a plain id (traffic) or as a full name
 * (`projects/P/locations/L/services/S/revisions/R`, the project possibly as its number). A full
 * name must belong to `target`'s service: Cloud Run never points a service at another's revision.
 */
export function revisionId(value: unknown, target: ServiceTarget): string {
  if (typeof value === "string") {
    if (CLOUD_RUN_ID.test(value)) return value;
    const parts = value.split("/");
    const [projects, project = "", locations, location, services, service, revisions, id = ""] = parts;
    if (
      parts.length === 8 &&
      projects === "projects" &&
      locations === "locations" &&
      services === "services" &&
      revisions === "revisions" &&
      PROJECT.test(project) &&
      location === target.region &&
      service === target.service &&
      CLOUD_RUN_ID.test(id)
    ) {
      return id;
    }
  }
  throw badAnswer("Cloud Run", "a revision name", value);
}

/**
 * A URL the gate will probe and print: https, no credentials, query or path. Plain http is
 * accepted only on the loopback host (an emulator or a local proxy: nothing leaves the machine).
 */
export function serviceUrl(value: unknown, what = "a service URL"): string {
  // The URL parser silently drops tabs and newlines: check the raw text first.
  if (typeof value === "string" && value.length <= 2048 && /^[\x21-\x7e]+$/.test(value) && URL.canParse(value)) {
    const url = new URL(value);
    const scheme = url.protocol === "https:" || (url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname));
    const bare = !url.username && !url.password && !url.search && !url.hash && url.pathname === "/" && !value.endsWith("?");
    if (scheme && bare && url.hostname) return value;
  }
  throw badAnswer("Cloud Run", what, value);
}

/** A runtime service account: an email. */
export function serviceAccountEmail(value: unknown): string {
  if (typeof value === "string" && value.length <= 254 && EMAIL.test(value)) return value;
  throw badAnswer("Cloud Run", "a service account", value);
}

/** A Cloud Run secret ref (`id`, or `projects/{project}/secrets/{id}` for another project) and its version. */
export function secretRefParts(secret: unknown, version: unknown): { project?: string; secret: string; version: string } {
  let parts: { project?: string; secret: string } | undefined;
  if (typeof secret === "string") {
    const match = /^projects\/([^/]+)\/secrets\/([^/]+)$/.exec(secret);
    if (SECRET_ID.test(secret)) parts = { secret };
    else if (match && PROJECT.test(match[1] ?? "") && SECRET_ID.test(match[2] ?? ""))
      parts = { project: match[1] ?? "", secret: match[2] ?? "" };
  }
  if (!parts) throw badAnswer("Cloud Run", "a secret id", secret);
  // Cloud Run reads a ref without a version as `latest`.
  const resolved = version === undefined || version === null || version === "" ? "latest" : version;
  if (typeof resolved !== "string" || !SECRET_VERSION.test(resolved)) throw badAnswer("Cloud Run", "a secret version", version);
  return { ...parts, version: resolved };
}

/** A ref's parts could be a Secret Manager version's name (a candidate file's refs are checked here too). */
export function isSecretVersionRef(project: string, secret: string, version: string): boolean {
  return PROJECT.test(project) && SECRET_ID.test(secret) && SECRET_VERSION.test(version);
}

/** `projects/{project}/secrets/{secret}/versions/{number}`, about the secret that was asked for. */
export function secretVersionName(value: unknown, secret: string): string {
  if (typeof value === "string") {
    const match = /^projects\/([^/]+)\/secrets\/([^/]+)\/versions\/([^/]+)$/.exec(value);
    if (match && PROJECT.test(match[1] ?? "") && match[2] === secret && VERSION_NUMBER.test(match[3] ?? "")) return value;
  }
  throw badAnswer("Secret Manager", "a secret version name", value);
}
