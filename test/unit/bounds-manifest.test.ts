// Manifest errors quote the names they are about (keys, service names); a name is the
// manifest author's text, of any length and with any characters a quoted YAML key allows.
// The error stays one readable line of bounded length, with the file:line and the fix.
import { describe, expect, it } from "vitest";
import { ManifestError } from "../../src/errors.js";
import { parseManifest } from "../../src/manifest/load.js";

const errorOf = (text: string): ManifestError => {
  try {
    parseManifest(text, "m.yml");
  } catch (error) {
    if (error instanceof ManifestError) return error;
    throw error;
  }
  throw new Error("parsed");
};

const LONG = "a-".repeat(50_000);
const CONTROL = "A\\u001b[2J\\u0007B";

describe("manifest errors quote names clipped and flattened", () => {
  it.each([
    ["an env name that is not one (explicit key)", `services:\n  web:\n    env:\n      ? "${LONG}"\n      : {}\n`, 4],
    ["a service name that is not one (explicit key)", `services:\n  ? "${LONG}"\n  : {}\n`, 2],
    ["an unknown field under a long service name", `services:\n  ? "${LONG}"\n  : { envv: {} }\n`, 3],
    ["a thousand unknown fields", `services:\n  web: {}\n${Array.from({ length: 1000 }, (_, index) => `field_${index}: 1\n`).join("")}`, 3],
    ["a consistent group naming a long unknown service", `services:\n  web: {}\nconsistent:\n  - [${"x".repeat(100_000)}.A, web.A]\n`, 4],
  ])("%s: a short message with its line", (_name, text, line) => {
    const error = errorOf(text);
    expect(error.message).toContain(`m.yml:${line}`);
    expect(error.message.length).toBeLessThan(600);
  });

  it.each([
    ["an env name", `services:\n  web:\n    env:\n      "${CONTROL}": {}\n`],
    ["a service name", `services:\n  "${CONTROL}": {}\n`],
    ["an unknown field under a service", `services:\n  "${CONTROL}": { envv: {} }\n`],
    ["a consistent group member", `services:\n  web: {}\nconsistent:\n  - ["${CONTROL}.A", web.A]\n`],
  ])("%s with control characters: none reach the message", (_name, text) => {
    expect(errorOf(text).message).not.toMatch(/[\u0000-\u001f\u007f]/);
  });
});

describe("a value of the wrong type where the manifest takes one of two: the error says what it takes", () => {
  it.each([
    [
      "verify.duration",
      `services:\n  web:\n    verify: { duration: true }\n`,
      3,
      /duration: must be a number of seconds .* or a duration like 90s/,
    ],
    [
      "verify.interval",
      `services:\n  web:\n    verify: { duration: 5m, interval: [1] }\n`,
      3,
      /interval: must be a number of seconds .* or a duration like 90s/,
    ],
    [
      "http expect_status",
      `services:\n  web:\n    http:\n      - { path: /, expect_status: "200" }\n`,
      4,
      /expect_status: must be an HTTP status .* or a list of them/,
    ],
    [
      "jwt.compare_with, misspelt",
      `services:\n  web:\n    jwt:\n      secret_env: K\n      compare_with: { evn: X }\n`,
      5,
      /compare_with: must be \{ env: NAME \}.* or \{ secret: ID/,
    ],
    [
      "jwt.compare_with, a string",
      `services:\n  web:\n    jwt:\n      secret_env: K\n      compare_with: TEST_SECRET\n`,
      5,
      /compare_with: must be \{ env: NAME \}/,
    ],
  ])("%s", (_name, text, line, expected) => {
    const { message } = errorOf(text);
    expect(message).toContain(`m.yml:${line}`);
    expect(message).toMatch(expected);
    expect(message).not.toContain("Invalid input");
  });
});

describe("a misspelt field deeper down still gets its did-you-mean", () => {
  it.each([
    ["an http check", `services:\n  web:\n    http:\n      - path: /\n        expect_statu: 200\n`, 5, "expect_statu", "expect_status"],
    ["websocket.negative", `services:\n  web:\n    websocket:\n      negative: { expird: true }\n`, 4, "expird", "expired"],
  ])("%s", (_name, text, line, typo, field) => {
    const { message } = errorOf(text);
    expect(message).toContain(`m.yml:${line}`);
    expect(message).toContain(`unknown field "${typo}" (did you mean "${field}"?)`);
  });
});

describe("a requirement keyed __proto__ is refused, never dropped unchecked", () => {
  // zod's records skip an own __proto__ key without a word (so the result's prototype stays put):
  // the requirement would vanish, and a run that checked less would pass.
  it.each([
    ["an env requirement", `services:\n  web:\n    env:\n      __proto__: { equals: x }\n`, 4, "services.web.env"],
    ["a secret requirement", `services:\n  web:\n    secrets:\n      __proto__: { secret: s }\n`, 4, "services.web.secrets"],
    [
      "a health expect_json path",
      `services:\n  web:\n    health:\n      expect_json: { __proto__: 1 }\n`,
      4,
      "services.web.health.expect_json",
    ],
    ["a service", `services:\n  web: {}\n  __proto__: {}\n`, 3, "services"],
  ])("%s", (_name, text, line, where) => {
    const { message } = errorOf(text);
    expect(message).toContain(`m.yml:${line} ${where}: "__proto__"`);
  });

  it("a key that only looks like it stays a name", () => {
    const manifest = parseManifest(`services:\n  web:\n    env:\n      constructor: {}\n      __proto: {}\n`, "m.yml");
    expect(manifest.services[0]?.env.map((env) => env.name)).toEqual(["constructor", "__proto"]);
  });
});

describe("a YAML alias inside its own anchor (a cycle) is refused with its line", () => {
  // yaml's toJS builds a circular object: a walk of it never ends (a stack overflow, an
  // "unexpected RangeError"), and one that slipped through was signed (claims) or compared
  // (expect_json) at probe time.
  it.each([
    ["a service", "services:\n  web: &w\n    env: { A: *w }\n", 3],
    ["health.expect_json", "services:\n  web:\n    health: &h\n      expect_json: { a: *h }\n", 4],
    ["jwt.claims", "services:\n  web:\n    jwt: &j\n      secret_env: K\n      claims: { a: *j }\n", 5],
    ["a list", "services:\n  web:\n    http:\n      - &c { path: /, expect_json: { a: [*c] } }\n", 4],
  ])("%s", (_name, text, line) => {
    const { message, hint } = errorOf(text);
    expect(message).toContain(`m.yml:${line}`);
    expect(message).toContain("a YAML alias inside its own anchor");
    expect(hint).toContain("aliases");
  });

  it("an alias used twice, not inside itself, is no cycle", () => {
    const manifest = parseManifest("services:\n  web:\n    health: { expect_json: { a: &v { x: 1 }, b: *v } }\n", "m.yml");
    expect(manifest.services[0]?.health?.expect_json).toEqual({ a: { x: 1 }, b: { x: 1 } });
  });
});
