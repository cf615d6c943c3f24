// Reads deploy-cloudrun's `env_vars` / `secrets` strings exactly as
// @google-github-actions/actions-utils 1.0.x `parseKVString` does (deploy-cloudrun v3),
// quirks included, so the gate predicts what the deploy will really set. On top of the
// upstream result it reports the quirks that surprise users (quotes kept, `#` lines as
// keys, YAML-style `KEY: value`), because those are how wrong values reach production.
import { CandidateError } from "../errors.js";
import type { Finding } from "../model.js";

export type KvWarningKind =
  | "quotes_kept"
  | "hash_not_comment"
  | "colon_in_key"
  | "empty_value"
  | "empty_key"
  | "duplicate_key"
  | "dropped_key";

export interface KvWarning {
  kind: KvWarningKind;
  /** A printable form of the key: never includes text that could be a value. */
  key: string;
  /** 1-based number of the pair among the non-blank pairs of the input. */
  pair: number;
  message: string;
}

export interface KvParseResult {
  /** `undefined` when the input is empty (deploy-cloudrun then emits no flag); `{}` for the literal `{}`. */
  pairs: Record<string, string> | undefined;
  warnings: KvWarning[];
}

const SEPARATORS = new Set([",", "\n", "\r", "\u2028", "\u2029"]);

interface PairState {
  key: string;
  value: string;
  sawEquals: boolean;
}

/**
 * Parses `KEY1=VALUE1,KEY2=VALUE2` (or one pair a line) like deploy-cloudrun v3.
 * `inputName` (e.g. `env_vars`) only names the input in messages.
 */
export function parseKVString(input: string, inputName = "env_vars"): KvParseResult {
  const text = (input ?? "").trim();
  if (!text) return { pairs: undefined, warnings: [] };
  if (text === "{}") return { pairs: {}, warnings: [] };

  // A Map, so no key can reach Object.prototype here; `__proto__` is dropped below as upstream drops it.
  const result = new Map<string, string>();
  const warnings: KvWarning[] = [];
  let pairNumber = 0;
  let current: PairState = { key: "", value: "", sawEquals: false };
  let escapeAt = -1;

  const finishPair = () => {
    // Upstream checks the untrimmed key, so a whitespace-only pair still counts.
    if (current.key !== "") {
      pairNumber++;
      const key = current.key.trim();
      const value = current.value.trim();
      if (key === "__proto__") {
        // Upstream assigns into a plain object, where this key hits the prototype setter: lost.
        warnings.push({
          kind: "dropped_key",
          key: '"__proto__"',
          pair: pairNumber,
          message: `${inputName} pair ${pairNumber}: deploy-cloudrun silently drops a variable named "__proto__" (it parses into a plain JavaScript object)`,
        });
        current = { key: "", value: "", sawEquals: false };
        return;
      }
      warnings.push(...surprises(key, value, current.sawEquals, pairNumber, inputName));
      if (result.has(key)) {
        warnings.push({
          kind: "duplicate_key",
          key: printableKey(key),
          pair: pairNumber,
          message: `${inputName} pair ${pairNumber}: ${printableKey(key)} is given more than once; the last one wins`,
        });
      }
      result.set(key, value);
    }
    current = { key: "", value: "", sawEquals: false };
  };
  const append = (ch: string) => {
    if (current.sawEquals) current.value += ch;
    else current.key += ch;
  };

  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (escapeAt >= 0) {
      append(ch);
      escapeAt = -1;
    } else if (ch === "\\") {
      escapeAt = i;
    } else if (ch === "=") {
      if (current.key === "") {
        throw new CandidateError(
          `${inputName} pair ${pairNumber + 1} starts with "=" (no name before it); deploy-cloudrun rejects this input`,
          { hint: `write NAME=value, or escape the "=" as \\= if it belongs to the previous value` },
        );
      }
      // Only the first unescaped "=" splits; later ones are part of the value.
      if (current.sawEquals) current.value += ch;
      current.sawEquals = true;
    } else if (SEPARATORS.has(ch)) {
      finishPair();
    } else {
      append(ch);
    }
  }
  if (escapeAt >= 0) {
    throw new CandidateError(`${inputName} pair ${pairNumber + 1} ends with a lone "\\"; deploy-cloudrun rejects this input`, {
      hint: `write "\\\\" for a literal backslash, or remove it`,
    });
  }
  finishPair();
  return { pairs: Object.fromEntries(result), warnings };
}

/**
 * The dict gcloud parses from deploy-cloudrun's flag value. deploy-cloudrun re-joins the parsed
 * pairs as `KEY=VALUE` with a delimiter found in no key or value (joinKVStringForGCloud), without
 * re-escaping, and gcloud's ArgDict cuts each item at its first "=": a name written with `\=`
 * (`FOO\=X=bar`) becomes FOO, and the rest of the name goes into its value (`X=bar`).
 * Later items win in gcloud's dict, as in deploy-cloudrun's.
 */
export function asGcloudReadsIt(pairs: Record<string, string>, inputName: string, notes: Finding[]): Record<string, string> {
  const dict = new Map<string, string>();
  for (const [key, value] of Object.entries(pairs)) {
    // gcloud refuses the "=value" item ("Invalid flag value"); parseKVString already noted it (empty_key).
    if (key === "") continue;
    const equals = key.indexOf("=");
    if (equals < 0) {
      dict.set(key, value);
      continue;
    }
    const name = key.slice(0, equals);
    if (name === "") {
      // The item reaches gcloud as "=…", which ArgDict's ([^=]+)(=?)(.*) does not match.
      notes.push({
        id: "candidate.empty_key",
        status: "fail",
        subject: '""',
        message: `${inputName}: a name that starts with an escaped "=" reaches gcloud with no name before "="; gcloud refuses it ("Invalid flag value")`,
        hint: 'names cannot contain "="; write NAME=value',
      });
      continue;
    }
    notes.push({
      id: "candidate.equals_in_name",
      status: "warn",
      subject: name,
      message: `${inputName}: a name written with an escaped "=" reaches gcloud unescaped, and gcloud cuts names at the first "=", so the variable set is ${printableKey(name)} and the rest of the name becomes the start of its value`,
      hint: 'names cannot contain "="; rename the variable, or write NAME=value',
    });
    dict.set(name, `${key.slice(equals + 1)}=${value}`);
  }
  return Object.fromEntries(dict);
}

/**
 * The key as safe to print. `KEY: value` and `# note` keys may carry a value, and a key may be
 * a piece of a value split at "," or a newline (a PEM line ending in "=", a token): only keys
 * shaped like the names people give variables are shown; the rest is "(a name not shown)",
 * without its length, which would narrow a secret down too.
 */
export function printableKey(key: string): string {
  if (key === "") return '""';
  if (key.startsWith("#")) return '"#…"';
  // Mount paths (`/dir/file`, `/dir:file`) are shown when shaped like paths; base64 can start with "/" too.
  if (key.startsWith("/")) return looksLikePath(key) ? JSON.stringify(key) : "(a path not shown)";
  const colon = key.indexOf(":");
  const head = colon >= 0 ? key.slice(0, colon) : key;
  if (!looksLikeName(head)) return HIDDEN_NAME;
  return JSON.stringify(colon >= 0 ? `${head}:…` : head);
}

const HIDDEN_NAME = "(a name not shown)";

/** Lower-case or name-shaped segments, as mount paths are; mixed-case runs (base64) are not. */
function looksLikePath(text: string): boolean {
  if (text.length > 128) return false;
  return text
    .slice(1)
    .split(/[/:]/)
    .every((segment) => /^[a-z0-9._-]{1,40}$/.test(segment) || looksLikeName(segment.replace(/[.-]/g, "_")));
}

/**
 * UPPER_SNAKE or lower_snake, few digits, short unless it has words: what variable names look
 * like, and what base64 (mixed case), hex (many digits) and key ids (long, one word) do not.
 */
function looksLikeName(text: string): boolean {
  if (!/^_*[A-Za-z][A-Za-z0-9_]{0,63}$/.test(text)) return false;
  if (/[A-Z]/.test(text) && /[a-z]/.test(text)) return false;
  if ((text.match(/[0-9]/g) ?? []).length > 4) return false;
  return /[A-Za-z0-9]_[A-Za-z0-9]/.test(text) || text.length <= 12;
}

function surprises(key: string, value: string, sawEquals: boolean, pair: number, inputName: string): KvWarning[] {
  // Without "=", the whole pair may be the tail of a value split at "," or a newline: never quote it.
  const shown = sawEquals ? printableKey(key) : HIDDEN_NAME;
  const where = `${inputName} pair ${pair}`;
  const warn = (kind: KvWarningKind, message: string): KvWarning => ({ kind, key: shown, pair, message: `${where}: ${message}` });
  if (key === "") {
    return [warn("empty_key", 'the name is empty (only spaces before "="); gcloud will reject it')];
  }
  if (key.startsWith("#")) {
    return [warn("hash_not_comment", `a line starting with "#" is not a comment; it becomes a variable named ${shown}`)];
  }
  const found: KvWarning[] = [];
  // Mount-path keys in `secrets` legitimately use `/dir:file`.
  if (key.includes(":") && !key.startsWith("/")) {
    found.push(warn("colon_in_key", `${shown} uses ":" — "KEY: value" is not YAML here, the whole text becomes the name`));
  } else if (value === "") {
    found.push(
      warn("empty_value", sawEquals ? `${shown} is set to the empty string` : `${shown} has no "=", so it is set to the empty string`),
    );
  }
  if (hasQuotes(key) || hasQuotes(value)) {
    found.push(warn("quotes_kept", `quote characters around ${shown} or its value are kept literally (quotes are not special here)`));
  }
  return found;
}

function hasQuotes(text: string): boolean {
  return /^["']|["']$/.test(text);
}
