// The revision's own logs (Cloud Logging entries:list): incident 1's backend
// logs "JWT secret not configured", and the report shows that line next to
// secret.missing. Through dist/index.js, against the logging emulator.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LoggingEmulator, revisionLog, startLoggingEmulator } from "../emulators/logging.js";
import { incident1, STAGING_SECRET } from "../incidents/incident-1.js";
import { checksOf, reportOf, runAction } from "./harness.js";
import { startIncident, type World } from "./world.js";

const LOGS = `    logs:
      max_errors: 0
      deny: ["JWT.*(not configured|missing)"]
      allow: ["^metrics exporter: retrying"]
`;

describe("logs: the revision's own log entries", () => {
  let world: World;
  let logging: LoggingEmulator;
  let manifest: string;
  const latest = () => world.scenario.services.get("backend-staging")!.service.latestReadyRevision!.split("/").pop()!;
  const log = (severity: Parameters<typeof revisionLog>[3], text: string, revision = latest(), at?: string) =>
    logging.entries.push(revisionLog(world.scenario, "backend-staging", revision, severity, text, at));
  const inputs = (extra: Record<string, string> = {}) => world.inputs(manifest, { logging_endpoint: logging.url, ...extra });

  beforeAll(async () => {
    ({ world } = await startIncident(incident1));
    logging = await startLoggingEmulator(world.scenario);
    manifest = await world.writeManifest(`${incident1.manifest}${LOGS}`);
  });
  afterAll(async () => {
    await Promise.all([world.close(), logging.close()]);
  });

  it("incident 1: the backend's 'JWT secret not configured' is in the report, next to secret.missing", async () => {
    incident1.broken(world);
    log("INFO", "listening on :8080");
    log("ERROR", "JWT secret not configured: refusing WebSocket upgrades");

    const run = await runAction(inputs());

    expect(run.outputs.result).toBe("fail");
    const checks = checksOf(run.outputs);
    const ids = checks.map((check) => check.id);
    const logs = checks.find((check) => check.id === "logs.errors");
    expect(logs?.status).toBe("fail");
    expect(logs?.count).toBe(1);
    expect(logs?.entries?.[0]).toMatchObject({ severity: "ERROR", message: "JWT secret not configured: refusing WebSocket upgrades" });
    expect(logs?.message).toContain("the log explains secret.missing JWT_SECRET_STAGING");
    // Cause and symptom side by side: the log finding follows the config findings, before the probes.
    expect(ids.indexOf("logs.errors")).toBeGreaterThan(ids.indexOf("secret.missing"));
    expect(ids.indexOf("logs.errors")).toBeLessThan(ids.indexOf("ws.rejected"));
    expect(run.outputs.failed_checks?.split(",")).toContain("logs.errors");
    expect(run.summary).toContain("JWT secret not configured");
    // The filter was the subset the emulator parses: this revision, ERROR and up, since it was created.
    const revision = world.scenario.services.get("backend-staging")!.revisions.get(latest())!;
    expect(logging.filters).toContainEqual([
      { field: "resource.type", op: "=", value: "cloud_run_revision" },
      { field: "resource.labels.service_name", op: "=", value: "backend-staging" },
      { field: "resource.labels.revision_name", op: "=", value: latest() },
      { field: "severity", op: ">=", value: "ERROR" },
      { field: "timestamp", op: ">=", value: revision.createTime },
    ]);
    expect(logging.filters.some((filter) => filter.some((term) => term.field === "severity" && term.op === "<"))).toBe(true);
  });

  it("the fixed revision passes: the old revision's errors, earlier lines and allowed noise do not count", async () => {
    const broken = latest();
    incident1.fixed(world);
    log("ERROR", "JWT secret not configured", broken);
    log("ERROR", "stale line from before the revision existed", latest(), "2020-01-01T00:00:00Z");
    log("ERROR", "metrics exporter: retrying in 5s");
    log("INFO", "connected to database");

    const run = await runAction(inputs());

    expect(run.outputs.result).toBe("pass");
    expect(checksOf(run.outputs).find((check) => check.id === "logs.errors")).toMatchObject({ status: "pass", count: 0 });
  });

  it("a deny line below ERROR fails; log text is redacted before it is clipped, and inert", async () => {
    incident1.fixed(world);
    // The secret straddles the 200-character cut: clipped first, its first characters would survive redaction.
    const prefix = "JWT key missing kid ::error::pwned @org/team ![x](https://e.test) ";
    log("WARNING", `${prefix}${"x".repeat(190 - prefix.length - 5)} key=${STAGING_SECRET}`);

    const run = await runAction(inputs());

    expect(run.outputs.result).toBe("fail");
    const logs = checksOf(run.outputs).find((check) => check.id === "logs.errors");
    expect(logs?.count).toBe(0);
    expect(logs?.message).toContain("1 line matching a deny pattern");
    expect(logs?.entries?.[0]?.severity).toBe("WARNING");
    expect(run.everything).not.toContain(STAGING_SECRET);
    expect(run.everything).not.toContain(STAGING_SECRET.slice(0, 10));
    expect(logs?.entries?.[0]?.message).toMatch(/key=\*\*\*$/);
    expect(run.stdout).not.toMatch(/^::error::pwned/m);
    // Inert: a mention reaches Markdown only inside a code span (GitHub neither links nor notifies there).
    expect(run.summary.replace(/`[^`\n]*`/g, "")).not.toContain("@org/team");
  });

  it("403 (no roles/logging.viewer): the manifest asks for logs, so the gate cannot verify: error, not pass", async () => {
    logging.entries.length = 0;
    logging.faults.push({ match: /^POST \/v2\/entries:list$/, fault: { kind: "status", status: 403 } });
    try {
      const run = await runAction(inputs());
      expect(run.outputs.result).toBe("error");
      expect(run.exitCode).toBe(1);
      const logs = checksOf(run.outputs).find((check) => check.id === "logs.errors");
      expect(logs).toMatchObject({ status: "error" });
      expect(logs?.message).toContain("cannot verify");
      expect(logs?.hint).toContain("roles/logging.viewer");

      const optional = await world.writeManifest(`${incident1.manifest}    logs: { optional: true }\n`);
      const skipped = await runAction(world.inputs(optional, { logging_endpoint: logging.url }));
      expect(skipped.outputs.result).toBe("pass");
      expect(checksOf(skipped.outputs).find((check) => check.id === "logs.errors")).toMatchObject({ status: "skip" });
    } finally {
      logging.faults.length = 0;
    }
  });

  it("429 is retried; an invalid deny pattern is a manifest error with its line", async () => {
    logging.faults.push({ match: /^POST \/v2\/entries:list$/, fault: { kind: "status", status: 429, times: 1 } });
    const run = await runAction(inputs());
    expect(run.outputs.result).toBe("pass");
    expect(reportOf(run.outputs).services[0]?.checks.some((check) => check.id === "logs.errors" && check.status === "pass")).toBe(true);

    const bad = await world.writeManifest(`${incident1.manifest}    logs: { deny: ["JWT(unclosed"] }\n`);
    const invalid = await runAction(world.inputs(bad, { logging_endpoint: logging.url }));
    expect(invalid.outputs.result).toBe("error");
    expect(invalid.stdout).toMatch(
      /manifest is invalid: .*:\d+ services\.backend-staging\.logs\.deny\.0: is not a pattern the gate can run/,
    );
  });
});
