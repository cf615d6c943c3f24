// Excerpts of untrusted text (a /health body, a refusal, a close reason) are cut
// to a readable size, but only after every secret has been redacted out of them:
// a secret cut first is one redaction no longer recognises. The probes run
// before the gate has read every secret (the /health probe starts while Secret
// Manager is still answering), so they cannot cut: they wrap a bounded window of
// the text in a deferred cut, and the redactor (src/redact.ts), which knows every
// secret by the time anything is published, redacts it and then cuts it.
//
// A cut never leaves a tail that could begin a secret: if the kept text ends
// with the first characters of any known spelling of one, those go too.

import { ISSUED_TOKEN, SECRET_PARAMETER } from "./secret-shapes.js";

/** Every spelling of every known secret (src/redact.ts secretForms). */
export type SecretForms = readonly string[];

const OPEN = "\ue000";
const BODY = "\ue001";
const CLOSE = "\ue002";
const MARKERS = /[\ue000-\ue002]/g;
/** Asked of every string of a report (tens of thousands in an aggregate): one regex, not one per call. */
const HAS_MARKER = /[\ue000-\ue002]/;
const DEFERRED = /\ue000(\d+)(~?)\ue001([^\ue000-\ue002]*)\ue002/g;
/** Redaction can shrink text a lot (a PEM key to three characters): keep this much to cut from. */
const WINDOW_CHARS = 4096;

/** A deferred cut of `text` to `cap` characters, for src/redact.ts to finish once every secret is known. */
export function deferCut(text: string, cap: number): string {
  const clean = text.replace(MARKERS, "\ufffd");
  if (clean.trim() === "") return ""; // callers test for an empty excerpt ("the server said nothing")
  const window = clean.length > WINDOW_CHARS ? clean.slice(0, WINDOW_CHARS) : clean;
  return `${OPEN}${Math.max(1, Math.floor(cap))}${window.length < clean.length ? "~" : ""}${BODY}${window}${CLOSE}`;
}

/** Finish every deferred cut in `text`: the text is already redacted, so cut it, never leaving a secret's first characters. */
export function settleCuts(text: string, forms: SecretForms): string {
  if (!HAS_MARKER.test(text)) return text;
  return (
    text
      .replace(DEFERRED, (_, cap: string, truncated: string, raw: string) => cutText(raw, Number(cap), forms, truncated === "~"))
      // A deferred cut someone cut in half (a slice before publishing): finish it as cut, at the shortest size.
      .replace(/\ue000(\d+)~?\ue001([^\ue000-\ue002]*)$/, (_, cap: string, raw: string) => cutText(raw, Number(cap), forms, true))
      .replace(MARKERS, "")
  );
}

/**
 * The one way text is cut for display: credential-shaped text out, control characters
 * escaped, at most `cap` characters, and no cut tail that begins a known secret.
 * `alreadyCut`: the text given is itself the start of something longer.
 */
export function cutText(text: string, cap: number, forms: SecretForms = [], alreadyCut = false): string {
  let kept = withoutCredentialShapes(alreadyCut ? dropSecretTail(text, forms) : text).replace(/\r\n/g, "\n");
  let cut = alreadyCut;
  let length = 0;
  let end = 0;
  for (const char of kept) {
    const width = escapeChar(char).length;
    if (length + width > cap) {
      cut = true;
      break;
    }
    length += width;
    end += char.length;
  }
  if (end < kept.length) kept = dropSecretTail(kept.slice(0, end), forms);
  const shown = [...kept].map(escapeChar).join("").trim();
  return cut ? `${shown}…` : shown;
}

const ISSUED_TOKENS = new RegExp(ISSUED_TOKEN.source, "g");
const SECRET_PARAMETERS = new RegExp(SECRET_PARAMETER.source, "gi");

/**
 * Tokens of any issuer in untrusted text: a JWT (or its first segments), a PEM block, URL userinfo,
 * the formats of AWS, GitHub, Slack, Stripe, Google… keys (a debug page dumping the environment), a
 * bearer or basic credential, and the value of a secret-named parameter (`password=…`, `"api_key": …`),
 * as configured values withhold them (src/shown-value.ts).
 */
export function withoutCredentialShapes(text: string): string {
  return (
    text
      .replace(/-----BEGIN [A-Z ]+-----[\s\S]*?(-----END [A-Z ]+-----|$)/g, "[redacted]")
      .replace(/eyJ[A-Za-z0-9_-]{6,}(\.[A-Za-z0-9_-]*){0,2}/g, "[redacted]")
      // The scheme starts where a run of scheme characters starts: from every `.` or `-` of a long run
      // (word boundaries, each), the scan to the run's end was quadratic: 3 s for 80,000 characters.
      .replace(/(?<![a-z0-9+.-])([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]+@/gi, "$1[redacted]@")
      .replace(ISSUED_TOKENS, (token) => {
        const scheme = /^(Bearer|Basic)\s+/.exec(token);
        return scheme ? `${scheme[0]}[redacted]` : token.startsWith('"private_key"') ? token : "[redacted]";
      })
      .replace(SECRET_PARAMETERS, (match, head: string, value: string) =>
        /^(Bearer|Basic)$/i.test(value) || value.startsWith("[redacted]") || value.startsWith("***") ? match : `${head}[redacted]`,
      )
  );
}

/** `text` without its longest tail that is the beginning of a known spelling of a secret. */
export function dropSecretTail(text: string, forms: SecretForms): string {
  let longest = 0;
  for (const form of forms) longest = Math.max(longest, overlap(text, form));
  return longest > 0 ? text.slice(0, text.length - longest) : text;
}

/** Length of the longest suffix of `text` that is a prefix of `form` (KMP prefix function, linear). */
function overlap(text: string, form: string): number {
  const joined = `${form}\u0000${text.slice(-form.length)}`;
  const prefix = new Array<number>(joined.length).fill(0);
  for (let index = 1; index < joined.length; index++) {
    let length = prefix[index - 1] ?? 0;
    while (length > 0 && joined[index] !== joined[length]) length = prefix[length - 1] ?? 0;
    if (joined[index] === joined[length]) length++;
    prefix[index] = length;
  }
  return Math.min(prefix[joined.length - 1] ?? 0, form.length);
}

/** No newline or control character survives, nor a bidi override that makes text read differently. */
function escapeChar(char: string): string {
  if (char === "\n") return "\\n";
  return /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/.test(char)
    ? `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`
    : char;
}
