// A `latest` env var secret ref resolves when an instance starts. If the version it
// resolves to now was created after the revision, instances started before
// the rotation may still hold the old value while new ones get the new one:
// half the fleet signs or verifies with a different secret. Never by value.
import type { Finding, LatestSecretVersion, RevisionConfig, SecretRef } from "../model.js";
import { shortName } from "../resource-name.js";

export function checkRotation(config: RevisionConfig, latest: readonly LatestSecretVersion[]): Finding[] {
  const revisionCreated = Date.parse(config.createTime ?? "");
  if (Number.isNaN(revisionCreated)) return [];
  const revision = shortName(config.revision);
  // Env vars only: Cloud Run fetches a mounted secret from Secret Manager on every read of the file,
  // so a volume follows `latest` and no instance holds an old value
  // (https://cloud.google.com/run/docs/configuring/services/secrets).
  const users = config.env.flatMap((entry) => (entry.secret ? [{ name: entry.name, ref: entry.secret }] : []));
  return latest.flatMap((version) => {
    const created = Date.parse(version.createTime);
    if (Number.isNaN(created) || created <= revisionCreated) return [];
    const number = version.resolvedVersion ? shortName(version.resolvedVersion) : undefined;
    return users
      .filter((user) => sameRef(user.ref, version.ref))
      .map(
        (user): Finding => ({
          id: "secret.rotated_after_start",
          status: "warn",
          subject: user.name,
          message: `${user.name} uses ${version.ref.secret}:latest, whose current version${number ? ` ${number}` : ""} was created at ${version.createTime}, after revision ${revision} was created at ${config.createTime}: instances started before the rotation may still hold the old value`,
          expected: `a version created before ${config.createTime}`,
          found: `version${number ? ` ${number}` : ""} created ${version.createTime}`,
          hint: `redeploy ${config.service} (a new revision reads the new version on every instance), or pin the ref to a version number (${version.ref.secret}:${number ?? "N"})`,
        }),
      );
  });
}

function sameRef(a: SecretRef, b: SecretRef): boolean {
  return a.secret === b.secret && (a.project ?? "") === (b.project ?? "") && a.version === b.version;
}
