// Reads the env/secret/service-account flags out of deploy-cloudrun's `flags` input.
// deploy-cloudrun splits that string with actions-utils `parseFlags` (not a shell), then
// gcloud parses each list value with its ArgDict/ArgList rules, so both steps are
// mirrored here: a value that reaches gcloud differently than the user expects is the
// kind of surprise the gate exists to catch.
import { CandidateError, type InputError } from "../errors.js";
import { printableKey } from "./kv-string.js";

export interface EnvFlagOps {
  set?: Record<string, string>;
  update?: Record<string, string>;
  remove?: string[];
  clear?: boolean;
  /** `--env-vars-file` was given, with this path. */
  file?: boolean;
  filePath?: string;
}

export interface DeployFlags {
  env: EnvFlagOps;
  secrets: EnvFlagOps;
  serviceAccount?: string;
  /** `--region` / `--project` given in flags: deploy-cloudrun passes its own first, so these win. */
  region?: string;
  project?: string;
  /** `--container` was given: later flags then change that container, which the gate does not follow. */
  containerFlag?: boolean;
}

const VALUE_FLAGS: Record<string, (flags: DeployFlags, value: string) => void> = {
  "--set-env-vars": (f, v) => {
    f.env.set = mergeFlagDict(f.env.set, parseGcloudDict(v, "--set-env-vars"), "--set-env-vars");
  },
  "--update-env-vars": (f, v) => {
    f.env.update = mergeFlagDict(f.env.update, parseGcloudDict(v, "--update-env-vars"), "--update-env-vars");
  },
  "--remove-env-vars": (f, v) => {
    f.env.remove = mergeFlagList(f.env.remove, parseGcloudList(v, "--remove-env-vars"), "--remove-env-vars");
  },
  "--env-vars-file": (f, v) => {
    f.env.file = true;
    f.env.filePath = v;
  },
  "--set-secrets": (f, v) => {
    f.secrets.set = mergeFlagDict(f.secrets.set, parseGcloudDict(v, "--set-secrets"), "--set-secrets");
  },
  "--update-secrets": (f, v) => {
    f.secrets.update = mergeFlagDict(f.secrets.update, parseGcloudDict(v, "--update-secrets"), "--update-secrets");
  },
  "--remove-secrets": (f, v) => {
    f.secrets.remove = mergeFlagList(f.secrets.remove, parseGcloudList(v, "--remove-secrets"), "--remove-secrets");
  },
  "--service-account": (f, v) => {
    f.serviceAccount = v;
  },
  "--region": (f, v) => {
    f.region = v;
  },
  "--project": (f, v) => {
    f.project = v;
  },
  "--container": (f) => {
    f.containerFlag = true;
  },
};

/**
 * gcloud's UpdateAction merges repeated instances of a dict flag but refuses a key that an
 * earlier instance already gave, even with the same value. deploy-cloudrun's own flag (from
 * the env_vars/secrets input) comes first, so it counts as the first instance.
 */
export function mergeFlagDict(
  earlier: Record<string, string> | undefined,
  later: Record<string, string>,
  flag: string,
): Record<string, string> {
  const merged = new Map(Object.entries(earlier ?? {}));
  for (const [key, value] of Object.entries(later)) {
    if (merged.has(key)) throw repeatedKey(key, flag);
    merged.set(key, value);
  }
  return Object.fromEntries(merged);
}

function mergeFlagList(earlier: string[] | undefined, later: string[], flag: string): string[] {
  const merged = [...(earlier ?? [])];
  for (const key of later) {
    if (merged.includes(key)) throw repeatedKey(key, flag);
    merged.push(key);
  }
  return merged;
}

function repeatedKey(key: string, flag: string): InputError {
  // gcloud's message also quotes both values; they may be secret, so only the key is named.
  return new CandidateError(
    `the deploy would pass ${flag} more than once with the same key: gcloud refuses it (${printableKey(key)} cannot be specified multiple times)`,
    {
      hint: `give each name once: the ${flag.includes("secrets") ? "secrets" : "env_vars"} input becomes deploy-cloudrun's own ${flag}, so do not repeat its names in flags`,
    },
  );
}

const SWITCH_FLAGS: Record<string, (flags: DeployFlags) => void> = {
  "--clear-env-vars": (f) => {
    f.env.clear = true;
  },
  "--clear-secrets": (f) => {
    f.secrets.clear = true;
  },
};

/** Picks the flags the gate cares about out of the `flags` input; all others are ignored. */
export function extractDeployFlags(input: string): DeployFlags {
  const words = splitFlagWords(input);
  const flags: DeployFlags = { env: {}, secrets: {} };
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string;
    // argparse also takes `--flag=value` as one word: parseFlags leaves it whole when the
    // "=" sits inside quotes (`"--set-env-vars=A=1"`, as deploy-cloudrun's README advises).
    const inline = word.startsWith("--") ? word.indexOf("=") : -1;
    if (inline > 0 && Object.hasOwn(VALUE_FLAGS, word.slice(0, inline))) {
      VALUE_FLAGS[word.slice(0, inline)]?.(flags, word.slice(inline + 1));
      refuseStrayWord(words[i + 1], word.slice(0, inline));
      continue;
    }
    const setter = Object.hasOwn(VALUE_FLAGS, word) ? VALUE_FLAGS[word] : undefined;
    if (setter) {
      const value = words[i + 1];
      if (value === undefined) {
        throw new CandidateError(`flags: ${word} has no value`, { hint: `write ${word}=VALUE` });
      }
      setter(flags, value);
      i++;
      refuseStrayWord(words[i + 1], word);
    } else if (Object.hasOwn(SWITCH_FLAGS, word)) {
      SWITCH_FLAGS[word]?.(flags);
      refuseStrayWord(words[i + 1], word);
    }
  }
  return flags;
}

/**
 * gcloud run deploy takes one positional argument, SERVICE, which deploy-cloudrun already passes:
 * a plain word right after a flag's value (or after a switch, which takes none) is refused
 * ("unrecognized arguments"). It is usually the
 * rest of a value with a space in it, so it is not quoted (it may be part of a secret).
 */
function refuseStrayWord(next: string | undefined, flag: string): void {
  if (next === undefined || next.startsWith("-")) return;
  throw new CandidateError(
    `flags: a word after ${flag}${Object.hasOwn(SWITCH_FLAGS, flag) ? "" : "'s value"} is not a flag, and gcloud refuses the deploy ("unrecognized arguments")`,
    { hint: `deploy-cloudrun splits flags at spaces: quote a value that has spaces, e.g. ${flag}="NAME=two words"` },
  );
}

/**
 * Splits like actions-utils 1.0.x `parseFlags`: space/CR/LF end a word (tabs do not),
 * quotes group but stay in the word unless they wrap all of it, and the first `=` of a
 * word starting with `-` ends the flag name.
 */
export function splitFlagWords(input: string): string[] {
  const words: string[] = [];
  let current = "";
  let expectingArg = false;
  for (let i = 0; i < input.length; i++) {
    const ch = input[i] as string;
    if (ch === "'" || ch === '"') {
      const quoted = readUntil(input.slice(i + 1), ch);
      if (quoted === null) {
        throw new CandidateError(`flags: unterminated ${ch === "'" ? "single" : "double"} quote at position ${i}`, {
          hint: "close the quote; deploy-cloudrun refuses this flags input",
        });
      }
      current += ch + quoted;
      i += quoted.length;
      continue;
    }
    if (ch === "\r" || ch === "\n" || ch === " ") {
      expectingArg = false;
      if (current !== "") words.push(current);
      current = "";
      continue;
    }
    if (ch === "=" && !expectingArg && current[0] === "-") {
      words.push(current);
      current = "";
      expectingArg = true;
      continue;
    }
    current += ch;
  }
  if (current !== "") words.push(current);
  return words.map(stripWrappingQuotes);
}

function readUntil(input: string, quote: string): string | null {
  let escaped = false;
  let read = "";
  for (const ch of input) {
    read += ch;
    if (ch === "\\") {
      escaped = true;
      continue;
    }
    if (ch === quote && !escaped) return read;
    escaped = false;
  }
  return null;
}

function stripWrappingQuotes(word: string): string {
  let result = word;
  while (result.length >= 2 && (result[0] === "'" || result[0] === '"') && result[0] === result.at(-1)) {
    result = result.slice(1, -1);
  }
  return result;
}

/**
 * gcloud list tokenizing (arg_parsers.ArgList): `^DELIM^` picks another delimiter; no escaping,
 * no trimming. A lone leading `^` is an ordinary character (`gcloud topic escaping`: "Just one
 * '^' has no special meaning: --list-flag=^a,b,c # => ['^a', 'b', 'c']"); only `^^…` is refused.
 */
export function parseGcloudList(value: string, flag: string): string[] {
  let delimiter = ",";
  let body = value;
  const end = body.startsWith("^") ? body.indexOf("^", 1) : -1;
  if (end === 1) {
    throw new CandidateError(`flags: ${flag} starts with "^^", an empty ^DELIM^ delimiter (gcloud reports "Invalid delimeter")`, {
      hint: "write ^;^A=1;B=2, or drop the ^",
    });
  }
  if (end > 1) {
    delimiter = body.slice(1, end);
    body = body.slice(end + 1);
  }
  if (body === "") return [];
  if (!body.endsWith(delimiter)) body += delimiter;
  return body.split(delimiter).slice(0, -1);
}

/**
 * gcloud ArgDict: every item needs `=`; the first one splits. Later duplicates win. gcloud matches
 * items with `([^=]+)(=?)(.*)`, so an item with an empty name (`=x`) is refused too.
 */
export function parseGcloudDict(value: string, flag: string): Record<string, string> {
  const entries = new Map<string, string>();
  parseGcloudList(value, flag).forEach((item, index) => {
    const equals = item.indexOf("=");
    if (equals === 0) {
      throw new CandidateError(`flags: ${flag} item ${index + 1} has no name before "=" (gcloud reports "Invalid flag value")`, {
        hint: 'write KEY=VALUE; remove the stray "=" or the empty entry',
      });
    }
    if (equals < 0) {
      throw new CandidateError(`flags: ${flag} item ${index + 1} has no "=" (gcloud reports "Bad syntax for dict arg")`, {
        hint: "write KEY=VALUE; to put a comma in a value use another delimiter, e.g. ^;^A=x,y;B=z",
      });
    }
    entries.set(item.slice(0, equals), item.slice(equals + 1));
  });
  return Object.fromEntries(entries);
}

// Python's str.strip() whitespace (str.isspace), which differs from JS trim() at U+FEFF and U+001C-U+001F.
const PY_SPACE = "\\t\\n\\v\\f\\r\\u001c-\\u001f \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const PY_STRIP = new RegExp(`^[${PY_SPACE}]+|[${PY_SPACE}]+$`, "g");
const PY_LSTRIP = new RegExp(`^[${PY_SPACE}]+`);

/**
 * gcloud run (flags.py `StripKeys`) strips the names of --set-/--update-env-vars and -secrets
 * items only after argparse merged the repeated flags, so `A=1` and ` A=2` are not "given twice":
 * the later one wins. Values are kept as they are.
 */
export function stripGcloudKeys(dict: Record<string, string> | undefined): Record<string, string> | undefined {
  if (dict === undefined) return undefined;
  const stripped = new Map<string, string>();
  for (const [key, value] of Object.entries(dict)) stripped.set(key.replace(PY_STRIP, ""), value);
  return Object.fromEntries(stripped);
}

/** gcloud run (flags.py `MapLStrip`) left-strips --remove-env-vars / --remove-secrets items. */
export function lstripGcloudList(list: string[] | undefined): string[] | undefined {
  return list?.map((item) => item.replace(PY_LSTRIP, ""));
}
