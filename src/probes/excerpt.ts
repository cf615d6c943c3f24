// A few characters of what a server said, safe to put in a report: our own
// credentials cut out (some backends echo the token in their 401 body),
// control characters escaped, and the length capped.
const EXCERPT_CHARS = 200;

/** Cut every credential the gate sent out of `text`, in the spellings a server may echo it back in. */
export function redactSent(text: string, sent: readonly string[]): string {
  const needles = new Set<string>();
  for (const value of sent) {
    if (value.length < 8) continue;
    needles.add(value);
    needles.add(encodeURIComponent(value));
    // A JWT's payload or signature alone identifies it; echoing one segment is a leak too.
    for (const part of value.split(".")) if (part.length >= 16) needles.add(part);
  }
  let result = text;
  for (const needle of [...needles].sort((a, b) => b.length - a.length)) result = result.split(needle).join("[redacted]");
  // Anything else shaped like a JWT (a truncated echo, another client's token) goes too.
  return result.replace(/eyJ[A-Za-z0-9_-]{6,}(\.[A-Za-z0-9_-]*){0,2}/g, "[redacted]");
}

/** Escaped (no newlines or control characters survive) and capped. */
export function excerpt(text: string, sent: readonly string[] = [], cap = EXCERPT_CHARS): string {
  const flat = redactSent(text, sent)
    .replace(/\r?\n/g, "\\n")
    .replace(
      /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g,
      (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
    )
    .trim();
  return flat.length > cap ? `${flat.slice(0, cap)}…` : flat;
}
