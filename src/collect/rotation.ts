// For each `latest` secret ref of a live revision: when was the version it
// resolves to now created? Secret Manager's versions.get says; the vault's
// own inspection is reused when it already asked; a value read does not
// carry the time, so such a ref costs one metadata read per run, and only
// when it resolved past version 1 (a first version cannot have rotated).
import type { SecretManager, SecretState } from "../gcp/secret-manager.js";
import type { LatestSecretVersion, RevisionConfig, SecretRef } from "../model.js";

export async function latestSecretVersions(
  config: RevisionConfig,
  manager: Pick<SecretManager, "inspect">,
  /** What the run already knows about this ref, and a per-run memo of further reads. */
  known: (ref: SecretRef) => SecretState | undefined,
  once: (ref: SecretRef, read: () => Promise<SecretState>) => Promise<SecretState>,
  signal: AbortSignal,
): Promise<LatestSecretVersion[]> {
  if (config.source !== "live" || !config.createTime) return [];
  // Env vars only: a mounted volume is fetched on every read, so it cannot hold an old version (checks/rotation.ts).
  const refs = config.env.flatMap((entry) => (entry.secret ? [entry.secret] : []));
  const latest = refs.filter((ref) => ref.version === "latest");
  const found = await Promise.all(
    latest.map(async (ref): Promise<LatestSecretVersion | undefined> => {
      let state = known(ref);
      // Version 1 was there before the revision could start (it references it): no rotation to find, no read.
      if (state?.resolvedVersion?.endsWith("/versions/1")) return undefined;
      if (state?.status === "ok" && !state.createTime) {
        // A failed metadata read only loses the warning; it never fails the run.
        state = await once(ref, () => manager.inspect(ref, config.project, signal)).catch(() => undefined);
      }
      if (state?.status !== "ok" || !state.createTime) return undefined;
      return { ref, resolvedVersion: state.resolvedVersion, createTime: state.createTime };
    }),
  );
  return found.filter((entry): entry is LatestSecretVersion => entry !== undefined);
}
