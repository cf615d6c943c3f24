// The one YAML parse the gate does (manifest, service YAML), in time linear in
// the input and small. Parsing is synchronous: no `timeout` can interrupt it,
// so what makes the yaml package slow is refused up front:
// - aliases: each one is resolved by a walk of the whole document (8,000 of
//   them in 104 KB took 23 s); a lexer pass counts them, and the nodes, before
//   anything is composed, and stops at the first one over the cap;
// - `uniqueKeys` compares every key with every other of its map (50,000 keys:
//   minutes); it is off, and duplicates are found here in one linear walk.
// Duplicate keys stay an error, reported as the yaml package reports them.
// Past the caps, a fleet's manifest costs mostly yaml's own lexer, parser and
// composer and their garbage (bench/manifest-parse.ts): what is ours is one walk.
import {
  Composer,
  CST,
  type Document,
  isCollection,
  isMap,
  isPair,
  isScalar,
  Lexer,
  type LineCounter,
  type Node,
  type Pair,
  Parser,
  type Scalar,
  YAMLMap,
  YAMLParseError,
  YAMLSeq,
} from "yaml";
import type { CandidateError, InputError, ManifestError } from "./errors.js";

/** A hand-written manifest or service YAML uses a few; more is a generated or hostile file. */
export const MAX_YAML_ALIASES = 100;
/** Scalars, aliases and flow collections: a 500-service manifest with 10 secrets each is about 22,000; the 1 MiB file cap allows ~250,000. */
export const MAX_YAML_NODES = 100_000;
/** Keys of one mapping: more than any Cloud Run container's env or a service's requirements. */
export const MAX_YAML_MAP_KEYS = 2_000;
/**
 * Collections inside collections: a manifest goes about 6 deep, a Knative service YAML about 12.
 * yaml composes recursively, so a deeper file (a 1 MiB line of `[`) would exhaust the stack at a
 * line that depends on how deep the stack already was.
 */
export const MAX_YAML_DEPTH = 64;

export interface YamlSource {
  /** How errors name the file: "manifest .github/deploy-gate.yml", "service YAML service.yaml". */
  label: string;
  /** The family its errors belong to (a manifest's, a candidate's). */
  error: typeof ManifestError | typeof CandidateError;
}

/**
 * Parses one YAML document within the caps, or throws an InputError naming the
 * line. YAML errors (syntax, duplicate keys) are left in `doc.errors` for the caller.
 */
export function parseBoundedYaml(text: string, lineCounter: LineCounter, source: YamlSource): Document.Parsed {
  const doc = composeBounded(text, lineCounter, source);
  checkMaps(doc, (offset) => lineAt(text, offset), source);
  return doc;
}

export interface BoundedYaml {
  doc: Document.Parsed;
  /** What `doc.toJS({ maxAliasCount })` returns (and throws); only for a document without errors. Built once: call it once. */
  toJS(maxAliasCount: number): unknown;
}

/**
 * parseBoundedYaml, and the document as JavaScript. For the usual document (maps, sequences and
 * scalars) the value is built in the walk that checks the maps: one walk instead of two, and none
 * of toJS's per-node context work. Aliases, merge keys, tagged collections or complex keys leave
 * it to yaml's own toJS, after the reference walk (checkMaps); the results are the same either way.
 */
export function parseBoundedYamlValue(text: string, lineCounter: LineCounter, source: YamlSource): BoundedYaml {
  const doc = composeBounded(text, lineCounter, source);
  const lineOf = (offset: number) => lineAt(text, offset);
  const built = checkAndBuild(doc, lineOf, source);
  if (built) {
    addDuplicates(doc, built.duplicates);
    return { doc, toJS: () => built.value };
  }
  checkMaps(doc, lineOf, source);
  return { doc, toJS: (maxAliasCount) => doc.toJS({ maxAliasCount }) };
}

/** Lexes (counting aliases and nodes within their caps), parses and composes the first document. */
function composeBounded(text: string, lineCounter: LineCounter, source: YamlSource): Document.Parsed {
  const tooMuch = (offset: number, what: string, hint: string): InputError =>
    new source.error(`${source.label}:${lineAt(text, offset)} has more than ${what}`, { hint });
  let aliases = 0;
  let nodes = 0;
  let offset = 0;
  // One lexer pass feeds both the count and the parser (what parseDocument would lex again):
  // the CST is linear to build; composing it, where aliases cost, waits until the count is done.
  const parser = new Parser(lineCounter.addNewLine);
  const tokens: CST.Token[] = [];
  lineCounter.addNewLine(0);
  for (const token of new Lexer().lex(text)) {
    if (token === CST.SCALAR || token === CST.DOCUMENT || token === CST.FLOW_END) {
      // Markers the lexer adds: not in the source. A plain or block scalar follows SCALAR.
      if (token === CST.SCALAR) nodes++;
    } else {
      // The token types counted here all start with one of these characters (the parser types every
      // token again: most, spaces, newlines, `:` and plain text, are not worth a second look).
      const first = token[0];
      if (first === "*" || first === "'" || first === '"' || first === "{" || first === "[") {
        const type = CST.tokenType(token);
        if (type === "alias" && ++aliases > MAX_YAML_ALIASES) {
          throw tooMuch(offset, `${MAX_YAML_ALIASES} YAML aliases`, "write the values out instead of repeating them with *aliases");
        }
        if (
          type === "alias" ||
          type === "single-quoted-scalar" ||
          type === "double-quoted-scalar" ||
          type === "flow-map-start" ||
          type === "flow-seq-start"
        ) {
          nodes++;
        }
      }
      offset += token.length;
    }
    if (nodes > MAX_YAML_NODES) {
      throw tooMuch(
        offset,
        `${MAX_YAML_NODES.toLocaleString("en-US")} YAML nodes`,
        "this is not a file a person wrote: point the gate at the real one, or split it",
      );
    }
    for (const cst of parser.next(token)) tokens.push(cst);
    if (parser.stack.length > MAX_YAML_DEPTH) {
      throw tooMuch(
        offset,
        `${MAX_YAML_DEPTH} levels of nested YAML collections`,
        "a manifest or service YAML nests a few levels: this is not a file a person wrote, point the gate at the real one",
      );
    }
  }
  for (const cst of parser.end()) tokens.push(cst);
  return composeOne(tokens, text.length);
}

/** What yaml's parseDocument does with the parsed tokens: the first document, and an error if there are more. */
function composeOne(tokens: CST.Token[], length: number): Document.Parsed {
  let doc: Document.Parsed | undefined;
  for (const next of new Composer({ prettyErrors: false, uniqueKeys: false }).compose(tokens, true, length)) {
    if (!doc) doc = next;
    else {
      doc.errors.push(
        new YAMLParseError(
          [next.range[0], next.range[1]],
          "MULTIPLE_DOCS",
          "Source contains multiple documents; please use YAML.parseAllDocuments()",
        ),
      );
      break;
    }
  }
  // compose(…, true) always ends with a document, even for empty text.
  return doc as Document.Parsed;
}

/**
 * Duplicate keys (as `uniqueKeys` would report them) and oversized maps, in one linear walk.
 * Hand-written rather than yaml's `visit`, which freezes a new path array at every node (a fifth
 * of the parse of a 200-service manifest); the order is the same: a map before its pairs, a key before its value.
 */
function checkMaps(doc: Document.Parsed, lineOf: (offset: number) => number, source: YamlSource): void {
  const duplicates: YAMLParseError[] = [];
  const walk = (node: unknown): void => {
    if (isPair(node)) {
      walk(node.key);
      walk(node.value);
      return;
    }
    if (isMap(node)) checkMap(node, lineOf, source, duplicates);
    // Maps, sequences and the yaml 1.1 collections (!!set, !!omap, !!pairs), whose items may be pairs.
    if (isCollection(node)) for (const item of node.items) walk(item);
  };
  walk(doc.contents);
  addDuplicates(doc, duplicates);
}

function addDuplicates(doc: Document.Parsed, duplicates: YAMLParseError[]): void {
  if (duplicates.length === 0) return;
  doc.errors.push(...duplicates);
  doc.errors.sort((a, b) => a.pos[0] - b.pos[0]);
}

function tooManyKeys(map: YAMLMap<unknown, unknown>, lineOf: (offset: number) => number, source: YamlSource): InputError {
  return new source.error(
    `${source.label}:${lineOf(map.range?.[0] ?? 0)} has a mapping with more than ${MAX_YAML_MAP_KEYS.toLocaleString("en-US")} keys`,
    { hint: "this is not a file a person wrote: point the gate at the real one" },
  );
}

const duplicateKey = (key: Node): YAMLParseError => {
  const [start, end] = key.range ?? [0, 0];
  return new YAMLParseError([start, end], "DUPLICATE_KEY", "Map keys must be unique");
};

function checkMap(map: YAMLMap, lineOf: (offset: number) => number, source: YamlSource, duplicates: YAMLParseError[]): void {
  if (map.items.length > MAX_YAML_MAP_KEYS) throw tooManyKeys(map, lineOf, source);
  // Same rule as the yaml package: two scalar keys are the same when their values are (1 and "1" differ).
  // Primitives by value, without a string per key; !!timestamp and !!binary values (Date, Uint8Array) by their text.
  const seen = new Set<unknown>();
  const seenObjects = new Set<string>();
  for (const pair of map.items) {
    if (!isScalar(pair.key)) continue;
    const value = pair.key.value;
    const before = seen.size + seenObjects.size;
    if (typeof value === "object" && value !== null) seenObjects.add(String(value));
    else seen.add(value);
    if (seen.size + seenObjects.size > before) continue;
    duplicates.push(duplicateKey(pair.key));
  }
}

/** Thrown in checkAndBuild's walk at a node it leaves to yaml's toJS. */
const UNUSUAL = Symbol("a node for yaml's toJS");
const MERGE_TAG = "tag:yaml.org,2002:merge";

/**
 * checkMaps and `doc.toJS()` in one walk, for documents of maps, sequences and scalars; undefined
 * at the first other node (nothing is thrown or recorded for it: the caller starts over with checkMaps).
 * What toJS does there: a scalar is its value (toJS keeps it as composed), a map a plain object with
 * `String(key)` keys ("" for null), the last of equal keys winning at the first one's place.
 */
function checkAndBuild(
  doc: Document.Parsed,
  lineOf: (offset: number) => number,
  source: YamlSource,
): { value: unknown; duplicates: YAMLParseError[] } | undefined {
  // yaml 1.1 (`%YAML 1.1`) merges `<<` keys: toJS's business.
  if (doc.schema.tags.some((tag) => tag.tag === MERGE_TAG && tag.default)) return undefined;
  const duplicates: YAMLParseError[] = [];
  const build = (node: unknown): unknown => {
    if (node === null) return null;
    if (isScalar(node)) return node.value;
    const kind = Object.getPrototypeOf(node);
    if (kind === YAMLSeq.prototype) {
      const items = (node as YAMLSeq<unknown>).items;
      const array: unknown[] = [];
      for (const item of items) array.push(build(item));
      return array;
    }
    // Aliases, pairs in a sequence, !!set, !!omap, !!pairs…
    if (kind !== YAMLMap.prototype) throw UNUSUAL;
    const map = node as YAMLMap<unknown, unknown>;
    const items = map.items;
    if (items.length > MAX_YAML_MAP_KEYS) throw tooManyKeys(map, lineOf, source);
    const object: Record<string, unknown> = {};
    for (const pair of items) {
      const { key, value } = pair;
      if (!isScalar(key)) throw UNUSUAL;
      const keyValue = key.value;
      // A Date or Uint8Array key (yaml 1.1 timestamps, !!binary): toJS stringifies those its own way.
      if ((typeof keyValue === "object" && keyValue !== null) || typeof keyValue === "symbol") throw UNUSUAL;
      const name = keyValue === null ? "" : String(keyValue);
      const js = build(value);
      // `in`, as toJS has it: an inherited name (__proto__, constructor) becomes an own property too.
      if (name in object) {
        if (repeatsKey(items, pair)) duplicates.push(duplicateKey(key));
        Object.defineProperty(object, name, { value: js, writable: true, enumerable: true, configurable: true });
      } else object[name] = js;
    }
    return object;
  };
  try {
    return { value: build(doc.contents), duplicates };
  } catch (error) {
    if (error === UNUSUAL) return undefined;
    throw error;
  }
}

/** Whether an earlier key of the map has the same value (as a Set compares them: 1 and "1" differ, NaN is NaN). */
function repeatsKey(items: Pair<unknown, unknown>[], pair: Pair<unknown, unknown>): boolean {
  const value = (pair.key as Scalar).value;
  for (const earlier of items) {
    if (earlier === pair) return false;
    const other = (earlier.key as Scalar).value;
    if (other === value || (Number.isNaN(other) && Number.isNaN(value))) return true;
  }
  return false;
}

/** 1-based line of an offset, counted without a LineCounter (the lexer pass has none). */
function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let index = text.indexOf("\n"); index !== -1 && index < offset; index = text.indexOf("\n", index + 1)) line++;
  return line;
}
