// A few characters of what a server said, safe to put in a report: our own
// credentials cut out (some backends echo the token in their 401 body) and the
// length capped. The cap is applied later, once every secret of the run is known
// and redacted (src/cut.ts): the probes run before the gate has read them all.
import { deferCut } from "../cut.js";

const EXCERPT_CHARS = 200;

/** Cut every credential the gate sent out of `text`, in the spellings a server may echo it back in. */
export function redactSent(text: string, sent: readonly string[]): string {
  const needles = new Set<string>();
  for (const value of sent) {
    // A needle longer than the text cannot be in it (a refusal's "Forbidden" meets 150-character tokens every round).
    if (value.length < 8 || (value.length > text.length && text.length < 16)) continue;
    if (value.length <= text.length) {
      needles.add(value);
      needles.add(encodeURIComponent(value));
    }
    // A JWT's payload or signature alone identifies it; echoing one segment is a leak too.
    if (text.length >= 16) for (const part of value.split(".")) if (part.length >= 16) needles.add(part);
  }
  let result = text;
  for (const needle of [...needles].sort((a, b) => b.length - a.length)) result = result.split(needle).join("[redacted]");
  // Anything else shaped like a JWT (a truncated echo, another client's token) goes too.
  return result.replace(/eyJ[A-Za-z0-9_-]{6,}(\.[A-Za-z0-9_-]*){0,2}/g, "[redacted]");
}

/** The sent credentials out now; escaped and capped to `cap` characters when the report is redacted. */
export function excerpt(text: string, sent: readonly string[] = [], cap = EXCERPT_CHARS): string {
  return deferCut(redactSent(text, sent), cap);
}
