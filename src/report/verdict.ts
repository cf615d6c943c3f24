// From findings to the gate's answer. A *fail* means the deploy is bad; an
// *error* means the gate could not decide. A fail outranks an error: one
// missing secret is enough to stop the deploy whatever else went wrong.
import type { Finding, GateResult, Report } from "../model.js";

export type FailOn = "error" | "warning" | "never";

export function allFindings(report: Pick<Report, "services" | "checks">): Finding[] {
  return [...report.services.flatMap((service) => service.checks), ...(report.checks ?? [])];
}

export function verdict(findings: Finding[], failOn: FailOn): GateResult {
  const failing = findings.some((finding) => finding.status === "fail" || (failOn === "warning" && finding.status === "warn"));
  if (failing) return "fail";
  if (findings.some((finding) => finding.status === "error")) return "error";
  return "pass";
}

/** A warn finding that still keeps the run from passing: it makes the result `inconclusive`, which fails the step. */
const BLOCKS_A_PASS: ReadonlySet<string> = new Set(["verify.inconclusive"]);

/** Stable, de-duplicated codes of what failed, for the `failed_checks` output. */
export function failedChecks(findings: Finding[], failOn: FailOn): string[] {
  const counts = (finding: Finding) =>
    finding.status === "fail" ||
    finding.status === "error" ||
    (finding.status === "warn" && (failOn === "warning" || BLOCKS_A_PASS.has(finding.id)));
  return [...new Set(findings.filter(counts).map((finding) => finding.id))];
}

/** Whether the step should fail the job. */
export function shouldFailJob(result: GateResult, failOn: FailOn): boolean {
  return result === "error" || ((result === "fail" || result === "inconclusive") && failOn !== "never");
}

/** The CLI's exit codes: 0 the deploy may go on, 1 the deploy is bad (or unverified), 2 the gate could not decide. */
export const EXIT_CODE = { pass: 0, fail: 1, error: 2 } as const;

/** The process exit code for a result: the same answer as shouldFailJob, split into bad deploy (1) and no decision (2). */
export function exitCodeFor(result: GateResult, failOn: FailOn): 0 | 1 | 2 {
  if (result === "error") return EXIT_CODE.error;
  return shouldFailJob(result, failOn) ? EXIT_CODE.fail : EXIT_CODE.pass;
}
