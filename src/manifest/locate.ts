// Where in the manifest a requirement was written, so a finding can point at its line.
// Every requirement of a fleet is located: a path is walked from a cursor one step at a
// time, so the requirements of one service start from that service's node instead of
// walking down from the top for each one.
import { type Document, isMap, isScalar, isSeq, type LineCounter, type Node, type Pair, type YAMLMap } from "yaml";
import type { SourceLocation } from "../model.js";

/** A node on a path and the offset of the deepest key (or list item) found so far; `node` undefined: the path left the document. */
export interface Cursor {
  readonly node: unknown;
  readonly offset: number | undefined;
}

/** Maps with more keys than this get an index (a fleet's `services:`); a scan of fewer allocates nothing. */
const SCANNED_KEYS = 16;

export interface ManifestLocator {
  root: Cursor;
  /** One step down: a map's key, a sequence's index. Where there is none, the cursor stays at the last line found. */
  step(cursor: Cursor, key: string | number): Cursor;
  at(cursor: Cursor): SourceLocation;
  /** The line of the deepest node on `path` that exists. */
  locate(path: readonly (string | number)[]): SourceLocation;
}

export function manifestLocator(doc: Document, lineCounter: LineCounter, file: string): ManifestLocator {
  const indexes = new WeakMap<YAMLMap, Map<string, Pair>>();
  const pairOf = (map: YAMLMap, key: string | number): Pair | undefined => {
    const wanted = String(key);
    // The first of equal keys (String(1) and "1" are equal here).
    if (map.items.length <= SCANNED_KEYS) {
      for (const item of map.items) if (isScalar(item.key) && String(item.key.value) === wanted) return item;
      return undefined;
    }
    let index = indexes.get(map);
    if (!index) {
      index = new Map();
      for (const item of map.items) if (isScalar(item.key) && !index.has(String(item.key.value))) index.set(String(item.key.value), item);
      indexes.set(map, index);
    }
    return index.get(wanted);
  };
  const step = (cursor: Cursor, key: string | number): Cursor => {
    const { node, offset } = cursor;
    if (isSeq(node) && typeof key === "number") {
      const item = node.items[key] as Node | undefined;
      return { node: item, offset: item?.range?.[0] ?? offset };
    }
    const pair = isMap(node) ? pairOf(node, key) : undefined;
    if (!pair) return { node: undefined, offset };
    return { node: pair.value, offset: (pair.key as Node).range?.[0] ?? offset };
  };
  const at = ({ offset }: Cursor): SourceLocation => (offset === undefined ? { file } : { file, line: lineCounter.linePos(offset).line });
  const contents = doc.contents as Node | null;
  const root: Cursor = { node: contents, offset: contents?.range?.[0] };
  return { root, step, at, locate: (path) => at(path.reduce<Cursor>(step, root)) };
}
