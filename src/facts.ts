// What the collection stage learned (facts), in one neutral home: gcp/ and
// collect/ produce them, checks/ judge them, and none imports another's.
// Checks see lengths and fingerprints, never the secret bytes.
import type { SecretRef } from "./model.js";

/** What Secret Manager said about one referenced version (gcp/secret-manager.ts reads it). */
export type SecretStatus =
  | "ok"
  | "not_found"
  | "version_not_found"
  | "access_denied"
  | "version_disabled"
  | "version_destroyed"
  /** The ref's secret id, project or version is not a valid name (`../x`, `a%2Fb`): never requested. */
  | "invalid_ref";

export interface SecretState {
  status: SecretStatus;
  /** Full version name the ref resolves to, e.g. projects/p/secrets/s/versions/3. */
  resolvedVersion?: string;
  /** When that version was created (RFC 3339), from versions.get. */
  createTime?: string;
}

export interface SecretValueFacts {
  byteLength: number;
  /** Keyed HMAC of the value (per-run random key): equal values, equal fingerprints. */
  fingerprint: string;
  /** The value is a known development fallback or placeholder. */
  devFallback: boolean;
}

export interface SecretFact {
  state: SecretState;
  value?: SecretValueFacts;
  /** The value could not be read by the gate (its own identity lacks access). */
  valueError?: string;
}

/** One key per secret version, whichever project spelling the ref used. */
export function secretKey(ref: SecretRef, defaultProject: string): string {
  return `${ref.project ?? defaultProject}/${ref.secret}@${ref.version}`;
}

export type SecretFacts = ReadonlyMap<string, SecretFact>;

/** A secret-backed variable's value for a comparison (never rendered), or why the gate cannot know it. */
export type SecretText = { text: string } | { unavailable: string };

/** Reads the value a ref resolves to, for `equals` / `matches`. */
export type SecretTextOf = (ref: SecretRef) => SecretText;

const UNAVAILABLE: Record<Exclude<SecretState["status"], "ok">, string> = {
  access_denied: "the gate's identity was denied access to it",
  not_found: "the secret does not exist",
  version_not_found: "that version does not exist",
  version_disabled: "that version is disabled",
  version_destroyed: "that version is destroyed",
  invalid_ref: "the ref is not a valid Secret Manager name",
};

/** What the vault learned, as the value checks need it: the text when it was read, otherwise why not. */
export function secretTextOf(facts: SecretFacts, values: ReadonlyMap<string, Uint8Array>, defaultProject: string): SecretTextOf {
  return (ref) => {
    const key = secretKey(ref, defaultProject);
    const fact = facts.get(key);
    if (!fact) return { unavailable: "it was not inspected" };
    if (fact.state.status !== "ok") return { unavailable: UNAVAILABLE[fact.state.status] };
    if (fact.valueError) return { unavailable: `its value could not be read (${fact.valueError})` };
    const bytes = values.get(key);
    return bytes ? { text: Buffer.from(bytes).toString("utf8") } : { unavailable: "its value was not read" };
  };
}

/**
 * Fingerprint of `service.ENV` (a consistency group's member), or why there is none; `differs`: the
 * service serves several revisions (a traffic split) that do not agree, as `revision=fingerprint`.
 */
export type MemberValue = { fingerprint: string } | { unavailable: string } | { differs: string[] };

/** Project id → project number, for the projects a ref names one way and the manifest (or service) the other. */
export type ProjectNumbers = ReadonlyMap<string, string>;

/** A project number rather than a project id. */
export function isProjectNumber(project: string): boolean {
  return /^\d+$/.test(project);
}

export interface PolicyBinding {
  role: string;
  members: string[];
  /** A conditional binding cannot be evaluated offline. */
  conditional: boolean;
}

/** A policy, or why it could not be read (the gate's identity lacks getIamPolicy). */
export type PolicyFact = { bindings: PolicyBinding[] } | { unreadable: string };

/**
 * The policies of the folders and organization above a project (grants there are inherited), or why
 * the gate could not find out which they are.
 */
export type InheritedPolicies = { policies: { resource: string; policy: PolicyFact }[] } | { unreadable: string };

export interface AccessorFacts {
  serviceAccount: string;
  /** Why the runtime account is not known (the default compute account of a project whose number could not be read). */
  serviceAccountUnknown?: string;
  /** Keyed by `project/secret`. */
  secretPolicies: ReadonlyMap<string, PolicyFact>;
  /** Keyed by project. */
  projectPolicies: ReadonlyMap<string, PolicyFact>;
  /**
   * Keyed by project, read when neither the secret's nor the project's policy grants access. A project
   * missing from the map was not looked above; leaving the map out says there is nothing above to see.
   */
  inheritedPolicies?: ReadonlyMap<string, InheritedPolicies>;
}

/** Predefined roles that include secretmanager.versions.access. */
export const ACCESSOR_ROLES = new Set(["roles/secretmanager.secretAccessor", "roles/secretmanager.admin", "roles/owner"]);

export type Grant = "granted" | "conditional" | "group_or_custom" | "none";

/** Principals that include every service account (https://cloud.google.com/iam/docs/principal-identifiers). */
const EVERY_ACCOUNT = new Set(["allusers", "allauthenticatedusers"]);

/**
 * Principals that may include the account but the gate cannot expand: Google groups, a Workspace
 * domain, principal sets (`principalSet://cloudresourcemanager.googleapis.com/projects/N/type/ServiceAccount`
 * is every account of a project, folder or organization) and the convenience values for whoever
 * holds a basic role on a project.
 */
function mayInclude(member: string): boolean {
  return /^(group:|domain:|principalset:\/\/|projectowner:|projecteditor:|projectviewer:)/.test(member);
}

/** What a policy grants `member` for reading a secret: collect/ uses it to skip reads, checks/ to judge. */
export function grantOf(policy: { bindings: PolicyBinding[] }, member: string): Grant {
  // IAM stores emails lowercased while Cloud Run keeps the runtime account as it was given: compare
  // without case (member types too: IAM accepts `serviceaccount:` and answers `serviceAccount:`).
  const wanted = member.toLowerCase();
  let result: Grant = "none";
  for (const binding of policy.bindings) {
    const members = binding.members.map((other) => other.toLowerCase());
    const direct = members.some((other) => other === wanted || EVERY_ACCOUNT.has(other));
    const indirect = members.some(mayInclude);
    const accessorRole = ACCESSOR_ROLES.has(binding.role);
    // A custom role's permissions are not in the policy: whether it includes versions.access is unknown.
    const customRole =
      binding.role.includes("/roles/") || binding.role.startsWith("projects/") || binding.role.startsWith("organizations/");
    if (direct && accessorRole && !binding.conditional) return "granted";
    if (direct && accessorRole && binding.conditional) result = "conditional";
    else if (result === "none" && (direct || indirect) && (accessorRole || customRole)) result = "group_or_custom";
  }
  return result;
}

/**
 * The secret the tests sign with (`jwt.compare_with`) beside the deployed one, by keyed fingerprint
 * (incident 3), or why the tests' secret could not be read.
 */
export type TestSecretFacts =
  | { unavailable: "env_not_set"; env: string }
  | { unavailable: "no_secret_manager" }
  | { unavailable: "read_failed"; error: string }
  | {
      /** Keyed fingerprint of the tests' value, normalized as the algorithm reads its key. */
      fingerprint: string;
      /** The tests' value is a known development fallback or placeholder. */
      devFallback: boolean;
      /** The deployed value's fingerprint (same normalization); undefined when it could not be read (reported elsewhere). */
      deployed: { fingerprint: string; onlyWhitespaceDiffers: boolean } | undefined;
    };
