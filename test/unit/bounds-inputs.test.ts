// The inputs' documented ranges, at their edges: a value outside the range is a clear
// error naming the input, never a run with a deadline nobody asked for.
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { inputReader, parseInputs } from "../../src/inputs.js";

const parse = (inputs: Record<string, string>) => {
  const env = Object.fromEntries(Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value]));
  return parseInputs(inputReader(env), env);
};

describe("timeout is seconds from 1 to 3600 (action.yml)", () => {
  it.each(["1", "120", "3600", " 90 ", "1.5"])("accepts %j", (text) => {
    expect(parse({ timeout: text }).timeoutSeconds).toBe(Number(text));
  });

  // Under a second the run's deadline strikes before any call returns: an `error` for every run.
  // Hex and exponents are typos (0x78 is 120, 1e3 is 1000), as max_concurrency already treats them.
  it.each(["0.5", "0.001", "1e-3", "0x78", "1e3", "+120", "120.", ".5", "3600.5"])("refuses %j with the input named", (text) => {
    expect(() => parse({ timeout: text })).toThrow(InputError);
    expect(() => parse({ timeout: text })).toThrow(/^timeout must be a number of seconds between 1 and 3600, got/);
  });
});

describe("id_token is a boolean input, read as @actions/core's getBooleanInput reads one", () => {
  // YAML 1.2 core schema spellings: what `with: id_token: 'True'` passes, and what actions accept.
  it.each([
    ["true", true],
    ["True", true],
    ["TRUE", true],
    ["false", false],
    ["False", false],
    ["FALSE", false],
    ["", false],
  ])("%j is %s", (text, expected) => {
    expect(parse({ id_token: text }).idToken).toBe(expected);
  });

  it.each(["yes", "1", "on", "tRUE"])("refuses %j, naming the spellings", (text) => {
    expect(() => parse({ id_token: text })).toThrow(/^id_token must be one of true, false/);
  });
});
