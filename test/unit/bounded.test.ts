// The bounded building blocks (issue 13 §5): the file reader, the YAML parse
// and the pattern engine, on the inputs that used to hang or take minutes.
import { execFileSync } from "node:child_process";
import { mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LineCounter } from "yaml";
import { matchesPattern, patternProblem } from "../../src/manifest/pattern.js";
import { MAX_YAML_ALIASES, MAX_YAML_DEPTH, MAX_YAML_MAP_KEYS, MAX_YAML_NODES, parseBoundedYaml } from "../../src/parse-yaml.js";
import { FileReadError, readFailure, readRegularFile } from "../../src/read-file.js";
import { ManifestError } from "../../src/errors.js";

const dir = mkdtempSync(join(tmpdir(), "gate-bounded-"));

describe("readRegularFile", () => {
  const fifo = join(dir, "fifo");
  execFileSync("mkfifo", [fifo]);
  const linkToFifo = join(dir, "link-to-fifo");
  symlinkSync(fifo, linkToFifo);
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it("reads a regular file, up to and including the cap", async () => {
    expect(await readRegularFile(file("a.yml", "services: {}\n"))).toBe("services: {}\n");
    expect(await readRegularFile(file("cap", "x".repeat(100)), { maxBytes: 100 })).toHaveLength(100);
  });

  it("reads a file whose stat size is 0 but has content (procfs)", async () => {
    expect(await readRegularFile("/proc/self/status")).toContain("Name:");
  });

  it.each([
    ["a FIFO", fifo, "ENOTREG", "it is a named pipe (FIFO), not a regular file"],
    ["a symlink to a FIFO", linkToFifo, "ENOTREG", "it is a named pipe (FIFO), not a regular file"],
    ["/dev/zero", "/dev/zero", "ENOTREG", "it is a device, not a regular file"],
    ["a directory", dir, "ENOTREG", "it is a directory, not a regular file"],
    ["a missing file", join(dir, "nope"), "ENOENT", "it does not exist (ENOENT)"],
  ])("refuses %s without reading it", async (_name, path, code, reason) => {
    const error = await readRegularFile(path).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FileReadError);
    expect((error as FileReadError).code).toBe(code);
    expect(readFailure(error)).toBe(reason);
  });

  it("refuses a file over the cap", async () => {
    const error = await readRegularFile(file("big", "x".repeat(101)), { maxBytes: 100 }).catch((caught: unknown) => caught);
    expect(readFailure(error)).toBe("it is larger than 100 bytes");
    expect(readFailure(await readRegularFile(file("big2", "x".repeat(1024 * 1024 + 1))).catch((caught: unknown) => caught))).toBe(
      "it is larger than 1 MiB",
    );
  });
});

describe("parseBoundedYaml", () => {
  const source = { label: "manifest m.yml", error: ManifestError };
  const parse = (text: string) => {
    const lineCounter = new LineCounter();
    const doc = parseBoundedYaml(text, lineCounter, source);
    return { doc, lines: doc.errors.map((error) => `${lineCounter.linePos(error.pos[0]).line} ${error.code}`) };
  };
  const failure = (text: string) => {
    try {
      parse(text);
    } catch (error) {
      return (error as Error).message;
    }
    return "parsed";
  };

  it.each([
    ["a block map", "a: 1\nb: 2\na: 3\n", ["3 DUPLICATE_KEY"]],
    ["a nested map", "s:\n  x: 1\n  y: 2\n  x: 3\n", ["4 DUPLICATE_KEY"]],
    ["a flow map", "s: { x: 1, x: 2 }\n", ["1 DUPLICATE_KEY"]],
    ["1 and '1' (different values)", "1: a\n'1': b\n", []],
    ["the same key in two maps", "a: { x: 1 }\nb: { x: 1 }\n", []],
  ])("duplicate keys, as the yaml package reports them: %s", (_name, text, expected) => {
    expect(parse(text).lines).toEqual(expected);
  });

  it("keeps syntax errors for the caller", () => {
    expect(parse("a: [1, 2\n").doc.errors.length).toBeGreaterThan(0);
  });

  it("accepts aliases up to the cap and refuses more, with the line", () => {
    const aliases = (count: number) => `a: &a 1\nlist:\n${Array.from({ length: count }, () => "  - *a").join("\n")}\n`;
    expect(parse(aliases(MAX_YAML_ALIASES)).doc.errors).toEqual([]);
    expect(failure(aliases(MAX_YAML_ALIASES + 1))).toBe(
      `manifest m.yml:${MAX_YAML_ALIASES + 3} has more than ${MAX_YAML_ALIASES} YAML aliases`,
    );
  });

  it("refuses more nodes than the cap, and a map with more keys than its cap", () => {
    // A fleet's manifest fits: 500 services with 10 secrets each are about 22,000 nodes.
    let fleet = "region: us-central1\nservices:\n";
    for (let service = 0; service < 500; service++) {
      fleet += `  svc-${service}:\n    secrets:\n`;
      for (let secret = 0; secret < 10; secret++) fleet += `      SECRET_${secret}: { secret: s-${service}-${secret} }\n`;
    }
    expect(() => parseBoundedYaml(fleet, new LineCounter(), { label: "manifest fleet.yml", error: ManifestError })).not.toThrow();
    const seq = `list: [${Array.from({ length: MAX_YAML_NODES }, (_, index) => index).join(", ")}]\n`;
    expect(failure(seq)).toMatch(/^manifest m\.yml:1 has more than 100,000 YAML nodes$/);
    const map = `top: 1\nm:\n${Array.from({ length: MAX_YAML_MAP_KEYS + 1 }, (_, index) => `  k${index}: v`).join("\n")}\n`;
    expect(failure(map)).toBe("manifest m.yml:3 has a mapping with more than 2,000 keys");
  });

  it("refuses collections nested past the cap, block or flow, with the line where it went too deep", () => {
    // A Knative service YAML is about 12 deep; the cap is far past what a person writes.
    let nested = "a:\n";
    for (let level = 1; level < MAX_YAML_DEPTH - 4; level++) nested += `${"  ".repeat(level)}k${level}:\n`;
    expect(parse(`${nested}${"  ".repeat(MAX_YAML_DEPTH - 4)}x: 1\n`).doc.errors).toEqual([]);
    let block = "a:\n";
    for (let level = 1; level < 1000; level++) block += `${"  ".repeat(level)}k${level}:\n`;
    // Before the cap yaml's recursion ran out of stack, at a line that moved from call to call (878, then 916).
    expect(failure(block)).toMatch(/^manifest m\.yml:6\d has more than 64 levels of nested YAML collections$/);
    expect(failure(block)).toBe(failure(block));
    expect(failure(`x: ${"[".repeat(200_000)}${"]".repeat(200_000)}\n`)).toBe(
      "manifest m.yml:1 has more than 64 levels of nested YAML collections",
    );
  });

  it("stays fast on the inputs that took seconds to minutes (linear, cut at the cap)", () => {
    const started = Date.now();
    failure(`x: &a [1, 2, 3]\nl: [${Array.from({ length: 8000 }, () => "*a").join(", ")}]\n`);
    failure(`m:\n${Array.from({ length: 50_000 }, (_, index) => `  k${index}: v`).join("\n")}\n`);
    // Generous: the point is seconds, not minutes, on a busy machine.
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe("patterns (RE2)", () => {
  it.each([
    ["^staging$", "staging", true],
    ["^staging$", "staging\n", false],
    ["stag", "a staging b", true],
    ["^https://[a-z.-]+\\.run\\.app$", "https://api-x.a.run.app", true],
    ["^[0-9]{2,4}$", "12345", false],
    ["(?i)^prod$", "PROD", true],
    ["^\\d+$", "123", true],
  ])("%s on %j → %s, as RegExp.test does", (pattern, value, expected) => {
    expect(matchesPattern(pattern, value)).toBe(expected);
    if (!pattern.startsWith("(?i)")) expect(new RegExp(pattern).test(value)).toBe(expected);
  });

  it("runs the catastrophic pattern in linear time", () => {
    const started = Date.now();
    expect(matchesPattern("^([a-z0-9]+[-.]?)+$", `${"a".repeat(5000)}!`)).toBe(false);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it.each([
    ["a lookahead", "^(?!www)"],
    ["a lookbehind", "(?<=a)b"],
    ["a backreference", "(a)\\1"],
    ["an unclosed class", "[a-z"],
  ])("refuses %s, saying why", (_name, pattern) => {
    expect(patternProblem(pattern)).toMatch(/^is not a pattern the gate can run \(.+\): patterns use RE2 syntax/);
  });
});
