// `--env-vars-file=PATH` in deploy-cloudrun's `flags`: gcloud replaces every plain env var of
// the container with the file's (flags.py _GetEnvChanges: clear_others), so the live values are
// not what will run. gcloud (map_util.py ArgDictWithYAMLOrEnv) reads a path ending in `.env`
// with python-dotenv and anything else as YAML, with its YAML 1.1 loader; keys must pass
// EnvVarKeyType and values must be strings. The gate reads the YAML form the same way; a `.env`
// file (dotenv quoting, `export`, `${VAR}` interpolation) is not read.
import { isMap, isScalar, LineCounter } from "yaml";
import { CandidateError } from "../errors.js";
import { parseBoundedYaml } from "../parse-yaml.js";
import { printableKey } from "./kv-string.js";
import { describeKind, gcloudKind } from "./yaml11.js";
import { text } from "./yaml-nodes.js";

const MAX_ENV_FILE_BYTES = 1024 * 1024;

/** True when gcloud reads the file with python-dotenv rather than as YAML. */
export function isDotenvPath(path: string): boolean {
  return path.endsWith(".env");
}

/** The variables of a YAML --env-vars-file, as gcloud reads them; throws what gcloud would refuse. */
export function parseEnvVarsFile(source: string, path: string): Record<string, string> {
  const where = `--env-vars-file ${JSON.stringify(path)}`;
  if (Buffer.byteLength(source) > MAX_ENV_FILE_BYTES) {
    throw new CandidateError(`${where} is larger than 1 MiB`, { hint: "keep the env vars file small" });
  }
  const lineCounter = new LineCounter();
  const doc = parseBoundedYaml(source, lineCounter, { label: where, error: CandidateError });
  const error = doc.errors[0];
  if (error) {
    throw new CandidateError(`${where}:${lineCounter.linePos(error.pos[0]).line}: not valid YAML (${error.code}); gcloud refuses it`, {
      hint: "check indentation and quoting at that line",
    });
  }
  const root = doc.contents;
  if (!isMap(root)) {
    // gcloud: "Invalid YAML/JSON data in [PATH], expected map-like data."
    throw new CandidateError(`${where} is not a map of KEY: "value"; gcloud refuses it ("expected map-like data")`, {
      hint: 'write one KEY: "value" a line',
    });
  }
  const vars = new Map<string, string>();
  for (const pair of root.items) {
    const line = (node: unknown) => lineCounter.linePos((node as { range?: [number] })?.range?.[0] ?? 0).line;
    const keyKind = gcloudKind(pair.key);
    const key = isScalar(pair.key) ? text(pair.key) : undefined;
    if (keyKind !== "string" || key === undefined || key === "" || key.startsWith("X_GOOGLE_") || key.includes("=")) {
      throw new CandidateError(
        `${where}:${line(pair.key)}: ${key ? printableKey(key) : "a key"} is not a name gcloud takes for an environment variable`,
        { hint: "names are strings without '=' that do not start with X_GOOGLE_; quote a name YAML 1.1 reads as a number or yes/no" },
      );
    }
    const valueKind = gcloudKind(pair.value);
    if (valueKind !== "string") {
      // EnvVarValueType: "Environment variable values must be strings."; the value itself is not shown.
      throw new CandidateError(
        `${where}:${line(pair.value ?? pair.key)}: the value of ${printableKey(key)} is ${describeKind(valueKind ?? "unloadable")}, not a string, which gcloud reads as YAML 1.1 and refuses ("Environment variable values must be strings")`,
        { hint: "quote the value, e.g. PORT_HINT: '8080', DEBUG: 'off'" },
      );
    }
    vars.set(key, text(pair.value) ?? "");
  }
  return Object.fromEntries(vars);
}
