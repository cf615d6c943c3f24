import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseKVString } from "../../../src/candidate/kv-string.js";
import { InputError } from "../../../src/errors.js";

// Expected pairs were taken from actions-utils 1.0.x parseKVString's behaviour.
const pairsCases: [name: string, input: string, expected: Record<string, string> | undefined][] = [
  ["empty is not set", "", undefined],
  ["whitespace is not set", "  \n\t ", undefined],
  ["{} parses to nothing", " {} ", {}],
  ["single pair", "A=1", { A: "1" }],
  ["comma separated", "A=1,B=2", { A: "1", B: "2" }],
  ["newline separated", "A=1\nB=2", { A: "1", B: "2" }],
  ["CRLF", "A=1\r\nB=2\r\n", { A: "1", B: "2" }],
  ["U+2028 and U+2029", "A=1\u2028B=2\u2029C=3", { A: "1", B: "2", C: "3" }],
  ["blank pairs skipped", "A=1,,\n\nB=2,", { A: "1", B: "2" }],
  ["first = splits, later kept", "URL=postgres://h/db?sslmode=require", { URL: "postgres://h/db?sslmode=require" }],
  ["== keeps second =", "A==x", { A: "=x" }],
  ["escaped comma", "A=x\\,y,B=2", { A: "x,y", B: "2" }],
  ["escaped backslash", "A=x\\\\y", { A: "x\\y" }],
  ["escaped = in key", "A\\=B=c", { "A=B": "c" }],
  ["escaped newline", "A=x\\\ny", { A: "x\ny" }],
  ["no = gives empty value", "FLAG", { FLAG: "" }],
  ["trailing = gives empty value", "A=", { A: "" }],
  ["key and value trimmed", "  A  =  x y  ", { A: "x y" }],
  ["last duplicate wins", "A=1,A=2", { A: "2" }],
  ["quotes kept", 'A=" x "', { A: '" x "' }],
  ["comma inside quotes still splits", 'A="x,y"', { A: '"x', 'y"': "" }],
  ["# line is a key", "# database\nA=1", { "# database": "", A: "1" }],
  ["KEY: value is a key", "KEY: value", { "KEY: value": "" }],
  ["whitespace key before = becomes empty key", "A=1, =2", { A: "1", "": "2" }],
  // actions-utils stores pairs in a plain object: `result["__proto__"] = "x"` hits the prototype
  // setter and is lost, so deploy-cloudrun sends no such variable (and no flag if it was the only one).
  ["__proto__ is dropped, as upstream's plain object drops it", "__proto__=x", {}],
  ["__proto__ among others", "A=1,__proto__=x,B=2", { A: "1", B: "2" }],
  ["unicode value", "GREETING=héllo 🚀", { GREETING: "héllo 🚀" }],
];

describe("parseKVString pairs", () => {
  it.each(pairsCases)("%s", (_name, input, expected) => {
    const { pairs } = parseKVString(input);
    expect(pairs).toEqual(expected);
    if (expected) expect(Object.keys(pairs ?? {})).toEqual(Object.keys(expected));
  });
});

const warningCases: [input: string, kinds: string[]][] = [
  ["A=1,B=2", []],
  ['A="x"', ["quotes_kept"]],
  ["A='x'", ["quotes_kept"]],
  ["# note\nA=1", ["hash_not_comment"]],
  ["DATABASE_URL: postgres://u:p@h/db", ["colon_in_key"]],
  ["A=", ["empty_value"]],
  ["FLAG", ["empty_value"]],
  ["A=1, =2", ["empty_key"]],
  ["A=1,A=2", ["duplicate_key"]],
  ["__proto__=x", ["dropped_key"]],
  ['A="x,y"', ["quotes_kept", "empty_value", "quotes_kept"]],
];

describe("parseKVString warnings", () => {
  it.each(warningCases)("%j warns %j", (input, kinds) => {
    expect(parseKVString(input).warnings.map((warning) => warning.kind)).toEqual(kinds);
  });

  it("numbers pairs among non-blank pairs and names the input", () => {
    const [warning] = parseKVString("A=1,,B=", "secrets").warnings;
    expect(warning).toMatchObject({ kind: "empty_value", pair: 2, key: '"B"' });
    expect(warning?.message).toMatch(/^secrets pair 2:/);
  });

  it("never prints the value part of a KEY: value line", () => {
    const { warnings } = parseKVString("API_TOKEN: sk-live-abcdef\n# password hunter2");
    const text = JSON.stringify(warnings);
    expect(text).not.toContain("sk-live");
    expect(text).not.toContain("hunter2");
    // Without "=", the pair may be the tail of a secret split at a newline, so even the name is
    // withheld; the pair number still says where to look.
    expect(text).toContain("env_vars pair 1");
  });

  it("does not flag /dir:file mount keys as colon_in_key", () => {
    expect(parseKVString("/secrets:api.key=api-key:1", "secrets").warnings).toEqual([]);
  });
});

describe("parseKVString errors", () => {
  const errorCases: [input: string, pattern: RegExp][] = [
    ["=value", /env_vars pair 1 starts with "="/],
    ["A=1,=2", /env_vars pair 2 starts with "="/],
    ["A=1\n=2", /pair 2/],
    ["A=x\\", /pair 1 ends with a lone "\\"/],
  ];
  it.each(errorCases)("%j throws", (input, pattern) => {
    const error = captureError(() => parseKVString(input));
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).code).toBe("CANDIDATE_INVALID");
    expect((error as InputError).message).toMatch(pattern);
    expect((error as InputError).hint).toBeTruthy();
  });

  it("does not echo a value in the error", () => {
    const error = captureError(() => parseKVString("PASSWORD=hunter2\\", "secrets")) as InputError;
    expect(`${error.message} ${error.hint}`).not.toContain("hunter2");
    expect(error.message).toContain("secrets");
  });
});

describe("parseKVString properties", () => {
  const alphabet = fc.constantFrom("A", "b", "=", ",", "\\", "\n", "\r", " ", '"', "'", "#", ":", "{", "}", "\u2028", "é");
  const kvText = fc.oneof(fc.string(), fc.string({ unit: alphabet }));

  it("throws nothing but InputError", () => {
    fc.assert(
      fc.property(kvText, (input) => {
        try {
          parseKVString(input);
        } catch (error) {
          expect(error).toBeInstanceOf(InputError);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("round-trips keys and values written with escapes", () => {
    const word = fc.string({ unit: alphabet, minLength: 1 }).filter((s) => s.trim() === s && s !== "" && s !== "{}");
    fc.assert(
      fc.property(fc.dictionary(word, word, { minKeys: 1 }), (record) => {
        const escapeKv = (s: string) => s.replace(/[\\,=\n\r\u2028\u2029]/g, (ch) => `\\${ch}`);
        const input = Object.entries(record)
          .map(([key, value]) => `${escapeKv(key)}=${escapeKv(value)}`)
          .join(",");
        expect(parseKVString(input).pairs).toEqual(record);
      }),
      { numRuns: 500 },
    );
  });
});

function captureError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error");
}
