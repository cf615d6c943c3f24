// Words shared by every check's messages, so findings read the same everywhere.
import type { RevisionConfig } from "../model.js";
import { shownValue } from "../shown-value.js";

export function describeRevision(config: RevisionConfig): string {
  const revision = config.revision.slice(config.revision.lastIndexOf("/") + 1);
  return config.source === "candidate" ? `${config.service} (candidate config)` : `${config.service} revision ${revision}`;
}

/** The gcloud command that fixes it, with this service's names filled in. */
export function updateCommand(config: RevisionConfig, flag: string): string {
  return `gcloud run services update ${config.service} --region=${config.region} --project=${config.project} ${flag}`;
}

/** Plain values may still be sensitive: never for secret-shaped names or credential-shaped values (src/shown-value.ts). */
export function displayValue(name: string, value: string, secretShaped: RegExp): string {
  return secretShaped.test(name) ? "(not shown: the name says it holds a credential)" : shownValue(value);
}
