// The PR comment of a fleet costs what fits in a comment, not what the fleet
// has: an aggregate of 200 services rendered its whole 470 KB report (and every
// compact form of a failing one) only to learn each was over 65,536 characters,
// and did so for the report file's comment, the comment and the check run.
// Ratios of CPU time, so a loaded machine slows both sides alike.
import { describe, expect, it } from "vitest";
import type { Finding, Report } from "../../src/model.js";
import { COMMENT_LIMIT, renderMarkdown } from "../../src/report/markdown.js";

/** `services` services of 20 checks each, as the bench's fleet; `failing` of them fail (and have a fix). */
function fleet(services: number, failing: number): Report {
  return {
    result: failing > 0 ? "fail" : "pass",
    started_at: "2025-01-01T00:00:00.000Z",
    duration_ms: 1234,
    services: Array.from({ length: services }, (_, index) => {
      const service = `svc-${String(index).padStart(4, "0")}`;
      const checks: Finding[] = Array.from({ length: 20 }, (_, secret) =>
        secret < failing
          ? {
              id: "secret.missing",
              status: "fail",
              subject: `SECRET_${secret}`,
              message: `SECRET_${secret} references ${service}-secret-${secret}:latest, which does not exist`,
              hint: `gcloud secrets create ${service}-secret-${secret} --data-file=-`,
              expected: "a secret that exists",
              found: "missing",
              location: { file: ".github/deploy-gate.yml", line: 10 + secret },
            }
          : {
              id: "secret.ok",
              status: "pass",
              subject: `SECRET_${secret}`,
              message: `SECRET_${secret} references ${service}-secret-${secret}:latest, which exists and is enabled`,
              location: { file: ".github/deploy-gate.yml", line: 10 + secret },
            },
      );
      return { service, revision: `${service}-00001-abc`, checks };
    }),
  };
}

/** The least CPU of five renderings: a slow run or two on a shared machine (CI runs suites side by side) does not move it. */
function cpuOf(render: () => string): number {
  let least = Number.POSITIVE_INFINITY;
  for (let run = 0; run < 5; run++) {
    const started = process.cpuUsage();
    const text = render();
    const { user, system } = process.cpuUsage(started);
    expect(text.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    least = Math.min(least, user + system);
  }
  return least;
}

describe.each([
  ["a passing fleet", 0],
  ["a failing fleet", 6],
])("the comment of %s", (_, failing) => {
  it("costs about the same for 2,000 services as for 200: bounded by the comment, not the report", () => {
    const small = fleet(200, failing);
    const large = fleet(2000, failing);
    const comment = (report: Report) => () => renderMarkdown(report, { limit: COMMENT_LIMIT });
    // Warm up both: the first rendering of the larger report pays for its own optimisation and GC growth.
    cpuOf(comment(small));
    cpuOf(comment(large));
    const base = Math.max(cpuOf(comment(small)), 5_000);
    const many = cpuOf(comment(large));
    // Ten times the services: grouping the problems and the service table are linear and stay (2-5×);
    // rendering the whole report for nothing was 10×, and grouping a failing fleet's checks 17-20×.
    expect(many / base).toBeLessThan(8);
  });
});
