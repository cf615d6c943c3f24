// Applies gcloud's env/secret changes to a revision's config, in gcloud's order
// (clear, then remove, then update), so `merge` predicts "live config + these changes".
// Changes land on one container (the first, as gcloud does without --container);
// other containers keep what they had.
import { CandidateError } from "../errors.js";
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
  const result = env.filter(
    (entry) => entry.container !== container || entry.secret !== undefined || (!ops.clear && !removed.has(entry.name)),
  );
  for (const [name] of ops.update) {
    if (result.some((entry) => entry.container === container && entry.name === name && entry.secret !== undefined)) {
      notes.push(typeConflict(name, "string literal"));
    }
  }
  return upsert(
    result,
    container,
    ops.update.map(([name, value]) => ({ name, container, value })),
  );
}

/** gcloud updates an existing variable where it stands and appends new ones (config_changes.py). */
function upsert(env: EnvEntry[], container: string, updates: EnvEntry[]): EnvEntry[] {
  const byName = new Map(updates.map((entry) => [entry.name, entry]));
  const placed = new Set<string>();
  const result: EnvEntry[] = [];
  for (const entry of env) {
    const update = entry.container === container ? byName.get(entry.name) : undefined;
    if (!update) result.push(entry);
    else if (!placed.has(entry.name)) {
      result.push(update);
      placed.add(entry.name);
    }
  }
  return [...result, ...updates.filter((entry) => !placed.has(entry.name))];
}

export function applySecretOps(
  env: EnvEntry[],
  volumes: SecretVolume[],
  container: string,
  ops: SecretOps,
  notes: Finding[],
): { env: EnvEntry[]; secretVolumes: SecretVolume[] } {
  const removed = new Set(ops.remove);
  const kept = env.filter(
    (entry) => entry.container !== container || entry.secret === undefined || (!ops.clear && !removed.has(entry.name)),
  );
  for (const { name } of ops.env) {
    if (kept.some((entry) => entry.container === container && entry.name === name && entry.secret === undefined)) {
      notes.push(typeConflict(name, "the given type"));
    }
  }
  const nextEnv = upsert(
    kept,
    container,
    ops.env.map(({ name, ref }) => ({ name, container, secret: ref })),
  );

  let nextVolumes = volumes.map((volume) => ({
    ...volume,
    mounts: volume.mounts.filter(
      (mount) => mount.container !== container || !(ops.clear || removesMount(removed, mount.mountPath, volume.path)),
    ),
  }));
  for (const file of ops.files) {
    refuseSecondSecret(nextVolumes, container, file, ops.files);
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

/**
 * gcloud (config_changes.py `_PruneManagedVolumeMapping`) splits each removal at its last "/" into
 * a mount directory and one file in it; a bare directory therefore names a file in its parent.
 */
function removesMount(removed: Set<string>, mountPath: string, path: string | undefined): boolean {
  if (path !== undefined) return removed.has(`${mountPath}/${path}`);
  // A volume without items: gcloud keeps the items whose path differs, finds none left, and
  // unmounts the directory, whatever file the removal named in it.
  return [...removed].some((remove) => remove.slice(0, remove.lastIndexOf("/")) === mountPath);
}

/**
 * gcloud (config_changes.py `_UpdateManagedVolumes`) lets another secret take over a directory
 * only if this deploy gives every file the directory holds now; otherwise "Multiple secrets are
 * specified for directory [...]". A volume shared with other mounts is copied instead.
 */
function refuseSecondSecret(volumes: SecretVolume[], container: string, file: SecretFile, files: SecretFile[]): void {
  const here = volumes.filter((volume) => volume.mounts.some((m) => m.container === container && m.mountPath === file.mountPath));
  // A secret of another project is mounted under an alias (secrets_mapping.py _GetOrCreateAlias):
  // gcloud reuses the alias the annotation has for it only for version latest (the annotation's
  // entries compare as latest); any other version gets a new alias, a different secretName here.
  const newAlias = file.ref.project !== undefined && file.ref.version !== "latest";
  const other = here.filter((volume) => !sameSecret(volume.ref, file.ref) || newAlias);
  const shared = here.some((volume) => volume.mounts.length > 1);
  if (other.length === 0 || shared) return;
  const given = new Set(files.filter((f) => f.mountPath === file.mountPath).map((f) => f.path));
  if (here.every((volume) => volume.path === undefined || given.has(volume.path))) return;
  throw new CandidateError(
    `secrets: gcloud refuses this deploy: "Multiple secrets are specified for directory [${file.mountPath}]. Cloud Run only supports one secret per directory"`,
    { hint: `mount the new secret in a directory of its own, or remove the files now in ${file.mountPath} with --remove-secrets in flags` },
  );
}

function volumeName(ref: SecretRef): string {
  return ref.project ? `${ref.secret}-${ref.project}` : ref.secret;
}

/** gcloud (config_changes.py) refuses to turn a plain variable into a secret or back in one step. */
function typeConflict(name: string, newType: "string literal" | "the given type"): Finding {
  return note(
    "env_type_conflict",
    "fail",
    `gcloud refuses this deploy: "Cannot update environment variable [${name}] to ${newType} because it has already been set with a different type"`,
    `remove it in the same deploy first (--remove-${newType === "string literal" ? "secrets" : "env-vars"}=${name} in flags), or keep its type`,
    { subject: name },
  );
}
