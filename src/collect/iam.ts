// The IAM facts the accessor check needs for one revision. Every policy is
// read once per run and shared by all services; no service waits for
// another's. A project-wide grant answers for every secret in the project, so
// a secret's own policy is read only when the project's does not already
// grant the runtime account: Secret Manager allows 600 policy and metadata
// reads per minute per project, shared with everything else in it.
import { lookupEnv, targetContainer } from "../containers.js";
import { type AccessorFacts, grantOf, type InheritedPolicies, isProjectNumber, type PolicyFact, type ProjectNumbers } from "../facts.js";
import type { Iam } from "../gcp/iam.js";
import type { ServiceRequirement } from "../manifest/load.js";
import type { RevisionConfig, SecretRef } from "../model.js";
import { memo } from "../memo.js";
import { startNow } from "../start-now.js";

export function secretRefsOf(config: RevisionConfig): { envName: string; ref: SecretRef }[] {
  return [
    ...config.env.flatMap((entry) => (entry.secret ? [{ envName: entry.name, ref: entry.secret }] : [])),
    ...config.secretVolumes.map((volume) => ({ envName: volume.mounts[0]?.mountPath ?? volume.volume, ref: volume.ref })),
  ];
}

export interface AccessorFactsReader {
  (config: RevisionConfig): Promise<AccessorFacts>;
  /** Start reading a project's policy now (the run knows its projects before any revision arrives). */
  prefetch(project: string): void;
}

/** A project's number, read once per run and shared by every check that needs it. */
export type ProjectNumberOf = (project: string) => Promise<string | undefined>;

export function projectNumberReader(api: Iam | undefined, signal: AbortSignal): ProjectNumberOf {
  const numberOnce = memo<string | undefined>();
  return (project) => numberOnce(project, async () => (api ? api.projectNumber(project, signal) : undefined));
}

/** Folders nest at most ten deep under an organization (Resource Manager's limit), with room to spare. */
const MAX_ANCESTORS = 12;

export function accessorFacts(api: Iam, signal: AbortSignal, numberOf = projectNumberReader(api, signal)): AccessorFactsReader {
  const secretPolicies = new Map<string, PolicyFact>();
  const projectPolicies = new Map<string, PolicyFact>();
  const inheritedPolicies = new Map<string, InheritedPolicies>();
  const once = memo<void>();
  const readProjectPolicy = (project: string) =>
    once(`project:${project}`, async () => void projectPolicies.set(project, await api.projectPolicy(project, signal)));
  const granted = (policy: PolicyFact | undefined, member: string) =>
    policy !== undefined && "bindings" in policy && grantOf(policy, member) === "granted";
  // Grants on the folders and organization above a project are inherited (the way most organizations
  // grant a team's accounts): without them, "missing" would be a guess. Read only when the project
  // and the secret grant nothing, so a healthy run spends no request on them.
  const readInherited = (project: string) =>
    once(`inherited:${project}`, async () => void inheritedPolicies.set(project, await ancestorsOf(api, project, signal)));

  const read = async (config: RevisionConfig): Promise<AccessorFacts> => {
    const refs = secretRefsOf(config);
    const projects = [...new Set(refs.map(({ ref }) => ref.project ?? config.project))];
    const [, number] = await Promise.all([
      Promise.all(projects.map(readProjectPolicy)),
      config.serviceAccount ? undefined : numberOf(config.project),
    ]);
    const serviceAccount = config.serviceAccount ?? `${number ?? "PROJECT_NUMBER"}-compute@developer.gserviceaccount.com`;
    const member = `serviceAccount:${serviceAccount}`;
    await Promise.all(
      refs.map(async ({ ref }) => {
        const project = ref.project ?? config.project;
        if (granted(projectPolicies.get(project), member)) return;
        const key = `${project}/${ref.secret}`;
        await once(`secret:${key}`, async () => void secretPolicies.set(key, await api.secretPolicy(ref, config.project, signal)));
        if (!granted(secretPolicies.get(key), member)) await readInherited(project);
      }),
    );
    return {
      serviceAccount,
      ...(config.serviceAccount || number
        ? {}
        : { serviceAccountUnknown: `it is the default compute account of ${config.project}, whose project number could not be read` }),
      secretPolicies,
      projectPolicies,
      inheritedPolicies,
    };
  };
  return Object.assign(read, {
    prefetch: (project: string) => void startNow(() => readProjectPolicy(project)),
  });
}

/** The policies of every folder and the organization above `project`, nearest first. */
async function ancestorsOf(api: Iam, project: string, signal: AbortSignal): Promise<InheritedPolicies> {
  const resources: string[] = [];
  let current = `projects/${project}`;
  while (!current.startsWith("organizations/")) {
    if (resources.length > MAX_ANCESTORS) return { unreadable: `the resources above ${project} go deeper than Resource Manager allows` };
    const step = await api.parentOf(current, signal);
    if ("unreadable" in step) return { unreadable: `the parent of ${current} could not be read (${step.unreadable})` };
    if (step.parent === undefined) break;
    resources.push(step.parent);
    current = step.parent;
  }
  return {
    policies: await Promise.all(resources.map(async (resource) => ({ resource, policy: await api.ancestorPolicy(resource, signal) }))),
  };
}

/** The numbers of the projects a secret ref names one way (id or number) and the manifest or service the other. */
export async function projectNumbers(
  requirement: ServiceRequirement,
  configs: (RevisionConfig | undefined)[],
  numberOf: ProjectNumberOf,
): Promise<ProjectNumbers> {
  const projects = [...new Set(configs.flatMap((config) => (config ? projectsToNumber(config, requirement) : [])))];
  const numbers = await Promise.all(projects.map(async (project) => [project, await numberOf(project)] as const));
  return new Map(numbers.filter((entry): entry is readonly [string, string] => entry[1] !== undefined));
}

/** The project ids whose number decides a requirement's project check (looked up before the checks run). */
export function projectsToNumber(config: RevisionConfig, requirement: ServiceRequirement): string[] {
  const target = targetContainer(config, requirement);
  const needed = requirement.secrets.flatMap((required) => {
    const ref = lookupEnv(config, required.name, target).entry?.secret;
    if (!ref) return [];
    const [wanted, actual] = [required.project ?? config.project, ref.project ?? config.project];
    if (wanted === actual || isProjectNumber(wanted) === isProjectNumber(actual)) return [];
    return [isProjectNumber(wanted) ? actual : wanted];
  });
  return [...new Set(needed)];
}
