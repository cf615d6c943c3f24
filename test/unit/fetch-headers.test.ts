// src/gcp/fetch-headers.ts stands in for the platform's Headers in the Google stack: every
// operation must give what Node's own (undici) gives, throw where it throws, and never let a
// header that could split a request through.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FetchHeaders, NoFormData } from "../../src/gcp/fetch-headers.js";

type Op =
  | { kind: "append" | "set"; name: string; value: string }
  | { kind: "get" | "has" | "delete"; name: string }
  | { kind: "getSetCookie" | "entries" | "forEach" };

/** Names: real ones, case variants, and the characters that make a name invalid. */
const name = fc.oneof(
  fc.constantFrom("Content-Type", "content-type", "ACCEPT", "authorization", "Set-Cookie", "set-cookie", "x-goog-api-client", "a", "Z"),
  fc.string({ unit: fc.constantFrom("a", "B", "-", "_", "~", "!", " ", ":", "\n", "é", "\0", "(", "0"), maxLength: 6 }),
);
/** Values: with HTTP whitespace at the ends, inner spaces, CR/LF/NUL, Latin-1 and wider characters. */
const value = fc.string({ unit: fc.constantFrom("v", "1", " ", "\t", "\r", "\n", "\0", ",", "é", "ÿ", "€", "😀", "="), maxLength: 8 });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constantFrom("append" as const, "set" as const), name, value }),
  fc.record({ kind: fc.constantFrom("get" as const, "has" as const, "delete" as const), name }),
  fc.record({ kind: fc.constantFrom("getSetCookie" as const, "entries" as const, "forEach" as const) }),
);

interface HeadersLike {
  append(name: string, value: string): void;
  set(name: string, value: string): void;
  get(name: string): string | null;
  has(name: string): boolean;
  delete(name: string): void;
  getSetCookie(): string[];
  entries(): IterableIterator<[string, string]>;
  forEach(callback: (value: string, name: string) => void): void;
}

function apply(headers: HeadersLike, step: Op): unknown {
  try {
    switch (step.kind) {
      case "append":
      case "set":
        return headers[step.kind](step.name, step.value);
      case "get":
      case "has":
      case "delete":
        return headers[step.kind](step.name);
      case "getSetCookie":
        return headers.getSetCookie();
      case "entries":
        return [...headers.entries()];
      case "forEach": {
        const seen: string[][] = [];
        headers.forEach((v, n) => {
          seen.push([n, v]);
        });
        return seen;
      }
    }
  } catch (error) {
    return { threw: (error as Error).constructor.name };
  }
}

describe("FetchHeaders behaves as the platform's Headers", () => {
  it("gives the same answers, and throws the same TypeErrors, for any sequence of operations", () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 25 }), (ops) => {
        const ours = new FetchHeaders();
        const platform = new Headers();
        for (const step of ops) expect(apply(ours, step)).toEqual(apply(platform, step));
        expect([...ours]).toEqual([...platform]);
      }),
      { numRuns: 2000 },
    );
  });

  it("is built from the same inits: records, pairs, another Headers", () => {
    const inits: unknown[] = [
      undefined,
      {},
      { "Content-Type": "application/json", accept: " */* " },
      [
        ["a", "1"],
        ["A", "2"],
        ["set-cookie", "x=1"],
        ["Set-Cookie", "y=2"],
      ],
      new Map([["x-one", "1"]]),
      new Headers({ authorization: "Bearer t", "x-b": "2" }),
      new FetchHeaders({ authorization: "Bearer t", "x-b": "2" }),
      [["only-name"]],
      [["a", "b", "c"]],
      ["ab"],
      [5],
      null,
      "a=b",
      { "bad name": "x" },
      { ok: "line\r\nInjected: yes" },
      { ok: "\u20ac" },
    ];
    for (const init of inits) {
      const build = (Kind: new (init?: never) => Iterable<[string, string]>) => {
        try {
          return [...new Kind(init as never)];
        } catch (error) {
          return { threw: (error as Error).constructor.name };
        }
      };
      expect(build(FetchHeaders as never), JSON.stringify(init)).toEqual(build(Headers as never));
    }
  });

  it("never holds a value that would split a request (CR, LF or NUL inside)", () => {
    const headers = new FetchHeaders();
    for (const bad of ["a\r\nX-Injected: 1", "a\nb", "a\rb", "a\0b"]) {
      expect(() => headers.set("authorization", bad)).toThrow(TypeError);
      expect(() => headers.append("authorization", bad)).toThrow(TypeError);
      expect(() => new FetchHeaders({ authorization: bad })).toThrow(TypeError);
    }
    expect(headers.has("authorization")).toBe(false);
    // Whitespace at the ends is removed, as the standard normalizes it, not refused.
    headers.set("Authorization", "\r\n Bearer t \t\n");
    expect(headers.get("authorization")).toBe("Bearer t");
  });

  it("says it is a Headers, and NoFormData has no instances", () => {
    expect(Object.prototype.toString.call(new FetchHeaders())).toBe("[object Headers]");
    expect({} instanceof NoFormData).toBe(false);
    expect(new NoFormData() instanceof NoFormData).toBe(false);
  });
});
