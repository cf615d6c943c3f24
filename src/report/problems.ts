// What counts as a problem, once, for every surface (comment, summary, check-run
// title, CLI): per service, one likely cause and the requirements it rests on;
// what follows from them (the 403, the 1006, a consistency check that cannot
// compare a secret that is missing) is a symptom, folded under the cause and
// never counted again.
import type { Finding, Report, ServiceReport } from "../model.js";

const FAILING = new Set<Finding["status"]>(["fail", "error"]);
export const isFailing = (finding: Finding) => FAILING.has(finding.status);
/** Probe results: what users would have seen. With a diagnosis they are its evidence, not more problems. */
const PROBE = /^(ws|health|verify)\./;

export interface ServiceProblems {
  service: ServiceReport;
  status: Finding["status"];
  /** The diagnosis, when the gate found one: the cause, stated once. */
  cause: Finding | undefined;
  /** One finding per requirement (env var, secret, check) that is not met. */
  requirements: Finding[];
  /** What follows from the cause or the requirements: shown folded, not counted. */
  symptoms: Finding[];
  warnings: Finding[];
  /** Passing and skipped checks. */
  rest: Finding[];
}

export interface ProblemGroups {
  services: ServiceProblems[];
  /** Cross-service findings not explained by a service's requirement. */
  across: Finding[];
  /** Cross-service findings explained by one: folded. */
  acrossSymptoms: Finding[];
  acrossWarnings: Finding[];
}

export function groupProblems(report: Pick<Report, "services" | "checks">): ProblemGroups {
  const services = report.services.map(groupService);
  const missing = new Set(services.flatMap((group) => group.requirements.map((finding) => `${group.service.service}.${finding.subject}`)));
  const across: Finding[] = [];
  const acrossSymptoms: Finding[] = [];
  for (const finding of (report.checks ?? []).filter(isFailing)) {
    // `backend-staging.JWT_SECRET_KEY = auth-staging.JWT_SECRET_KEY`: unverifiable because a side is itself a problem.
    const sides = (finding.subject ?? "").split(" = ");
    const explained = finding.id === "consistent.unverifiable" && sides.some((side) => missing.has(side));
    (explained ? acrossSymptoms : across).push(finding);
  }
  const acrossWarnings = (report.checks ?? []).filter((finding) => finding.status === "warn");
  return { services, across, acrossSymptoms, acrossWarnings };
}

function groupService(service: ServiceReport): ServiceProblems {
  const failing = service.checks.filter(isFailing);
  const cause = failing.find((finding) => finding.id.startsWith("diagnosis."));
  const requirements: Finding[] = [];
  const symptoms: Finding[] = [];
  const seen = new Set<string>();
  // Without a diagnosis, unmet config is still the likely cause of a failing probe.
  const configFails = failing.some((finding) => !PROBE.test(finding.id) && !finding.id.startsWith("diagnosis."));
  for (const finding of failing) {
    if (finding === cause || finding.id.startsWith("diagnosis.")) continue;
    if ((cause || configFails) && PROBE.test(finding.id)) {
      symptoms.push(finding);
      continue;
    }
    // secret.missing and jwt.secret_missing about one env var are one requirement.
    const key = finding.subject ?? finding.id;
    if (seen.has(key)) symptoms.push(finding);
    else {
      seen.add(key);
      requirements.push(finding);
    }
  }
  const status = failing.some((finding) => finding.status === "fail") ? "fail" : failing.length ? "error" : worst(service.checks);
  return {
    service,
    status,
    cause,
    requirements,
    symptoms,
    warnings: service.checks.filter((finding) => finding.status === "warn"),
    rest: service.checks.filter((finding) => finding.status === "pass" || finding.status === "skip"),
  };
}

function worst(findings: Finding[]): Finding["status"] {
  return findings.some((finding) => finding.status === "warn") ? "warn" : "pass";
}

/** Problems of one service: each unmet requirement, or its cause alone when no requirement explains it. */
export function serviceProblemCount(group: ServiceProblems): number {
  if (group.requirements.length > 0) return group.requirements.length;
  return group.cause ? 1 : group.symptoms.length;
}

/** The one count every surface shows: comment, summary, check-run title and CLI. */
export function problemCount(report: Pick<Report, "services" | "checks">, groups = groupProblems(report)): number {
  return groups.services.reduce((sum, group) => sum + serviceProblemCount(group), 0) + groups.across.length;
}

export function warningCount(report: Pick<Report, "services" | "checks">): number {
  const groups = groupProblems(report);
  return groups.services.reduce((sum, group) => sum + group.warnings.length, 0) + groups.acrossWarnings.length;
}

export const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;
