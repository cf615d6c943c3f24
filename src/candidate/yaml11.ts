// How `gcloud run services replace` types a scalar of the service YAML. gcloud loads the file
// with its vendored ruamel.yaml as YAML 1.1 (googlecloudsdk/core/yaml.py: `version=VERSION_1_1`),
// not the YAML 1.2 core schema the gate's parser uses, so `yes`, `off`, `y`, `017`, `1_000`,
// `1:30` and `2024-01-01` are booleans, numbers and dates there while they are strings here. The
// file then goes through apitools' DictToMessage, which refuses a non-string where the Cloud Run
// v1 message has a string field ("Expected type <class 'str'> for field value, found True").
// The patterns below are ruamel's 1.1 implicit resolvers (ruamel/yaml/resolver.py), which only
// apply when the scalar's first character is one the resolver lists.
import { isScalar, Scalar } from "yaml";

export type Yaml11Kind = "string" | "null" | "bool" | "int" | "float" | "timestamp" | "unloadable";

const RESOLVERS: [kind: Yaml11Kind, first: string, pattern: RegExp][] = [
  ["bool", "yYnNtTfFoO", /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/],
  [
    "float",
    "-+0123456789.",
    /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  ],
  [
    "int",
    "-+0123456789",
    /^(?:[-+]?0b[0-1_]+|[-+]?0?[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
  ],
  // `<<` (merge) and `=` (value) resolve to tags ruamel's safe constructor has no constructor for.
  ["unloadable", "<", /^<<$/],
  ["null", "~nN", /^(?:~|null|Null|NULL)$/],
  [
    "timestamp",
    "0123456789",
    /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/,
  ],
  ["unloadable", "=", /^=$/],
];

/** The type ruamel's YAML 1.1 safe loader gives a plain (unquoted, untagged) scalar's text. */
export function resolvePlain11(source: string): Yaml11Kind {
  if (source === "") return "null";
  const first = source[0] as string;
  for (const [kind, firsts, pattern] of RESOLVERS) {
    if (firsts.includes(first) && pattern.test(source)) return kind;
  }
  return "string";
}

/**
 * The type gcloud sees for a scalar node; undefined for anything else (maps, sequences, aliases).
 * Quoted and block scalars are strings; an explicit tag is honoured as the gate's parser read it.
 */
export function gcloudKind(node: unknown): Yaml11Kind | undefined {
  if (!isScalar(node)) return undefined;
  if (node.tag === undefined && node.type === Scalar.PLAIN && typeof node.source === "string") return resolvePlain11(node.source);
  const value = node.value;
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") return "string";
  if (typeof value === "boolean") return "bool";
  if (typeof value === "number" || typeof value === "bigint") return Number.isInteger(value) ? "int" : "float";
  return value instanceof Date ? "timestamp" : "unloadable";
}

/** What to call a kind in a message ("a YAML 1.1 boolean"). */
export function describeKind(kind: Yaml11Kind): string {
  switch (kind) {
    case "bool":
      return "a boolean (YAML 1.1 reads yes/no/on/off/y/n as booleans)";
    case "int":
      return "an integer";
    case "float":
      return "a number";
    case "timestamp":
      return "a date";
    case "unloadable":
      return "a tag gcloud's YAML loader cannot read";
    default:
      return `a ${kind}`;
  }
}

/** Python's int() of a string: what apitools does with a string given for an integer field. */
export function pythonIntParses(text: string): boolean {
  return /^\s*[-+]?[0-9]+(?:_[0-9]+)*\s*$/.test(text);
}
