// Read every IAM policy the accessor check needs, each once and concurrently:
// one per distinct secret and one per distinct project.
import type { AccessorFacts } from "../checks/iam.js";
import type { Iam } from "../gcp/iam.js";
import type { RevisionConfig, SecretRef } from "../model.js";

export function secretRefsOf(config: RevisionConfig): { envName: string; ref: SecretRef }[] {
  return [
    ...config.env.flatMap((entry) => (entry.secret ? [{ envName: entry.name, ref: entry.secret }] : [])),
    ...config.secretVolumes.map((volume) => ({ envName: volume.mounts[0]?.mountPath ?? volume.volume, ref: volume.ref })),
  ];
}

export async function collectAccessorFacts(
  api: Iam,
  configs: RevisionConfig[],
  signal: AbortSignal,
): Promise<Map<RevisionConfig, AccessorFacts>> {
  const secretKeys = new Map<string, { ref: SecretRef; project: string }>();
  const projects = new Set<string>();
  for (const config of configs) {
    for (const { ref } of secretRefsOf(config)) {
      const project = ref.project ?? config.project;
      secretKeys.set(`${project}/${ref.secret}`, { ref, project });
      projects.add(project);
    }
  }
  const needsNumber = [...new Set(configs.filter((config) => !config.serviceAccount).map((config) => config.project))];
  const [secretPolicies, projectPolicies, numbers] = await Promise.all([
    fetchAll([...secretKeys], ([, { ref, project }]) => api.secretPolicy(ref, project, signal)),
    fetchAll(
      [...projects].map((project) => [project, project] as const),
      ([project]) => api.projectPolicy(project, signal),
    ),
    fetchAll(
      needsNumber.map((project) => [project, project] as const),
      ([project]) => api.projectNumber(project, signal),
    ),
  ]);
  const facts = new Map<RevisionConfig, AccessorFacts>();
  for (const config of configs) {
    const number = numbers.get(config.project);
    const serviceAccount =
      config.serviceAccount ??
      (number ? `${number}-compute@developer.gserviceaccount.com` : `PROJECT_NUMBER-compute@developer.gserviceaccount.com`);
    facts.set(config, { serviceAccount, secretPolicies, projectPolicies });
  }
  return facts;
}

async function fetchAll<K, V, T>(entries: (readonly [K, V])[], fetch: (entry: readonly [K, V]) => Promise<T>): Promise<Map<K, T>> {
  const results = await Promise.all(entries.map(async (entry) => [entry[0], await fetch(entry)] as const));
  return new Map(results);
}
