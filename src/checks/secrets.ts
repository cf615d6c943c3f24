// Env vars the manifest requires to come from Secret Manager. Pure.
import type { Located, ServiceRequirement } from "../manifest/load.js";
import type { SecretRequirement } from "../manifest/schema.js";
import type { Finding, RevisionConfig, SecretRef } from "../model.js";
import { describeRevision, updateCommand } from "./describe.js";
import { findEnv } from "./env.js";
import { secretKey, type SecretFacts } from "./facts.js";
import type { SecretStatus } from "../gcp/secret-manager.js";

export function checkSecrets(config: RevisionConfig, requirement: ServiceRequirement, facts: SecretFacts): Finding[] {
  return requirement.secrets.flatMap((required) => checkSecret(config, required, facts));
}

function checkSecret(config: RevisionConfig, required: Located<SecretRequirement>, facts: SecretFacts): Finding[] {
  const base = { subject: required.name, location: required.location };
  const failStatus = required.optional ? ("warn" as const) : ("fail" as const);
  const secretName = required.secret ?? required.name.toLowerCase().replace(/_/g, "-");
  const entry = findEnv(config, required.name);
  if (!entry) {
    return [
      {
        ...base,
        id: "secret.missing",
        status: failStatus,
        message: `${required.name} is not set on ${describeRevision(config)}`,
        hint: `reference it from Secret Manager: ${updateCommand(config, `--update-secrets=${required.name}=${secretName}:latest`)}; the runtime service account needs roles/secretmanager.secretAccessor on it`,
        expected: `Secret Manager ref${required.secret ? ` to ${required.secret}` : ""}`,
        found: "missing",
      },
    ];
  }
  if (!entry.secret) {
    return [
      {
        ...base,
        id: "secret.plain_text",
        status: failStatus,
        message: `${required.name} on ${describeRevision(config)} is a plain env var; it must come from Secret Manager`,
        hint: `store it as a secret and ${updateCommand(config, `--update-secrets=${required.name}=${secretName}:latest`)}`,
        expected: "Secret Manager ref",
        found: "plain text value (not shown)",
      },
    ];
  }
  const ref = entry.secret;
  const findings: Finding[] = [];
  if (
    required.secret !== undefined &&
    (ref.secret !== required.secret || (required.project !== undefined && ref.project !== required.project))
  ) {
    findings.push({
      ...base,
      id: "secret.wrong_secret",
      status: failStatus,
      message: `${required.name} on ${describeRevision(config)} references secret ${refText(ref)}, not ${required.secret}`,
      hint: updateCommand(config, `--update-secrets=${required.name}=${required.secret}:latest`),
      expected: required.secret,
      found: refText(ref),
    });
  }
  if (required.pinned && !/^\d+$/.test(ref.version)) {
    findings.push({
      ...base,
      id: "secret.unpinned",
      status: "warn",
      message: `${required.name} uses version "${ref.version}" of ${ref.secret}; the manifest asks for a pinned version number`,
      hint: "pin a version (SECRET:3) so a new secret version cannot change a running revision's behaviour on restart",
    });
  }
  findings.push(...stateFindings(config, required, ref, facts, failStatus));
  return findings;
}

function stateFindings(
  config: RevisionConfig,
  required: Located<SecretRequirement>,
  ref: SecretRef,
  facts: SecretFacts,
  failStatus: "warn" | "fail",
): Finding[] {
  const base = { subject: required.name, location: required.location };
  const fact = facts.get(secretKey(ref, config.project));
  const where = `${refText(ref)} (for ${required.name})`;
  if (!fact) return [{ ...base, id: "secret.unchecked", status: "skip", message: `${where} was not inspected` }];
  const broken = brokenRefFinding(config, required.name, ref, fact.state.status, failStatus, required.location);
  if (broken) return [broken];
  const findings: Finding[] = [];
  if (fact.value && required.min_bytes !== undefined && fact.value.byteLength < required.min_bytes) {
    findings.push({
      ...base,
      id: "secret.too_short",
      status: failStatus,
      message: `secret ${where} is shorter than the required ${required.min_bytes} bytes`,
      hint: "generate a longer random value: openssl rand -base64 48",
    });
  }
  if (fact.valueError)
    findings.push({
      ...base,
      id: "secret.value_unreadable",
      status: "error",
      message: `cannot verify the value of ${where}: ${fact.valueError}`,
    });
  findings.push({
    ...base,
    id: "secret.ok",
    status: "pass",
    message: `${required.name} references ${refText(ref)}, which exists and is enabled`,
  });
  return findings;
}

/** A ref whose parts could not be a Secret Manager name: never requested (it could steer the request elsewhere). */
function invalidRef(
  config: RevisionConfig,
  subject: string,
  ref: SecretRef,
  status: "warn" | "fail",
  location: Finding["location"],
): Finding {
  return {
    subject,
    ...(location ? { location } : {}),
    id: "secret.invalid_ref",
    status,
    message: `${subject} on ${describeRevision(config)} references ${JSON.stringify(refText(ref).slice(0, 120))}, which is not a valid Secret Manager secret and version; it was not looked up`,
    hint: "reference SECRET:VERSION (letters, digits, '-', '_'), or projects/NUMBER/secrets/SECRET for another project",
  };
}

export function refText(ref: SecretRef): string {
  return `${ref.project ? `projects/${ref.project}/secrets/` : ""}${ref.secret}:${ref.version}`;
}

/**
 * Every other secret the revision references (env vars the manifest does not list, and mounted
 * volumes): Cloud Run resolves them all at start-up, so a missing or disabled one breaks the
 * next instance even if no requirement names it.
 */
export function checkOtherSecretRefs(config: RevisionConfig, requirement: ServiceRequirement, facts: SecretFacts): Finding[] {
  const listed = new Set(requirement.secrets.map((required) => required.name));
  const refs = [
    ...config.env.flatMap((entry) => (entry.secret && !listed.has(entry.name) ? [{ subject: entry.name, ref: entry.secret }] : [])),
    ...config.secretVolumes.map((volume) => ({
      subject: `${volume.mounts[0]?.mountPath ?? volume.volume}${volume.path ? `/${volume.path}` : ""}`,
      ref: volume.ref,
    })),
  ];
  return refs.flatMap(({ subject, ref }) => {
    const status = facts.get(secretKey(ref, config.project))?.state.status;
    const broken = status && brokenRefFinding(config, subject, ref, status, "fail", undefined);
    return broken ? [broken] : [];
  });
}

/** Why a referenced secret version cannot be resolved, or undefined when it can. One wording for listed and unlisted refs. */
function brokenRefFinding(
  config: RevisionConfig,
  subject: string,
  ref: SecretRef,
  status: SecretStatus,
  failStatus: "warn" | "fail",
  location: Finding["location"],
): Finding | undefined {
  const base = { subject, ...(location ? { location } : {}) };
  const where = `${refText(ref)} (for ${subject})`;
  const project = ref.project ?? config.project;
  switch (status) {
    case "not_found":
      return {
        ...base,
        id: "secret.not_found",
        status: failStatus,
        message: `${describeRevision(config)} references secret ${where}, which does not exist in project ${project}`,
        hint: `create it: gcloud secrets create ${ref.secret} --project=${project} --data-file=-`,
      };
    case "version_not_found":
      return {
        ...base,
        id: "secret.version_not_found",
        status: failStatus,
        message: `${describeRevision(config)} references ${where}: that secret has no version ${ref.version}`,
        hint: `add one: gcloud secrets versions add ${ref.secret} --project=${project} --data-file=-`,
      };
    case "version_disabled":
    case "version_destroyed":
      return {
        ...base,
        id: `secret.${status}`,
        status: failStatus,
        message: `${describeRevision(config)} references ${where}, whose version ${ref.version} is ${status === "version_disabled" ? "disabled" : "destroyed"}${ref.version === "latest" ? " (the newest version, so latest cannot be read)" : ""}: new instances will not start`,
        hint:
          status === "version_disabled"
            ? `enable it (gcloud secrets versions enable VERSION --secret=${ref.secret}) or point ${subject} at an enabled version`
            : `add a new version and reference it: gcloud secrets versions add ${ref.secret} --data-file=-`,
      };
    case "access_denied":
      // The gate's own identity cannot look: that is "cannot verify", not a bad deploy.
      return {
        ...base,
        id: "secret.access_denied",
        status: "error",
        message: `cannot verify secret ${where}: the gate's identity was denied access`,
        hint: "grant the gate's service account roles/secretmanager.viewer (and secretAccessor for value checks) on the secret or project",
      };
    case "invalid_ref":
      return invalidRef(config, subject, ref, failStatus, location);
    case "ok":
      return undefined;
  }
}
