// Small accessors over a parsed YAML document that keep node positions, so every note
// about a service YAML can point at its line. Working on nodes (not toJS) also means
// aliases are resolved one at a time and never expanded wholesale.
import { type Document, isAlias, isMap, isScalar, isSeq, type LineCounter, type Node, Scalar } from "yaml";
import type { SourceLocation } from "../model.js";
import { resolvePlain11 } from "./yaml11.js";

export interface YamlContext {
  doc: Document;
  lineCounter: LineCounter;
  file: string;
}

export function resolve(ctx: YamlContext, node: unknown): unknown {
  if (!isAlias(node)) return node;
  try {
    return node.resolve(ctx.doc);
  } catch {
    return undefined;
  }
}

/** The value node under `key` of a map node, or undefined when absent or not a map. */
export function child(ctx: YamlContext, node: unknown, key: string): unknown {
  const map = resolve(ctx, node);
  if (!isMap(map)) return undefined;
  const pair = map.items.find((item) => isScalar(item.key) && String(item.key.value) === key);
  return pair ? resolve(ctx, pair.value) : undefined;
}

/** Follows a path of map keys. */
export function at(ctx: YamlContext, node: unknown, ...path: string[]): unknown {
  let current = node;
  for (const key of path) current = child(ctx, current, key);
  return current;
}

export function items(ctx: YamlContext, node: unknown): unknown[] {
  const seq = resolve(ctx, node);
  return isSeq(seq) ? seq.items.map((item) => resolve(ctx, item)) : [];
}

/** Key/value nodes of a map (keys as text), for annotations and labels. */
export function entries(ctx: YamlContext, node: unknown): [string, unknown][] {
  const map = resolve(ctx, node);
  if (!isMap(map)) return [];
  return map.items
    .filter((item) => isScalar(item.key))
    .map((item) => [String((item.key as { value: unknown }).value), resolve(ctx, item.value)]);
}

/** A scalar's value as text (numbers and booleans too); undefined for null, maps, sequences. */
export function text(node: unknown): string | undefined {
  if (!isScalar(node)) return undefined;
  // gcloud reads YAML 1.1 (yaml11.ts): `0o17` and `+.5`, numbers in YAML 1.2, are the strings it deploys.
  if (node.tag === undefined && node.type === Scalar.PLAIN && typeof node.source === "string" && resolvePlain11(node.source) === "string") {
    return node.source;
  }
  const value = node.value;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  return undefined;
}

export function isStringScalar(node: unknown): boolean {
  return isScalar(node) && typeof node.value === "string";
}

export function isNullish(node: unknown): boolean {
  return node === undefined || node === null || (isScalar(node) && node.value === null);
}

export function locate(ctx: YamlContext, node: unknown): SourceLocation {
  const offset = (node as Node | undefined)?.range?.[0];
  return offset === undefined ? { file: ctx.file } : { file: ctx.file, line: ctx.lineCounter.linePos(offset).line };
}
