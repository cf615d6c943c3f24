// GitHub's limits with a fleet-sized report (500 services): the comment stays
// within 65,536 characters yet keeps the verdict, every failure and says what
// was left out and where the rest is; the job summary stays within 1 MiB; and
// every annotation reaches the check run, 50 per request.
import { mkdtemp, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { publishToGitHub } from "../../src/github/publish-to-github.js";
import type { Finding, Report } from "../../src/model.js";
import { COMMENT_LIMIT, renderMarkdown, SUMMARY_LIMIT } from "../../src/report/markdown.js";
import { runnerDeps } from "../../src/runner.js";
import type { GitHubEmulator } from "../emulators/github.js";
import { recordingLog, runContext, settings, startGitHub } from "./github-fixtures.js";

const SERVICES = 500;

/** Each service: two failures with their own fixes, one warning and 12 passing checks, all on manifest lines. */
function fleetReport(): Report {
  return {
    result: "fail",
    started_at: "2025-01-01T00:00:00.000Z",
    duration_ms: 98_765,
    services: Array.from({ length: SERVICES }, (_, index) => {
      const service = `payments-api-${String(index).padStart(3, "0")}`;
      const line = 10 + index * 20;
      const at = (offset: number) => ({ file: ".github/deploy-gate.yml", line: line + offset });
      const checks: Finding[] = [
        {
          id: "secret.missing",
          status: "fail",
          subject: "JWT_SECRET",
          message: `JWT_SECRET is not set on ${service} revision ${service}-00042-xyz; the service reads it at start-up and crashes`,
          hint: `deploy ${service} with --set-secrets=JWT_SECRET=${service}-jwt:latest, or add it in the console under Variables & Secrets`,
          expected: `Secret Manager ref to ${service}-jwt`,
          found: "missing",
          location: at(1),
        },
        {
          id: "env.value",
          status: "fail",
          subject: "DATABASE_URL",
          message: `DATABASE_URL on ${service} points at the staging database host db-staging.internal, not production`,
          hint: `set DATABASE_URL on ${service} to the production host (db-prod.internal)`,
          location: at(2),
        },
        {
          id: "jwt.weak",
          status: "warn",
          subject: "SIGNING_KEY",
          message: "SIGNING_KEY is 24 bytes; 32 or more is advised",
          location: at(3),
        },
        ...Array.from({ length: 12 }, (_, check) => ({
          id: "env.ok",
          status: "pass" as const,
          subject: `SETTING_${check}`,
          message: `SETTING_${check} is set to the value the manifest expects on ${service}`,
          location: at(4 + check),
        })),
      ];
      return { service, revision: `projects/p/locations/europe-west1/services/${service}/revisions/${service}-00042-xyz`, checks };
    }),
  };
}

describe("a 500-service report on GitHub", () => {
  let github: GitHubEmulator;
  const report = fleetReport();
  const failures = report.services.flatMap((service) =>
    service.checks.filter((finding) => finding.status === "fail").map((finding) => ({ service: service.service, id: finding.id })),
  );
  beforeAll(async () => {
    github = await startGitHub();
  });
  afterAll(() => github.close());
  beforeEach(() => github.reset());

  it("fits the comment in 65,536 characters with the verdict, every failure and a note on what was left out", async () => {
    const log = recordingLog();
    await publishToGitHub(report, runContext(github.url), settings({ comment: "always" }), log);
    expect(log.warnings()).toEqual([]);
    const body = github.comments.get(7)?.[0]?.body ?? "";
    expect(body.length).toBeGreaterThan(0);
    expect(body.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(body).toMatch(/❌ Cloud Run deploy gate: fail/);
    // Every failure, by service and check id.
    for (const { service } of failures) expect(body).toContain(service);
    for (const id of new Set(failures.map((failure) => failure.id))) expect(body).toContain(`\`${id}\``);
    const lines = body.split("\n");
    for (const { service, id } of failures) {
      expect(
        lines.some((line) => line.includes(service) && line.includes(`\`${id}\``)),
        `${service} ${id}`,
      ).toBe(true);
    }
    // What was left out, and where the full report is.
    expect(body).toMatch(/left out/i);
    expect(body).toContain(`${SERVICES * 12} passing`);
    expect(body).toMatch(/job summary/);
    expect(body).toContain("`report_file`");
  });

  it("keeps the fixes when they fit: a smaller fleet's comment carries each failure's fix", async () => {
    const small = { ...report, services: report.services.slice(0, 60) };
    await publishToGitHub(small, runContext(github.url), settings({ comment: "always" }), recordingLog());
    const body = github.comments.get(7)?.[0]?.body ?? "";
    expect(body.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    for (const service of small.services) expect(body).toContain(`deploy ${service.service} with --set-secrets`);
  });

  it("delivers every annotation, at most 50 per request", async () => {
    await publishToGitHub(report, runContext(github.url), settings({ comment: "never", checkName: "deploy gate" }), recordingLog());
    const [run] = github.checkRuns;
    // Two failures and a warning per service point at manifest lines.
    expect(run?.annotations).toHaveLength(SERVICES * 3);
    const writes = github.requests.filter((request) => request.path.includes("check-runs"));
    expect(writes.map((request) => request.method)).toEqual(["POST", ...Array((SERVICES * 3) / 50 - 1).fill("PATCH")]);
    for (const request of writes) {
      const annotations = (JSON.parse(request.body) as { output: { annotations?: unknown[] } }).output.annotations ?? [];
      expect(annotations.length).toBeLessThanOrEqual(50);
    }
    expect(run?.output.summary.length).toBeLessThanOrEqual(65_535);
    // Octokit spaces writes a second apart, as GitHub asks: 30 writes take 30 s.
  }, 90_000);
});

describe("the job summary of a 500-service report", () => {
  it("renders within 1 MiB, and the runner writes no byte more", async () => {
    const markdown = renderMarkdown(fleetReport(), { limit: SUMMARY_LIMIT, measure: "bytes" });
    expect(Buffer.byteLength(markdown)).toBeLessThanOrEqual(SUMMARY_LIMIT);
    const file = join(await mkdtemp(join(tmpdir(), "gate-summary-")), "summary.md");
    // The runner creates the step's summary file empty.
    await writeFile(file, "");
    const previous = process.env.GITHUB_STEP_SUMMARY;
    process.env.GITHUB_STEP_SUMMARY = file;
    try {
      // A summary of exactly the limit: the step's file is the limit GitHub checks.
      const exact = `${"x".repeat(SUMMARY_LIMIT - 1)}\n`;
      await runnerDeps().writeSummary(exact);
      expect((await stat(file)).size).toBeLessThanOrEqual(SUMMARY_LIMIT);
      expect(await readFile(file, "utf8")).toBe(exact);
    } finally {
      if (previous === undefined) delete process.env.GITHUB_STEP_SUMMARY;
      else process.env.GITHUB_STEP_SUMMARY = previous;
    }
  });
});

describe("a fleet whose failures alone outgrow the comment", () => {
  it("lists what fits and counts the failures it could not show", () => {
    const services = Array.from({ length: 3000 }, (_, index) => ({
      service: `a-service-with-a-rather-long-name-for-the-limit-${String(index).padStart(4, "0")}`,
      // One check failing everywhere: a single group longer than the comment.
      checks: [{ id: "check.kind", status: "fail" as const, message: "broken", hint: "fix it" }],
    }));
    const text = renderMarkdown(
      { result: "fail", services, started_at: "2025-01-01T00:00:00.000Z", duration_ms: 1 },
      { limit: COMMENT_LIMIT },
    );
    expect(text.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(text.startsWith("## ❌ Cloud Run deploy gate: fail")).toBe(true);
    const listed = services.filter((service) => text.includes(service.service)).length;
    expect(listed).toBeGreaterThan(0);
    expect(text).toContain(`${3000 - listed} of the 3000 failures`);
    expect(text).toContain("The full report is in this run's job summary");
  });
});
