// A secret volume whose source names no secret: Cloud Run requires one, so the
// answer is broken, and what the revision mounts there cannot be checked.
import type { Finding, RevisionConfig } from "../model.js";
import { describeRevision } from "./describe.js";

export function checkSecretVolumesWithoutSecret(config: RevisionConfig): Finding[] {
  return (config.secretVolumesWithoutSecret ?? []).map((volume) => {
    const mounted = volume.mounts.map((mount) => mount.mountPath).filter(Boolean);
    return {
      id: "secret.volume_without_secret",
      status: "error",
      subject: mounted[0] ?? volume.volume,
      message: `${describeRevision(config)} mounts the secret volume ${volume.volume}${mounted.length ? ` at ${mounted.join(", ")}` : ""}, which names no secret: cannot verify what it holds`,
      hint: "deploy it with --set-secrets=PATH=SECRET:VERSION (or the volume's secret: field); Cloud Run does not accept a secret volume without one, so check cloud_run_endpoint too",
    };
  });
}
