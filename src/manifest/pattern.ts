// `matches:` patterns from the manifest, run by RE2 (re2js, a pure-JS port):
// matching takes time linear in the value, whatever the pattern. JavaScript's
// own engine backtracks: `^([a-z0-9]+[-.]?)+$` on 27 characters took 22 s, on
// the main thread, where no timeout can stop it. The price is RE2's syntax:
// no lookarounds and no backreferences, refused when the manifest is read.
import { RE2JS } from "re2js";

const compiled = new Map<string, RE2JS>();

function compile(pattern: string): RE2JS {
  let regex = compiled.get(pattern);
  if (!regex) {
    regex = RE2JS.compile(pattern);
    compiled.set(pattern, regex);
  }
  return regex;
}

/** Why the pattern cannot be used, for the manifest error; undefined when it can. */
export function patternProblem(pattern: string): string | undefined {
  try {
    compile(pattern);
    return undefined;
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/^error parsing regexp: /, "") : "invalid";
    return `is not a pattern the gate can run (${reason}): patterns use RE2 syntax, which runs in linear time and has no lookarounds ((?=, (?!, (?<=, (?<!) or backreferences (\\1)`;
  }
}

/** Whether the pattern matches anywhere in the value, as RegExp.prototype.test does without flags. */
export function matchesPattern(pattern: string, value: string): boolean {
  return compile(pattern).test(value);
}
