import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  checkSecretFiles,
  parseRemoteSecretPath,
  parseSecretRef,
  parseSecretTarget,
  type SecretFile,
  SecretRefError,
} from "../../../src/candidate/secret-ref.js";
import { InputError } from "../../../src/errors.js";
import type { SecretRef } from "../../../src/model.js";

describe("parseSecretRef accepts", () => {
  const cases: [value: string, expected: SecretRef][] = [
    ["jwt-secret:latest", { secret: "jwt-secret", version: "latest" }],
    ["jwt_secret:3", { secret: "jwt_secret", version: "3" }],
    ["A-b_9:12345", { secret: "A-b_9", version: "12345" }],
    ["s:prod-alias", { secret: "s", version: "prod-alias" }],
    ["projects/123456/secrets/shared", { secret: "shared", project: "123456", version: "latest" }],
    ["projects/123456/secrets/shared:2", { secret: "shared", project: "123456", version: "2" }],
    ["projects/123456/secrets/shared/versions/7", { secret: "shared", project: "123456", version: "7" }],
    ["projects/1/secrets/x/versions/latest", { secret: "x", project: "1", version: "latest" }],
    [`${"a".repeat(255)}:1`, { secret: "a".repeat(255), version: "1" }],
  ];
  it.each(cases)("%s", (value, expected) => {
    expect(parseSecretRef(value, "ENV")).toEqual(expected);
  });
});

describe("parseSecretRef refuses", () => {
  const cases: [value: string, problem: "version_missing" | "invalid", pattern: RegExp][] = [
    ["jwt-secret", "version_missing", /no secret version/],
    ["jwt-secret:", "invalid", /version/],
    ["a:b:c", "invalid", /more than one ":"/],
    ["projects/my-project/secrets/x:1", "invalid", /project number/],
    ["projects/123/secrets/x/other", "invalid", /not a valid Secret Manager id/],
    ["projects/123/secrets/../x:1", "invalid", /Secret Manager id/],
    ["../etc:1", "invalid", /Secret Manager id/],
    ["a%2Fb:1", "invalid", /Secret Manager id/],
    ["a?x=1:1", "invalid", /Secret Manager id/],
    ["a#frag:1", "invalid", /Secret Manager id/],
    ["a:1?x", "invalid", /version/],
    ["a:../1", "invalid", /version/],
    ["a:0", "invalid", /version/],
    ["a:-1", "invalid", /version/],
    ["projects/123/secrets/x:1/versions/2", "invalid", /version/],
    ["projects/123/secrets/x/versions/1%2F", "invalid", /version/],
    ["", "invalid", /Secret Manager id/],
    [" s:1", "invalid", /Secret Manager id/],
    [`${"a".repeat(256)}:1`, "invalid", /Secret Manager id/],
  ];
  it.each(cases)("%j (%s)", (value, problem, pattern) => {
    let caught: unknown;
    try {
      parseSecretRef(value, "API_KEY");
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SecretRefError);
    const error = caught as SecretRefError;
    expect(error.problem).toBe(problem);
    expect(error.code).toBe("CANDIDATE_INVALID");
    expect(error.message).toMatch(pattern);
    expect(error.message).toContain('"API_KEY"');
  });

  it("tells how to fix a missing version", () => {
    expect(() => parseSecretRef("jwt-secret", "JWT")).toThrow(
      // It may be a value pasted where the name belongs, so the hint does not echo it.
      expect.objectContaining({ hint: expect.stringContaining("SECRET_NAME:latest") }),
    );
  });
});

describe("parseSecretTarget", () => {
  const cases: [key: string, expected: ReturnType<typeof parseSecretTarget>][] = [
    ["JWT_SECRET_KEY", { kind: "env", name: "JWT_SECRET_KEY" }],
    ["/secrets/api/key", { kind: "file", mountPath: "/secrets/api", path: "key" }],
    // gcloud splits at the last "/" (config_changes.py rsplit('/', 1)); there is no DIR:FILE form.
    ["/secrets/api:config.json", { kind: "file", mountPath: "/secrets", path: "api:config.json" }],
    ["/etc/app/secrets/db.json", { kind: "file", mountPath: "/etc/app/secrets", path: "db.json" }],
  ];
  it.each(cases)("%s", (key, expected) => {
    expect(parseSecretTarget(key)).toEqual(expected);
  });

  const refused: [key: string, pattern: RegExp][] = [
    // flags.py _ValidatedMountPoint: "Mount path [...] must be in the form /<mountPath>/<path>"
    ["/key", /\/<mountPath>\/<path>/],
    ["/secrets:key", /\/<mountPath>\/<path>/],
    ["/dev/shm/key", /\/dev, \/proc and \/sys/],
    ["/proc/key", /\/dev, \/proc and \/sys/],
    ["/sys/fs/key", /\/dev, \/proc and \/sys/],
    ["/dev:key", /\/<mountPath>\/<path>/],
    ["/secrets/../etc/key", /plain absolute path/],
    ["/secrets//key", /plain absolute path/],
    ["/secrets/", /\/<mountPath>\/<path>/],
    ["/secrets:sub/dir.txt", /plain absolute path/],
    ["/secrets:../x", /plain absolute path/],
    ["/secrets:/abs", /plain absolute path/],
    ["/secrets/..", /file name/],
    ["/secrets/a%2Fb/key", /plain absolute path/],
    ["# note", /not a comment/],
    ["API_KEY: sk-live-123", /not a valid environment variable name/],
    ["", /not a valid environment variable name/],
  ];
  it.each(refused)("refuses %j", (key, pattern) => {
    expect(() => parseSecretTarget(key)).toThrow(pattern);
    expect(() => parseSecretTarget(key)).toThrow(InputError);
  });

  it("does not echo the value part of a KEY: value key", () => {
    expect(() => parseSecretTarget("API_KEY: sk-live-123")).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining("sk-live") }),
    );
  });

  it("accepts /devices (only /dev itself is reserved)", () => {
    expect(parseSecretTarget("/devices/key")).toEqual({ kind: "file", mountPath: "/devices", path: "key" });
  });
});

describe("checkSecretFiles", () => {
  const file = (key: string, secret: string, version = "1"): SecretFile => {
    const target = parseSecretTarget(key);
    if (target.kind !== "file") throw new Error("not a file");
    return { mountPath: target.mountPath, path: target.path, ref: { secret, version }, key };
  };

  it("allows two versions of one secret in one directory", () => {
    expect(() => checkSecretFiles([file("/s/a", "x", "1"), file("/s/b", "x", "2")])).not.toThrow();
  });
  it("refuses two secrets in one directory", () => {
    expect(() => checkSecretFiles([file("/s/a", "x"), file("/s/b", "y")])).toThrow(/two different secrets in "\/s"/);
  });
  it("refuses one file path given twice", () => {
    expect(() => checkSecretFiles([file("/s/a", "x"), file("/s/a", "x", "2")])).toThrow(/both mount "\/s\/a"/);
  });
});

describe("parseRemoteSecretPath", () => {
  it.each([
    ["projects/123/secrets/abc", { project: "123", secret: "abc" }],
    ["projects/abc/secrets/abc", undefined],
    ["projects/123/secrets/abc:1", undefined],
    ["projects/123/secrets/", undefined],
  ])("%s", (path, expected) => {
    expect(parseRemoteSecretPath(path)).toEqual(expected);
  });
});

describe("secret-ref properties", () => {
  const alphabet = fc.constantFrom(
    "a",
    "Z",
    "0",
    "9",
    "-",
    "_",
    ":",
    "/",
    ".",
    "%",
    "?",
    "#",
    "projects/",
    "secrets/",
    "versions/",
    " ",
    "\n",
  );
  const text = fc.oneof(fc.string(), fc.string({ unit: alphabet }));
  const safe = /^[a-zA-Z0-9_-]+$/;

  it("throws nothing but InputError, and what it returns is resource-name safe", () => {
    fc.assert(
      fc.property(text, (value) => {
        try {
          const ref = parseSecretRef(value, "X");
          expect(ref.secret).toMatch(safe);
          expect(ref.version).toMatch(safe);
          if (ref.project !== undefined) expect(ref.project).toMatch(/^[0-9]+$/);
        } catch (error) {
          expect(error).toBeInstanceOf(InputError);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it("parseSecretTarget throws nothing but InputError and never yields .. segments", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          text,
          text.map((s) => `/${s}`),
        ),
        (key) => {
          try {
            const target = parseSecretTarget(key);
            if (target.kind === "file") {
              expect(`${target.mountPath}/${target.path}`.split("/")).not.toContain("..");
              expect(target.mountPath).toMatch(/^\/[a-zA-Z0-9._/-]+$/);
            }
          } catch (error) {
            expect(error).toBeInstanceOf(InputError);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});
