// The `Headers` that the Google stack (gaxios, google-auth-library, gcp-metadata, gtoken, and
// ./transport.ts) builds for every request and answer: the Fetch standard's Headers, in one small
// class. scripts/build.mjs puts it in place of the global for those modules only.
//
// Why not Node's own: the global `Headers` (and `FormData`, which gaxios tests every request body
// against) is undici, loaded whole on first touch: 25-39 ms of CPU on this bench's machine, on
// Node 20 and 24, before the run's first Google request can leave (the fixed cost of a run is
// about 90 ms, `npm run bench`). The gate's Google requests never need the rest of undici.
//
// Same behaviour as undici's Headers for everything the stack calls, checked operation by operation
// against the platform's (test/unit/fetch-headers.test.ts): names are tokens and compared
// lowercased, values are ByteStrings with leading and trailing HTTP whitespace removed and no NUL,
// CR or LF (a header that could split a request is a TypeError, never sent), repeated names are
// joined with ", ", and iteration is sorted by name with each Set-Cookie on its own.

/** An RFC 9110 token character (a header name is one or more of them). */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** HTTP whitespace at either end of a value: removed, as the Fetch standard normalizes it. */
const EDGE_WHITESPACE = /^[\t\n\r ]+|[\t\n\r ]+$/g;
/** Never in a value: each would end the header (or the string) early. */
const FORBIDDEN_IN_VALUE = /[\0\r\n]/;
/** A ByteString holds code units up to 0xFF only (WebIDL); anything wider is a TypeError. */
const WIDE = /[^\0-\xFF]/;

type Init = Iterable<readonly [string, string] | string[]> | Record<string, string> | FetchHeaders;

function headerName(name: unknown): string {
  const text = String(name);
  if (WIDE.test(text) || !TOKEN.test(text)) throw new TypeError(`Headers: invalid header name ${JSON.stringify(text.slice(0, 80))}`);
  return text.toLowerCase();
}

function headerValue(value: unknown, name: string): string {
  const text = String(value);
  if (WIDE.test(text)) throw new TypeError(`Headers: invalid value for the header ${name}`);
  const normalized = text.replace(EDGE_WHITESPACE, "");
  if (FORBIDDEN_IN_VALUE.test(normalized)) throw new TypeError(`Headers: invalid value for the header ${name}`);
  return normalized;
}

export class FetchHeaders {
  /** Lowercased name → its values, in the order appended. */
  readonly #values = new Map<string, string[]>();

  constructor(init?: Init) {
    if (init === undefined) return;
    if (init === null || (typeof init !== "object" && typeof init !== "function")) {
      throw new TypeError("Headers: the init must be a record or a sequence of name-value pairs");
    }
    if (Symbol.iterator in init) {
      for (const pair of init as Iterable<readonly string[]>) {
        if (typeof pair !== "object" || pair === null || !(Symbol.iterator in pair)) {
          throw new TypeError("Headers: each header must be a [name, value] pair");
        }
        const items = [...pair];
        if (items.length !== 2) throw new TypeError("Headers: each header must be a [name, value] pair");
        this.append(items[0] as string, items[1] as string);
      }
      return;
    }
    for (const name of Object.keys(init)) this.append(name, (init as Record<string, string>)[name] as string);
  }

  append(name: string, value: string): void {
    const key = headerName(name);
    const normalized = headerValue(value, key);
    const values = this.#values.get(key);
    if (values) values.push(normalized);
    else this.#values.set(key, [normalized]);
  }

  set(name: string, value: string): void {
    const key = headerName(name);
    this.#values.set(key, [headerValue(value, key)]);
  }

  get(name: string): string | null {
    return this.#values.get(headerName(name))?.join(", ") ?? null;
  }

  has(name: string): boolean {
    return this.#values.has(headerName(name));
  }

  delete(name: string): void {
    this.#values.delete(headerName(name));
  }

  getSetCookie(): string[] {
    return [...(this.#values.get("set-cookie") ?? [])];
  }

  forEach(callback: (value: string, name: string, headers: FetchHeaders) => void, thisArg?: unknown): void {
    for (const [name, value] of this) callback.call(thisArg, value, name, this);
  }

  *entries(): IterableIterator<[string, string]> {
    // Sorted by code unit, as the standard's "sort and combine" (names are ASCII, so this is byte order).
    const names = [...this.#values.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const name of names) {
      const values = this.#values.get(name) as string[];
      if (name === "set-cookie") for (const value of values) yield [name, value];
      else yield [name, values.join(", ")];
    }
  }

  *keys(): IterableIterator<string> {
    for (const [name] of this.entries()) yield name;
  }

  *values(): IterableIterator<string> {
    for (const [, value] of this.entries()) yield value;
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }

  get [Symbol.toStringTag](): string {
    return "Headers";
  }
}

/**
 * What the Google stack's modules see as `FormData`: a class nothing is an instance of. gaxios
 * asks `data instanceof FormData` of every request body (which would load undici for its FormData);
 * no call of the gate's sends one, and ./transport.ts refuses any body but a string, bytes or
 * URLSearchParams.
 */
// biome-ignore lint/complexity/noStaticOnlyClass: it stands where gaxios expects a class, on the right of instanceof
export class NoFormData {
  static [Symbol.hasInstance](_candidate: unknown): boolean {
    return false;
  }
}
