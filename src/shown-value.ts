// Whether a configured value (a plain env var, a manifest's `equals`) may be
// printed in a finding. Most are ordinary (LOG_LEVEL=debug, an API URL) and
// showing them is what makes a mismatch quick to fix; some are credentials set
// as plain text (a database URL with its password, a pasted token or key),
// which the report, the comment and the logs must never carry. Those are
// described instead: what is wrong, and why the value is withheld.
import { deferCut } from "./cut.js";
import { ISSUED_TOKEN, SECRET_PARAMETER } from "./secret-shapes.js";

const SHOWN_CHARS = 100;

/** The value as a finding shows it (cut after redaction, see src/cut.ts), or why it is not shown. */
export function shownValue(value: string): string {
  const why = credentialShape(value);
  return why ? `(not shown: ${why})` : deferCut(value.replace(/[\r\n]+/g, " "), SHOWN_CHARS);
}

// A scheme starts where a run of scheme characters starts (the lookbehind): tried from inside a
// long run of letters too, the scan to its end made a 100,000-letter manifest key take 22 s.
const URL_WITH_PASSWORD = /(?<![a-z0-9+.-])[a-z][a-z0-9+.-]*:\/\/[^\s/?#@]*:[^\s/?#@]*@/i;
const URL_WITH_USER = /(?<![a-z0-9+.-])[a-z][a-z0-9+.-]*:\/\/[^\s/?#@]+@/i;
/** Why `value` looks like a credential, or undefined when it reads as ordinary configuration. */
export function credentialShape(value: string): string | undefined {
  if (value.includes("-----BEGIN")) return "it holds a PEM key or certificate";
  if (URL_WITH_PASSWORD.test(value)) return "it is a URL with a password in it";
  if (URL_WITH_USER.test(value)) return "it is a URL with credentials in it";
  if (SECRET_PARAMETER.test(value)) return "it holds a password, key or token parameter";
  if (/eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/.test(value)) return "it looks like a JWT";
  if (ISSUED_TOKEN.test(value)) return "it looks like an access key or token";
  if ((value.match(/[A-Za-z0-9+/=_-]{20,}/g) ?? []).some(randomLooking)) return "it looks like a key or token";
  return undefined;
}

/**
 * Random keys switch between upper case, lower case, digits and symbols every
 * character or two; names, paths and dates run in words ("us-central1",
 * "MyApp_Production_2024"). Long hex is a key too.
 */
export function randomLooking(word: string): boolean {
  if (/^[0-9a-f]{32,}$/i.test(word)) return true;
  if (!/[0-9]/.test(word) || !/[A-Za-z]/.test(word)) return false;
  const runs = word.match(/[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+|[^A-Za-z0-9]+/g) ?? [];
  return word.length / runs.length < 3;
}
