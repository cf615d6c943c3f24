// The IAM facts the accessor check needs for one revision. Every policy is
// read once per run (one per distinct secret, one per project), shared by
// all services, and no service waits for another's.
import type { AccessorFacts } from "../checks/iam.js";
import type { Iam, PolicyFact } from "../gcp/iam.js";
import type { RevisionConfig, SecretRef } from "../model.js";
import { memo } from "./memo.js";

export function secretRefsOf(config: RevisionConfig): { envName: string; ref: SecretRef }[] {
  return [
    ...config.env.flatMap((entry) => (entry.secret ? [{ envName: entry.name, ref: entry.secret }] : [])),
    ...config.secretVolumes.map((volume) => ({ envName: volume.mounts[0]?.mountPath ?? volume.volume, ref: volume.ref })),
  ];
}

export function accessorFacts(api: Iam, signal: AbortSignal): (config: RevisionConfig) => Promise<AccessorFacts> {
  const secretPolicies = new Map<string, PolicyFact>();
  const projectPolicies = new Map<string, PolicyFact>();
  const once = memo<void>();
  return async (config) => {
    const refs = secretRefsOf(config);
    const projects = new Set(refs.map(({ ref }) => ref.project ?? config.project));
    const [, , number] = await Promise.all([
      Promise.all(
        refs.map(({ ref }) => {
          const key = `${ref.project ?? config.project}/${ref.secret}`;
          return once(`secret:${key}`, async () => void secretPolicies.set(key, await api.secretPolicy(ref, config.project, signal)));
        }),
      ),
      Promise.all(
        [...projects].map((project) =>
          once(`project:${project}`, async () => void projectPolicies.set(project, await api.projectPolicy(project, signal))),
        ),
      ),
      config.serviceAccount ? undefined : api.projectNumber(config.project, signal),
    ]);
    const serviceAccount = config.serviceAccount ?? `${number ?? "PROJECT_NUMBER"}-compute@developer.gserviceaccount.com`;
    return { serviceAccount, secretPolicies, projectPolicies };
  };
}
