// Words shared by every check's messages, so findings read the same everywhere.
import type { RevisionConfig } from "../model.js";
import { shownValue } from "../shown-value.js";
import { withoutCredentialShapes } from "../cut.js";
import { shortName } from "../resource-name.js";

export function describeRevision(config: RevisionConfig): string {
  const revision = shortName(config.revision);
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

/** Shapes that are credentials wherever they appear: a JWT, a PEM block, a Google API key or OAuth token. */
const CREDENTIAL_SHAPED = [
  /eyJ[A-Za-z0-9_-]{6,}(\.[A-Za-z0-9_-]*){0,2}/g,
  /-----BEGIN [A-Z ]{0,40}-----[\s\S]*?(-----END [A-Z ]{0,40}-----|$)/g,
  /\bAIza[0-9A-Za-z_-]{20,}/g,
  /\bya29\.[0-9A-Za-z_-]{10,}/g,
];

/**
 * A server's own words (a Cloud Run condition message) inside a finding: credential-shaped text cut
 * out, one line, control and bidi characters escaped. Not clipped here: the values the run masked are
 * redacted from the whole report before any renderer clips it, so no cut can keep a secret's start.
 */
export function untrustedMessage(text: string): string {
  // Every excerpt's shapes too (other issuers' tokens, password= values), as a cut excerpt withholds them.
  let result = withoutCredentialShapes(text);
  for (const shape of CREDENTIAL_SHAPED) result = result.replace(shape, "[redacted]");
  return result
    .replace(/\s*[\r\n]+\s*/g, " ")
    .replace(
      /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g,
      (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
    )
    .trim();
}
