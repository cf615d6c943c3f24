// Reads the secret volumes of a Knative revision template and where containers mount
// them; non-secret volumes (emptyDir, csi, nfs) are skipped, they hold no secrets.
import type { Finding, SecretVolume } from "../model.js";
import { note } from "./notes.js";
import { isReservedMountPath } from "./secret-ref.js";
import { type ContainerInfo, resolveSecret, type SecretAliases, where } from "./service-yaml-template.js";
import { child, items, locate, text, type YamlContext } from "./yaml-nodes.js";

export function readSecretVolumes(
  ctx: YamlContext,
  spec: unknown,
  containers: ContainerInfo[],
  aliases: SecretAliases,
  notes: Finding[],
): SecretVolume[] {
  const volumes: SecretVolume[] = [];
  const known = new Set<string>();
  for (const node of items(ctx, child(ctx, spec, "volumes"))) {
    const volume = text(child(ctx, node, "name")) ?? "";
    known.add(volume);
    const secretNode = child(ctx, node, "secret");
    if (secretNode === undefined) continue; // emptyDir, csi, nfs…: not secrets
    const location = locate(ctx, secretNode);
    const secretName = text(child(ctx, secretNode, "secretName"));
    const mounts = containers.flatMap((container) =>
      container.mounts
        .filter((mount) => mount.volume === volume)
        .map((mount) => ({ container: container.name, mountPath: mount.mountPath })),
    );
    if (mounts.length === 0) {
      notes.push(
        note(
          "volume_unmounted",
          "warn",
          `secret volume ${JSON.stringify(volume)} is not mounted by any container`,
          "add a volumeMounts entry or remove the volume",
          {
            subject: volume,
            location,
          },
        ),
      );
    }
    const itemNodes = items(ctx, child(ctx, secretNode, "items"));
    // Without items Cloud Run mounts the latest version as a file named after the secret.
    const files = itemNodes.length
      ? itemNodes.map((item) => ({ key: text(child(ctx, item, "key")), path: text(child(ctx, item, "path")) }))
      : [{ key: "latest", path: secretName }];
    for (const file of files) {
      const ref = resolveSecret(secretName, file.key, volume, location, aliases, notes);
      if (!ref) continue;
      const entry: SecretVolume = { volume, mounts, ref };
      if (file.path !== undefined) entry.path = file.path;
      volumes.push(entry);
    }
  }
  for (const container of containers) {
    for (const mount of container.mounts) {
      const location = locate(ctx, mount.node);
      if (!known.has(mount.volume)) {
        notes.push(
          note(
            "volume_missing",
            "fail",
            `${where(location)}: container ${JSON.stringify(container.name)} mounts volume ${JSON.stringify(mount.volume)}, which is not defined`,
            "define it under spec.template.spec.volumes or fix the name",
            {
              subject: mount.volume,
              location,
            },
          ),
        );
      }
      if (isReservedMountPath(mount.mountPath)) {
        notes.push(
          note(
            "mount_path_reserved",
            "fail",
            `${where(location)}: Cloud Run refuses mounts under /dev, /proc and /sys`,
            "mount it elsewhere, e.g. /secrets",
            { location },
          ),
        );
      }
    }
  }
  return volumes;
}
