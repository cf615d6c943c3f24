// Env vars the manifest requires to come from Secret Manager. Pure.
import { lookupEnv, type TargetContainer, targetContainer } from "../containers.js";
import { isProjectNumber, type ProjectNumbers, type SecretFacts, secretKey } from "../facts.js";
import type { SecretStatus } from "../facts.js";
import type { Located, ServiceRequirement } from "../manifest/load.js";
import type { SecretRequirement } from "../manifest/schema.js";
import type { Finding, RevisionConfig, SecretRef } from "../model.js";
import { credentialShape, shownValue } from "../shown-value.js";
import { containerFlag, elsewhereMessage } from "./containers.js";
import { describeRevision, updateCommand } from "./describe.js";

export function checkSecrets(
  config: RevisionConfig,
  requirement: ServiceRequirement,
  facts: SecretFacts,
  projectNumbers: ProjectNumbers = new Map(),
): Finding[] {
  const target = targetContainer(config, requirement);
  return requirement.secrets.flatMap((required) => checkSecret(config, required, facts, projectNumbers, target));
}

function checkSecret(
  config: RevisionConfig,
  required: Located<SecretRequirement>,
  facts: SecretFacts,
  projectNumbers: ProjectNumbers,
  target: TargetContainer,
): Finding[] {
  const base = { subject: required.name, location: required.location };
  const failStatus = required.optional ? ("warn" as const) : ("fail" as const);
  const secretName = required.secret ?? required.name.toLowerCase().replace(/_/g, "-");
  const fix = (flag: string) => updateCommand(config, `${containerFlag(target)}${flag}`);
  const { entry, elsewhere } = lookupEnv(config, required.name, target);
  if (!entry) {
    return [
      {
        ...base,
        id: "secret.missing",
        status: failStatus,
        message: elsewhereMessage(config, required.name, target, elsewhere) ?? `${required.name} is not set on ${describeRevision(config)}`,
        hint: `reference it from Secret Manager: ${fix(`--update-secrets=${required.name}=${secretName}:latest`)}; the runtime service account needs roles/secretmanager.secretAccessor on it`,
        expected: `Secret Manager ref${required.secret ? ` to ${required.secret}` : ""}`,
        found: elsewhere.length > 0 ? "only on another container" : "missing",
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
        hint: `store it as a secret and ${fix(`--update-secrets=${required.name}=${secretName}:latest`)}`,
        expected: "Secret Manager ref",
        found: "plain text value (not shown)",
      },
    ];
  }
  const ref = entry.secret;
  const findings: Finding[] = [];
  if (required.secret !== undefined && ref.secret !== required.secret) {
    findings.push({
      ...base,
      id: "secret.wrong_secret",
      status: failStatus,
      message: `${required.name} on ${describeRevision(config)} references secret ${refText(ref)}, not ${required.secret}`,
      hint: fix(`--update-secrets=${required.name}=${required.secret}:latest`),
      expected: required.secret,
      found: refText(ref),
    });
  }
  findings.push(...projectFindings(config, required, ref, projectNumbers, failStatus, fix));
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

/**
 * Whether two spellings name one project: equal, or an id and the number it resolves to. Ids start
 * with a letter and are unique, so two different ids (or two different numbers) are two projects;
 * undefined when an id's number is needed and unknown.
 */
export function sameProject(a: string, b: string, numbers: ProjectNumbers): boolean | undefined {
  if (a === b) return true;
  if (isProjectNumber(a) === isProjectNumber(b)) return false;
  const [id, number] = isProjectNumber(a) ? [b, a] : [a, b];
  const known = numbers.get(id);
  return known === undefined ? undefined : known === number;
}

/** Without `project`, the service's own project is required: the same secret id elsewhere is another secret. */
function projectFindings(
  config: RevisionConfig,
  required: Located<SecretRequirement>,
  ref: SecretRef,
  numbers: ProjectNumbers,
  failStatus: "warn" | "fail",
  fix: (flag: string) => string,
): Finding[] {
  const base = { subject: required.name, location: required.location };
  const wanted = required.project ?? config.project;
  const actual = ref.project ?? config.project;
  const same = sameProject(wanted, actual, numbers);
  if (same === true) return [];
  const whose = required.project === undefined ? `the service's own project ${wanted}` : `project ${wanted}, as the manifest says`;
  if (same === undefined) {
    const id = isProjectNumber(wanted) ? actual : wanted;
    return [
      {
        ...base,
        id: "secret.project_unverified",
        status: "error",
        message: `cannot verify that ${required.name}'s secret ${refText(ref)} is in ${whose}: the project number of ${id} could not be read`,
        hint: `grant the gate's identity resourcemanager.projects.get on ${id} (roles/browser), or write the project the same way in the manifest and the ref`,
      },
    ];
  }
  const secretId = required.secret ?? ref.secret;
  const wantedRef = required.project === undefined ? `${secretId}:latest` : `projects/${required.project}/secrets/${secretId}:latest`;
  return [
    {
      ...base,
      id: "secret.wrong_project",
      status: failStatus,
      message: `${required.name} on ${describeRevision(config)} references ${refText(ref)}, a secret in project ${actual}, not in ${whose}`,
      hint: `${fix(`--update-secrets=${required.name}=${wantedRef}`)}${required.project === undefined ? "; if the other project is intended, set project: in the manifest" : ""}`,
      expected: `a secret in project ${wanted}`,
      found: refText(ref),
    },
  ];
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
    message: `${subject} on ${describeRevision(config)} references ${shownValue(refText(ref))}, which is not a valid Secret Manager secret and version; it was not looked up`,
    hint: "reference SECRET:VERSION (letters, digits, '-', '_'), or projects/NUMBER/secrets/SECRET for another project",
  };
}

/** A ref as messages quote it; a "secret name" that is really a pasted value is not quoted. */
export function refText(ref: SecretRef): string {
  const text = `${ref.project ? `projects/${ref.project}/secrets/` : ""}${ref.secret}:${ref.version}`;
  const why = credentialShape(ref.secret) ?? credentialShape(text);
  return why ? `(a secret name not shown: ${why})` : text;
}

/**
 * Every other secret the revision references (env vars the manifest does not list, and mounted
 * volumes): Cloud Run resolves them all at start-up, so a missing or disabled one breaks the
 * next instance even if no requirement names it.
 */
export function checkOtherSecretRefs(config: RevisionConfig, requirement: ServiceRequirement, facts: SecretFacts): Finding[] {
  // checkSecrets judges each listed name's entry in the target container; the same name on a sidecar is another ref.
  const target = targetContainer(config, requirement);
  const listed = new Set(requirement.secrets.map((required) => lookupEnv(config, required.name, target).entry));
  const refs = [
    ...config.env.flatMap((entry) => (entry.secret && !listed.has(entry) ? [{ subject: entry.name, ref: entry.secret }] : [])),
    ...config.secretVolumes.map((volume) => ({
      subject: `${volume.mounts[0]?.mountPath ?? volume.volume}${volume.path ? `/${volume.path}` : ""}`,
      ref: volume.ref,
      mounted: true,
    })),
  ];
  return refs.flatMap(({ subject, ref, ...rest }) => {
    const status = facts.get(secretKey(ref, config.project))?.state.status;
    const broken = status && brokenRefFinding(config, subject, ref, status, "fail", undefined, "mounted" in rest);
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
  /** A mounted volume: Cloud Run starts the instance and fails the file's reads instead. */
  mounted = false,
): Finding | undefined {
  const base = { subject, ...(location ? { location } : {}) };
  const consequence = mounted ? "reading the mounted file will fail" : "new instances will not start";
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
        message: `${describeRevision(config)} references ${where}, whose version ${ref.version} is ${status === "version_disabled" ? "disabled" : "destroyed"}${ref.version === "latest" ? " (the newest version, so latest cannot be read)" : ""}: ${consequence}`,
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
