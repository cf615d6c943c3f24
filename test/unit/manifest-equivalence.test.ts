// The manifest is read in one walk over the composed document (checks, value and lines),
// where it was read by checkMaps, yaml's own toJS and a lookup from the top for each line.
// Both must give the same results on every manifest: the same value, the same YAML errors
// at the same offsets, the same refusals, the same lines.
import { inspect, isDeepStrictEqual } from "node:util";
import { describe, expect, it } from "vitest";
import { type Document, isMap, isScalar, isSeq, LineCounter, type Node, stringify } from "yaml";
import { ManifestError } from "../../src/errors.js";
import { manifestLocator } from "../../src/manifest/locate.js";
import { parseBoundedYaml, parseBoundedYamlValue } from "../../src/parse-yaml.js";
import { manifestVariants } from "./manifest-variants.js";

const source = { label: "manifest m.yml", error: ManifestError };

/** What a caller sees: the refusal, or the YAML errors and (without them) the value. */
function outcome(read: () => { doc: Document.Parsed; toJS: () => unknown }): unknown {
  try {
    const { doc, toJS } = read();
    const errors = doc.errors.map((error) => [error.pos, error.code, error.message]);
    if (errors.length) return { errors };
    try {
      return { value: toJS() };
    } catch (error) {
      return { toJSError: String(error) };
    }
  } catch (error) {
    return { thrown: `${(error as Error).constructor.name}: ${(error as Error).message} (${(error as ManifestError).hint})` };
  }
}

const reference = (text: string) =>
  outcome(() => {
    const doc = parseBoundedYaml(text, new LineCounter(), source);
    return { doc, toJS: () => doc.toJS({ maxAliasCount: 100 }) };
  });
const walked = (text: string) =>
  outcome(() => {
    const { doc, toJS } = parseBoundedYamlValue(text, new LineCounter(), source);
    return { doc, toJS: () => toJS(100) };
  });

/** The lookup it replaces: from the top, the first of equal keys, the deepest node found. */
function referenceLine(doc: Document, lineCounter: LineCounter, path: (string | number)[]): number | undefined {
  let node: unknown = doc.contents;
  let offset: number | undefined = (doc.contents as Node | null)?.range?.[0];
  for (const key of path) {
    if (isSeq(node) && typeof key === "number") {
      node = node.items[key];
      offset = (node as Node | undefined)?.range?.[0] ?? offset;
      continue;
    }
    if (!isMap(node)) break;
    const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(key));
    if (!pair) break;
    offset = (pair.key as Node).range?.[0] ?? offset;
    node = pair.value;
  }
  return offset === undefined ? undefined : lineCounter.linePos(offset).line;
}

/** Every path into the value (each object once: aliases share them), and one step past each (a key that is not there). */
function pathsOf(
  value: unknown,
  path: (string | number)[] = [],
  into: (string | number)[][] = [],
  seen = new Set(),
): (string | number)[][] {
  into.push(path, [...path, "missing"], [...path, 0]);
  if (!value || typeof value !== "object" || seen.has(value)) return into;
  seen.add(value);
  if (Array.isArray(value)) for (const [index, item] of value.entries()) pathsOf(item, [...path, index], into, seen);
  else for (const [key, item] of Object.entries(value)) pathsOf(item, [...path, key], into, seen);
  return into;
}

const ODD_YAML = [
  "",
  "# nothing\n",
  "~\n",
  "just text\n",
  "- a\n- [b, { c: d }]\n",
  "a: 1\n'a': 2\na: 3\n",
  "1: a\n'1': b\n1.0: c\n",
  "__proto__: { polluted: true }\nconstructor: 1\ntoString: 2\n",
  "? [a, b]\n: complex\n",
  "{ a: 1 }: flow key\n",
  "~: null key\n'': empty key\n",
  ".nan: a\n.NaN: b\n",
  "true: a\n'true': b\nTrue: c\n",
  "a: &x { b: 1 }\nc: *x\n",
  "base: &b { x: 1 }\nm: { <<: *b, y: 2 }\n",
  "%YAML 1.1\n---\nbase: &b { x: 1 }\nm: { <<: *b, y: 2 }\nt: 2001-12-14\nbin: !!binary aGVsbG8=\n",
  "%YAML 1.1\n---\n2001-12-14: a\n2001-12-14 00:00:00Z: b\n",
  "s: !!set { a, b }\no: !!omap [ a: 1, b: 2 ]\np: !!pairs [ a: 1 ]\n",
  "%YAML 1.1\n---\ns: !!set { a, b }\no: !!omap [ a: 1, b: 2 ]\n",
  "x: !custom { a: 1 }\ny: !!str 32\nz: !!int '7'\n",
  "seq: [a: 1, b]\n",
  "a: [1, 2\n",
  "a: 1\n---\nb: 2\n",
  "\ta: tab\n",
  "a:\n  b: 1\n c: 2\n",
  "a: *undefined\n",
  "a: 0x1F\nb: 0o17\nc: 1e3\nd: .inf\ne: -.Inf\nf: 12345678901234567890\n",
  "k: |\n  literal\n  text\nf: >-\n  folded\n  text\n",
  "m: { a: 1, a: 2 }\nn: { a: 1 }\n",
  "outer:\n  inner: { x: 1, x: 2 }\n  inner: 3\n",
  `big:\n${Array.from({ length: 2001 }, (_, index) => `  k${index}: v`).join("\n")}\n`,
  `x: &a [1]\nl: [${Array.from({ length: 101 }, () => "*a").join(", ")}]\n`,
  `x: &a [1, 2]\nl: [${Array.from({ length: 60 }, () => "*a").join(", ")}]\n`,
  "a: 1\r\nb:\r\n  c: 2\r\n",
  "\ufeffa: 1\n",
  // A fleet, as yaml writes one.
  stringify({
    region: "europe-west1",
    services: Object.fromEntries(
      Array.from({ length: 60 }, (_, service) => [
        `svc-${service}`,
        { env: { ENVIRONMENT: { equals: "staging" } }, secrets: { A: { secret: `s-${service}`, min_bytes: 32 }, B: null } },
      ]),
    ),
  }),
];

describe("the manifest walk", () => {
  it("gives what checkMaps and yaml's toJS give, on YAML's odd corners", () => {
    for (const text of ODD_YAML) {
      const [expected, actual] = [reference(text), walked(text)];
      expect({ text, outcome: inspect(actual, { depth: null }) }).toEqual({ text, outcome: inspect(expected, { depth: null }) });
      expect(isDeepStrictEqual(actual, expected)).toBe(true);
    }
  });

  it("gives what checkMaps and yaml's toJS give, on 1,000 generated manifests, valid and not", () => {
    let values = 0;
    for (const text of manifestVariants(1_000, 15)) {
      const [expected, actual] = [reference(text), walked(text)];
      if (inspect(actual, { depth: null }) !== inspect(expected, { depth: null }) || !isDeepStrictEqual(actual, expected)) {
        expect({ text, outcome: inspect(actual, { depth: null }) }).toEqual({ text, outcome: inspect(expected, { depth: null }) });
      }
      if ("value" in (expected as object)) values++;
    }
    // Most are documents the walk reads, not only errors.
    expect(values).toBeGreaterThan(400);
  });

  it("locates every path on the line the lookup from the top found", () => {
    for (const text of [...ODD_YAML.slice(0, 30), ODD_YAML.at(-1) ?? "", ...manifestVariants(200, 16)]) {
      const lineCounter = new LineCounter();
      let parsed: ReturnType<typeof parseBoundedYamlValue>;
      try {
        parsed = parseBoundedYamlValue(text, lineCounter, source);
      } catch {
        continue;
      }
      let value: unknown;
      try {
        value = parsed.toJS(100);
      } catch {
        continue;
      }
      const { root, step, at, locate } = manifestLocator(parsed.doc, lineCounter, "m.yml");
      for (const path of pathsOf(value)) {
        const expected = referenceLine(parsed.doc, lineCounter, path);
        expect({ text, path, line: locate(path).line }).toEqual({ text, path, line: expected });
        expect(at(path.reduce(step, root)).line).toBe(expected);
      }
    }
  });
});
