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
