// Applies gcloud's env/secret changes to a revision's config, in gcloud's order
// (clear, then remove, then update), so `merge` predicts "live config + these changes".
// Changes land on one container (the first, as gcloud does without --container);
// other containers keep what they had.
import type { EnvEntry, Finding, SecretRef, SecretVolume } from "../model.js";
import { note } from "./notes.js";
import { type SecretFile, sameSecret } from "./secret-ref.js";

export interface LiteralOps {
  clear: boolean;
  remove: string[];
  update: [name: string, value: string][];
}

export interface SecretOps {
  clear: boolean;
  /** Env names, mount file paths (`/dir/file`) or mount directories. */
  remove: string[];
  env: { name: string; ref: SecretRef }[];
  files: SecretFile[];
}

export function applyLiteralOps(env: EnvEntry[], container: string, ops: LiteralOps, notes: Finding[]): EnvEntry[] {
  const removed = new Set(ops.remove);
  let result = env.filter(
    (entry) => entry.container !== container || entry.secret !== undefined || (!ops.clear && !removed.has(entry.name)),
  );
  for (const [name, value] of ops.update) {
    if (result.some((entry) => entry.container === container && entry.name === name && entry.secret !== undefined)) {
      notes.push(typeConflict(name, "a plain value", "a secret"));
    }
    result = result.filter((entry) => entry.container !== container || entry.name !== name);
    result.push({ name, container, value });
  }
  return result;
}

export function applySecretOps(
  env: EnvEntry[],
  volumes: SecretVolume[],
  container: string,
  ops: SecretOps,
  notes: Finding[],
): { env: EnvEntry[]; secretVolumes: SecretVolume[] } {
  const removed = new Set(ops.remove);
  let nextEnv = env.filter(
    (entry) => entry.container !== container || entry.secret === undefined || (!ops.clear && !removed.has(entry.name)),
  );
  for (const { name, ref } of ops.env) {
    if (nextEnv.some((entry) => entry.container === container && entry.name === name && entry.secret === undefined)) {
      notes.push(typeConflict(name, "a secret", "a plain value"));
    }
    nextEnv = nextEnv.filter((entry) => entry.container !== container || entry.name !== name);
    nextEnv.push({ name, container, secret: ref });
  }

  let nextVolumes = volumes.map((volume) => ({
    ...volume,
    mounts: volume.mounts.filter(
      (mount) => mount.container !== container || !(ops.clear || removesMount(removed, mount.mountPath, volume.path)),
    ),
  }));
  for (const file of ops.files) {
    nextVolumes = nextVolumes.map((volume) => ({
      ...volume,
      // A directory holds one secret: a different secret there replaces the old volume,
      // the same secret only replaces the same file.
      mounts: volume.mounts.filter(
        (mount) =>
          mount.container !== container ||
          mount.mountPath !== file.mountPath ||
          (sameSecret(volume.ref, file.ref) && volume.path !== file.path),
      ),
    }));
    const sibling = nextVolumes.find(
      (volume) => volume.mounts.some((mount) => mount.mountPath === file.mountPath) && sameSecret(volume.ref, file.ref),
    );
    nextVolumes.push({
      volume: sibling?.volume ?? volumeName(file.ref),
      mounts: [{ container, mountPath: file.mountPath }],
      ref: file.ref,
      path: file.path,
    });
  }
  nextVolumes = nextVolumes.filter((volume) => volume.mounts.length > 0);
  return { env: nextEnv, secretVolumes: nextVolumes };
}

function removesMount(removed: Set<string>, mountPath: string, path: string | undefined): boolean {
  return removed.has(mountPath) || (path !== undefined && (removed.has(`${mountPath}/${path}`) || removed.has(`${mountPath}:${path}`)));
}

function volumeName(ref: SecretRef): string {
  return ref.project ? `${ref.secret}-${ref.project}` : ref.secret;
}

function typeConflict(name: string, newKind: string, oldKind: string): Finding {
  return note(
    "env_type_conflict",
    "fail",
    `${name} is set to ${newKind} but the service already has it as ${oldKind}; gcloud refuses to change the type in place`,
    `remove it first (--remove-env-vars / --remove-secrets ${name}) or use the matching flag`,
    { subject: name },
  );
}
