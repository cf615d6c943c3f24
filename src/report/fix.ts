// One fix per service: every `gcloud` command the findings' hints carry, merged.
// All `run services update` of one service become one command whose
// --update-env-vars and --update-secrets hold every pair (gcloud merges repeated
// dict flags, so a long list goes on several flag lines); every other command
// (an IAM grant, a secret to create) appears once. Lines break only between
// flags, with a `\`, so the block copies and runs as it is.
import type { Finding } from "../model.js";

const COMMAND = /gcloud\s[^;\n]*/g;
/** Dict flags whose KEY=VALUE pairs merge; --set-secrets would drop the others, so its pairs are updates too. */
const MERGED: Record<string, string> = {
  "--update-env-vars": "--update-env-vars",
  "--update-secrets": "--update-secrets",
  "--set-secrets": "--update-secrets",
  "--set-env-vars": "--update-env-vars",
  "--remove-env-vars": "--remove-env-vars",
  "--remove-secrets": "--remove-secrets",
};
export const MAX_FIX_LINE = 96;

interface Update {
  head: string[];
  pairs: Map<string, Map<string, string>>;
}

/** The commands, in the order first met; empty when no hint carries one. */
export function mergedFix(findings: Finding[]): string[] {
  const updates = new Map<string, Update>();
  const order: (string | Update)[] = [];
  const seen = new Set<string>();
  for (const hint of findings.map((finding) => finding.hint ?? "")) {
    for (const match of hint.match(COMMAND) ?? []) {
      const words = match
        .trim()
        .replace(/[.,:]+$/, "")
        .split(/\s+/);
      if (words[1] === "run" && words[2] === "services" && words[3] === "update" && words[4]) {
        const head = words.slice(0, 5).concat(words.slice(5).filter((word) => !MERGED[flagName(word)]));
        const key = head.join(" ");
        let update = updates.get(key);
        if (!update) {
          update = { head, pairs: new Map() };
          updates.set(key, update);
          order.push(update);
        }
        for (const word of words.slice(5)) {
          const flag = MERGED[flagName(word)];
          if (!flag) continue;
          const pairs = update.pairs.get(flag) ?? new Map<string, string>();
          for (const pair of word.slice(word.indexOf("=") + 1).split(",")) pairs.set(pair.split("=")[0] ?? pair, pair);
          update.pairs.set(flag, pairs);
        }
      } else {
        const command = words.join(" ");
        if (!seen.has(command)) order.push(command);
        seen.add(command);
      }
    }
  }
  return order.flatMap((item) => (typeof item === "string" ? [wrapFlags(item.split(" "))] : [renderUpdate(item)]));
}

function flagName(word: string): string {
  return word.split("=")[0] ?? word;
}

function renderUpdate(update: Update): string {
  const flags: string[] = [];
  for (const [flag, pairs] of update.pairs) {
    let current: string[] = [];
    for (const pair of pairs.values()) {
      if (current.length > 0 && `  ${flag}=${[...current, pair].join(",")} \\`.length > MAX_FIX_LINE) {
        flags.push(`${flag}=${current.join(",")}`);
        current = [];
      }
      current.push(pair);
    }
    if (current.length > 0) flags.push(`${flag}=${current.join(",")}`);
  }
  return wrapFlags([...update.head, ...flags]);
}

/** Words on one line while it fits, then a `\` and a new indented line; never inside a word. */
function wrapFlags(words: string[]): string {
  const lines: string[] = [];
  let line = "";
  for (const word of words) {
    const next = line ? `${line} ${word}` : word;
    if (line && word.startsWith("--") && `${next} \\`.length > MAX_FIX_LINE) {
      lines.push(`${line} \\`);
      line = `  ${word}`;
    } else line = next;
  }
  lines.push(line);
  return lines.join("\n");
}

/** Hints that say what to do in words, when no command does it (deduplicated). */
export function proseHints(findings: Finding[]): string[] {
  // "reference it: gcloud …; the runtime service account needs …": the command is in the block, the rest is said once.
  const parts = findings.flatMap((finding) => (finding.hint ?? "").split(/;\s+/));
  return [...new Set(parts.filter((part) => part.trim() && !/gcloud\s/.test(part)).map((part) => part.trim()))];
}
