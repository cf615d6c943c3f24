// Masking (::add-mask::) protects only the log. Outputs, the summary, comments
// and files need their own pass: every value the gate masked is replaced here,
// in each spelling a server or a library may give it back in, and only then are
// excerpts of untrusted text cut to size (src/cut.ts): a secret cut first is one
// redaction can no longer find, and its first characters would be printed.
import { type SecretForms, settleCuts } from "./cut.js";
import { randomLooking } from "./shown-value.js";

const MIN_REDACTED_LENGTH = 4;
/** Shorter derived spellings are too likely to occur in ordinary text to be replaced everywhere. */
const MIN_FORM_LENGTH = 8;
export const REDACTED = "***";

export interface Redactor {
  /** Remember a value; false when it is too short to mask without garbling text. */
  add(value: string): boolean;
  /** Every remembered value out of `text`, then every deferred excerpt cut (see src/cut.ts). */
  redact(text: string): string;
}

export function redactor(): Redactor {
  const values = new Set<string>();
  const forms = new Set<string>();
  /** A random-looking secret's first and last characters (see secretFragments), and whose they are. */
  const fragments = new Map<string, Fragment[]>();
  let sorted: string[] = [];
  let index: FormIndex | undefined;
  return {
    add(value) {
      const trimmed = value.trim();
      if (trimmed.length < MIN_REDACTED_LENGTH || values.has(trimmed)) return false;
      values.add(trimmed);
      for (const form of secretForms(trimmed)) forms.add(form);
      for (const fragment of secretFragments(trimmed)) {
        const owners = fragments.get(fragment.text);
        if (owners) owners.push(fragment);
        else fragments.set(fragment.text, [fragment]);
      }
      // Sorted and indexed on the next redact: a fleet adds thousands of values in a row.
      index = undefined;
      return true;
    },
    redact(text) {
      if (!index) {
        sorted = [...new Set([...forms, ...fragments.keys()])].sort((a, b) => b.length - a.length);
        index = indexForms(sorted);
      }
      let result = text;
      // Longest first. With a handful of forms (an aggregate job's token, none at all) a native
      // search per form beats indexing every character of the text; with more, only the forms
      // whose first characters occur in the text are tried.
      const tried = sorted.length <= DIRECT_FORMS ? sorted : candidates(index, text).map((position) => sorted[position] as string);
      for (const form of tried) {
        if (!result.includes(form)) continue;
        const owners = fragments.get(form);
        if (forms.has(form)) result = result.split(form).join(REDACTED);
        // Longer forms went first: what is left of a secret here is a part of it, cut out as far as it runs.
        if (owners) for (const fragment of owners) result = withoutFragment(result, fragment);
      }
      return settleCuts(result, sorted);
    },
  };
}

/** Characters of a secret's start or end a diagnostic prints ("the first 10 characters", incident 3). */
const FRAGMENT_CHARS = 8;

interface Fragment {
  /** The first or the last FRAGMENT_CHARS characters of `value`. */
  text: string;
  value: string;
  head: boolean;
}

/**
 * A diagnostic that prints a secret's first or last characters (incident 3 printed the first 10)
 * leaks them through any report that quotes it. Of a random-looking secret, 8 characters of its
 * start or end occur nowhere else, so each run of them is cut out: the start as far as it goes
 * on, the end as far as it goes back. A secret made of words ("staging-db-password") has none:
 * its start is ordinary text ("staging-api"), and replacing that would garble (and point at) it.
 */
function secretFragments(value: string): Fragment[] {
  if (value.length < 2 * FRAGMENT_CHARS || value.length > 4096 || /\s/.test(value) || !randomLooking(value)) return [];
  // A JWT's first segment is its header, the same in every token of its algorithm: its signature is a form already.
  if (/^eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/.test(value)) return [];
  const mixed = (text: string) => (/[0-9]/.test(text) && /[A-Za-z]/.test(text)) || (/[a-z]/.test(text) && /[A-Z]/.test(text));
  const ends: Fragment[] = [
    { text: value.slice(0, FRAGMENT_CHARS), value, head: true },
    { text: value.slice(-FRAGMENT_CHARS), value, head: false },
  ];
  return ends.filter((fragment) => mixed(fragment.text));
}

/** `text` with every run of `fragment.value` that starts (or ends) where the value does replaced. */
function withoutFragment(text: string, { text: fragment, value, head }: Fragment): string {
  let out = "";
  let from = 0;
  for (let at = text.indexOf(fragment); at !== -1; at = text.indexOf(fragment, at + FRAGMENT_CHARS)) {
    if (at < from) continue;
    let start = at;
    let end = at + FRAGMENT_CHARS;
    if (head) {
      while (end < text.length && end - start < value.length && text[end] === value[end - start]) end++;
    } else {
      while (start > from && end - start < value.length && text[start - 1] === value[value.length - (end - start) - 1]) start--;
    }
    out += `${text.slice(from, start)}${REDACTED}`;
    from = end;
  }
  return from === 0 ? text : `${out}${text.slice(from)}`;
}

/** Forms by their first three characters (as one small integer: no string per position), as positions in the longest-first order. */
interface FormIndex {
  byStart: Map<number, number[]>;
  /** A bit per hash of a start: most positions of a text are turned down by one read, never a Map lookup. */
  seen: Uint32Array;
  /** Tried on every text: a form with `*` can appear where an earlier one was replaced by `***`. */
  always: readonly number[];
}

const START = 3;
/** Up to this many forms, each is looked for directly (String.includes) instead of through the index. */
const DIRECT_FORMS = 16;
const SEEN_BITS = 16;
/**
 * Three characters as one integer of 30 bits, ten of each: a small integer (Smi) for V8, which a Map
 * looks up without boxing. Characters that differ above their tenth bit share a key; the forms under
 * it are all tried (with String.includes), so a shared key costs a search, never a miss.
 */
const key = (a: number, b: number, c: number) => ((a & 0x3ff) << 20) | ((b & 0x3ff) << 10) | (c & 0x3ff);
const seenBit = (start: number) => Math.imul(start, 0x9e3779b1) >>> (32 - SEEN_BITS);

function indexForms(sorted: string[]): FormIndex {
  const byStart = new Map<number, number[]>();
  const seen = new Uint32Array(2 ** SEEN_BITS / 32);
  const always: number[] = [];
  sorted.forEach((form, position) => {
    if (form.includes("*") || form.length < START) always.push(position);
    else {
      const start = key(form.charCodeAt(0), form.charCodeAt(1), form.charCodeAt(2));
      const bit = seenBit(start);
      seen[bit >>> 5] = (seen[bit >>> 5] as number) | (1 << (bit & 31));
      const positions = byStart.get(start);
      if (positions) positions.push(position);
      else byStart.set(start, [position]);
    }
  });
  return { byStart, seen, always };
}

/**
 * The forms that may occur in `text`, longest first: one pass over the text, not one per form,
 * so a run with thousands of secrets redacts a 1 MB summary in milliseconds. Replacing a form
 * only ever creates new matches that contain `*`: those forms are always tried.
 */
function candidates(index: FormIndex, text: string): readonly number[] {
  // Most strings of a report hold no secret: they cost a scan, not a Set and an array each.
  let found: Set<number> | undefined;
  const { byStart, seen } = index;
  let a = text.charCodeAt(0);
  let b = text.charCodeAt(1);
  for (let at = 0; at + START <= text.length; at++) {
    const c = text.charCodeAt(at + 2);
    const start = key(a, b, c);
    a = b;
    b = c;
    const bit = seenBit(start);
    if (((seen[bit >>> 5] as number) & (1 << (bit & 31))) === 0) continue;
    const positions = byStart.get(start);
    if (!positions) continue;
    found ??= new Set<number>(index.always);
    for (const position of positions) found.add(position);
  }
  if (!found) return index.always;
  return [...found].sort((x, y) => x - y);
}

/**
 * The spellings of one secret that can come back in a body or an error: the value, each
 * line of a PEM key (as the runner masks them), JSON-escaped, URL-encoded, and base64 /
 * base64url at the three byte alignments (a secret inside a larger base64 blob, as the
 * runner's masker does too); for a JWT, its signature alone. Hex and other encodings are
 * not derived: no backend we know echoes them, and short hex matches too much.
 */
export function secretForms(value: string): SecretForms {
  const forms = new Set<string>([value]);
  const add = (form: string) => form.length >= MIN_FORM_LENGTH && forms.add(form);
  for (const line of value.split(/\r?\n/)) add(line.trim());
  const json = JSON.stringify(value).slice(1, -1);
  add(json);
  // Other languages' JSON: Go escapes < > & and U+2028/9; Python (ensure_ascii) every non-ASCII
  // character; PHP those and the slash. A backend's debug page or error body is any of them.
  add(json.replace(/[<>&\u2028\u2029]/g, unicodeEscape));
  const ascii = json.replace(/[\u0080-\uffff]/g, unicodeEscape);
  add(ascii);
  add(ascii.replace(/\//g, "\\/"));
  add(json.replace(/\//g, "\\/"));
  // A secret in a URL: every encoder keeps a different set of characters as they are (a query
  // string form-encoded, Go's QueryEscape, Python's quote, a URL parser's own serialisation), in
  // upper- or lower-case hex. A secret of letters and digits only is the same in all of them.
  for (const encoded of urlEncodings(value)) {
    add(encoded);
    add(encoded.replace(/%[0-9A-F]{2}/g, (code) => code.toLowerCase()));
  }
  const bytes = Buffer.from(value, "utf8");
  for (const shift of [0, 1, 2]) {
    const encoded = Buffer.concat([Buffer.alloc(shift), bytes]).toString("base64");
    // Only the characters every bit of which comes from the secret: the same whatever surrounds it.
    const determined = encoded.slice(Math.ceil((8 * shift) / 6), Math.floor((8 * (shift + bytes.length)) / 6));
    add(determined);
    add(determined.replace(/\+/g, "-").replace(/\//g, "_"));
  }
  const jwt = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.([A-Za-z0-9_-]{16,})$/.exec(value);
  if (jwt?.[1]) add(jwt[1]);
  return [...forms];
}

const unicodeEscape = (char: string) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`;

/**
 * Which ASCII characters each URL encoder leaves as they are (every other byte becomes %XX, UTF-8):
 * encodeURIComponent; RFC 3986's unreserved set (Go's QueryEscape, Python's quote_plus); the form
 * encoding of URLSearchParams; Python's quote (the slash kept); encodeURI; and what a WHATWG URL
 * parser encodes in a query and in a path it is handed (only controls, space, quotes, <, >, …).
 */
const URL_KEEPS: readonly RegExp[] = [
  /[A-Za-z0-9\-_.!~*'()]/,
  /[A-Za-z0-9\-_.~]/,
  /[A-Za-z0-9*\-_.]/,
  /[A-Za-z0-9\-_.~/]/,
  /[A-Za-z0-9\-_.!~*'();/?:@&=+$,#]/,
  /[!$-&(-;=?-~]/,
  /[!$-;=@-_a-z|~]/,
];

/** The secret as each URL encoder writes it, with a space as %20 and as +. */
function urlEncodings(value: string): Set<string> {
  const bytes = Buffer.from(value, "utf8");
  const encodings = new Set<string>();
  for (const keep of URL_KEEPS) {
    let encoded = "";
    for (const byte of bytes) {
      const char = String.fromCharCode(byte);
      encoded += byte < 0x80 && keep.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
    }
    encodings.add(encoded);
    if (encoded.includes("%20")) encodings.add(encoded.replace(/%20/g, "+"));
  }
  return encodings;
}
