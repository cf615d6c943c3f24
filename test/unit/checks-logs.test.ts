// The pure log, rotation and verification checks, as tables.
import { describe, expect, it } from "vitest";
import { checkLogs } from "../../src/checks/logs.js";
import { settleCuts } from "../../src/cut.js";
import { checkRotation } from "../../src/checks/rotation.js";
import { durationMs, judgeRounds } from "../../src/checks/verify.js";
import { parseManifest } from "../../src/manifest/load.js";
import type { Finding, LogFacts, LogLine, RevisionConfig, VerifyRound } from "../../src/model.js";

const config: RevisionConfig = {
  source: "live",
  project: "p",
  region: "us-central1",
  service: "backend",
  revision: "projects/p/locations/us-central1/services/backend/revisions/backend-00002-b",
  containers: [""],
  env: [{ name: "JWT_SECRET", container: "", secret: { secret: "jwt", version: "latest" } }],
  secretVolumes: [],
  createTime: "2026-12-01T10:00:00Z",
};
const line = (severity: string, message: string): LogLine => ({ timestamp: "2026-12-01T10:00:01Z", severity, message });
const read = (errors: LogLine[], below: LogLine[] = [], truncated = false): LogFacts => ({
  kind: "read",
  errors: { lines: errors, truncated },
  belowError: { lines: below, truncated: false },
});
const logs = (spec: { max_errors?: number; deny?: string[]; allow?: string[]; optional?: boolean } = {}) => ({
  logs: { max_errors: 0, deny: [], allow: [], ...spec, name: "logs", location: { file: "m.yml", line: 9 } },
});
const one = (findings: Finding[]) => {
  expect(findings).toHaveLength(1);
  return findings[0]!;
};

describe("checkLogs", () => {
  it.each([
    ["no errors", logs(), read([]), "pass", 0],
    ["one error over max_errors 0", logs(), read([line("ERROR", "boom")]), "fail", 1],
    ["within max_errors", logs({ max_errors: 2 }), read([line("ERROR", "a"), line("CRITICAL", "b")]), "pass", 2],
    ["allowed noise", logs({ allow: ["^noise"] }), read([line("ERROR", "noise: retry")]), "pass", 0],
    ["deny below ERROR", logs({ max_errors: 5, deny: ["JWT.*missing"] }), read([], [line("WARNING", "JWT key missing")]), "fail", 0],
    ["allow beats deny", logs({ deny: ["JWT"], allow: ["JWT ok"] }), read([], [line("INFO", "JWT ok")]), "pass", 0],
  ] as const)("%s", (_, requirement, facts, status, count) => {
    const finding = one(checkLogs(requirement, config, facts, (text) => text));
    expect(finding).toMatchObject({ id: "logs.errors", status, count, location: { line: 9 } });
  });

  it("says 'at least' when the bounds cut the read, and clips and cleans each line", () => {
    const long = `${"a".repeat(300)}\u0007\u202e`;
    const finding = one(checkLogs(logs(), config, read([line("ERROR", long)], [], true), (text) => text));
    expect(finding.message).toMatch(/^at least 1 log entry/);
    // The clip is left to the report's redaction (src/cut.ts), which knows every secret of the run by then.
    const shown = settleCuts(finding.entries?.[0]?.message ?? "", []);
    expect(shown).toHaveLength(200);
    expect(shown).not.toMatch(/[\u0007\u202e]/);
  });

  it.each([
    [{ kind: "denied" } as LogFacts, {}, "error"],
    [{ kind: "denied" } as LogFacts, { optional: true }, "skip"],
    [{ kind: "failed", reason: "HTTP 500" } as LogFacts, {}, "error"],
    [{ kind: "not_deployed" } as LogFacts, {}, "skip"],
  ])("%j with %j is %s", (facts, spec, status) => {
    const finding = one(checkLogs(logs(spec), config, facts, (text) => text));
    expect(finding.status).toBe(status);
    if (facts.kind === "denied") expect(finding.hint).toContain("roles/logging.viewer");
  });

  it("nothing without a logs: requirement", () => {
    expect(checkLogs({}, config, read([line("ERROR", "x")]), (text) => text)).toEqual([]);
  });
});

describe("checkRotation", () => {
  const latest = (createTime: string, version = "projects/p/secrets/jwt/versions/2") => [
    { ref: { secret: "jwt", version: "latest" }, resolvedVersion: version, createTime },
  ];
  it("warns only when latest's version is newer than the revision", () => {
    expect(checkRotation(config, latest("2026-12-01T09:00:00Z"))).toEqual([]);
    const finding = one(checkRotation(config, latest("2026-12-01T11:00:00Z")));
    expect(finding).toMatchObject({ id: "secret.rotated_after_start", status: "warn", subject: "JWT_SECRET" });
    expect(finding.message).toContain("2026-12-01T11:00:00Z");
    expect(finding.message).toContain("2026-12-01T10:00:00Z");
    expect(finding.hint).toContain("jwt:2");
  });
  it("says nothing without the revision's create time", () => {
    const { createTime: _, ...untimed } = config;
    expect(checkRotation(untimed, latest("2027-01-01T00:00:00Z"))).toEqual([]);
  });
});

describe("verification rounds", () => {
  const verify = { duration: "1m", interval: "10s", initial_delay: "0s", consecutive_successes: 2, failure_limit: 2 };
  const rounds = (pattern: string): VerifyRound[] => [...pattern].map((mark, index) => ({ at_ms: index * 1000, ok: mark === "+" }));
  it.each([
    ["++", "verify.passed"],
    ["+-++", "verify.passed"],
    ["+-+", "verify.inconclusive"],
    ["+--", "verify.failed"],
    ["-+-", "verify.failed"],
    ["", "verify.inconclusive"],
  ])("%s → %s", (pattern, id) => {
    expect(judgeRounds(rounds(pattern), verify, "backend").id).toBe(id);
  });
  it.each([
    ["90s", 90_000],
    ["5m", 300_000],
    ["1m30s", 90_000],
    ["500ms", 500],
    ["1h", 3_600_000],
    [2.5, 2_500],
  ])("duration %s is %i ms", (text, ms) => {
    expect(durationMs(text)).toBe(ms);
  });
});

describe("manifest logs: and verify:", () => {
  const manifest = (service: string) => `services:\n  backend:\n${service}`;
  it.each([
    ["    logs: { deny: ['(a'] }\n", /m\.yml:3 services\.backend\.logs\.deny\.0: is not a pattern the gate can run/],
    ["    logs: { max_errors: -1 }\n", /m\.yml:3 services\.backend\.logs\.max_errors/],
    ["    logs: { denny: [] }\n", /unknown field "denny" \(did you mean "deny"\?\)/],
    ["    verify: { duration: 5 minutes }\n", /m\.yml:3 services\.backend\.verify\.duration/],
    ["    verify: { duration: 1m, failure_limit: 0 }\n", /services\.backend\.verify\.failure_limit/],
  ])("%j is refused with its line", (text, message) => {
    expect(() => parseManifest(manifest(text), "m.yml")).toThrow(message);
  });
  it("defaults", () => {
    const [service] = parseManifest(manifest("    logs: {}\n    verify: { duration: 90s }\n"), "m.yml").services;
    expect(service?.logs).toMatchObject({ max_errors: 0, deny: [], allow: [] });
    expect(service?.verify).toMatchObject({
      duration: "90s",
      interval: "10s",
      initial_delay: "0s",
      consecutive_successes: 3,
      failure_limit: 1,
    });
  });
});
