// The likely cause in a few words, per service, and the verdict that follows
// from it: when the diagnosis says the deploy is fine (incident 3), the
// headline says so instead of "do not ship this revision".
import type { Finding, Report } from "../model.js";
import { groupProblems, plural, problemCount, type ProblemGroups, type ServiceProblems } from "./problems.js";

/** The tests' side is wrong, not the deployed revision. */
const TEST_SIDE = new Set(["diagnosis.test_secret"]);

/** A few words; the subject is an env var name from the manifest (untrusted: the caller escapes). */
export function shortCause(group: ServiceProblems): string {
  const { cause, requirements, symptoms } = group;
  const subject = cause?.subject ?? "";
  switch (cause?.id) {
    case "diagnosis.test_secret":
      return "the tests sign with the wrong secret; the deployed revision is fine";
    case "diagnosis.jwt_secret":
      return `${subject} is not usable, so the backend cannot verify tokens`;
    case "diagnosis.config":
      return `incomplete config: ${missingNames(group)}`;
    case "diagnosis.token_requirements":
      return "the backend requires token claims the tokens lack";
    case "diagnosis.open_endpoint":
      return "the WebSocket accepts connections without a valid token";
    case "diagnosis.id_token":
      return "no Google ID token: Cloud Run IAM refused the probes";
    case "diagnosis.jwt_key":
      return "the deployed JWT key cannot sign tokens";
    case "diagnosis.unhealthy":
      return "the backend is unhealthy";
  }
  const [first] = requirements;
  if (first && requirements.length === 1) {
    return first.message.length <= 80 || !first.subject || !first.found
      ? first.message
      : `${first.subject}${/^(missing|empty|not set)$/.test(first.found) ? " is " : ": "}${first.found}`;
  }
  if (first) return `incomplete config: ${missingNames(group)}`;
  if (symptoms[0]) return symptoms[0].message;
  if (group.status === "warn") return plural(group.warnings.length, "warning");
  return "meets the manifest";
}

function missingNames(group: ServiceProblems): string {
  const names = group.requirements.map((finding) => finding.subject ?? finding.id);
  return names.length > 3 ? `${names.slice(0, 3).join(", ")} and ${names.length - 3} more` : names.join(", ");
}

/** The headline's words, without icon or markup (each surface adds its own): the result, then why. `groups`: the report's, when already grouped. */
export function verdictText(report: Report, groups: ProblemGroups = groupProblems(report)): string {
  const failing = groups.services.filter((group) => group.status === "fail" || group.status === "error");
  const count = problemCount(report, groups);
  if (report.result === "pass") {
    const names = report.services.map((service) => service.service).join(", ");
    return `pass, ${names || "the deploy"} meets the manifest`;
  }
  if (report.result === "inconclusive") return "inconclusive, verification ran out of time before the revision proved itself";
  if (
    report.result === "fail" &&
    failing.length > 0 &&
    groups.across.length === 0 &&
    failing.every((group) => group.cause && TEST_SIDE.has(group.cause.id))
  ) {
    return shortCause(failing[0] as ServiceProblems);
  }
  if (report.result === "fail") {
    if (failing.length === 1 && groups.across.length === 0) {
      const only = failing[0] as ServiceProblems;
      return `fail, do not ship ${only.service.service}: ${shortCause(only)}`;
    }
    const names = failing.map((group) => group.service.service);
    return `fail, do not ship: ${plural(count, "problem")}${names.length ? ` in ${names.join(", ")}` : " across services"}`;
  }
  const quoted = quotedFinding(report, groups);
  return `error, the gate could not decide${quoted ? `: ${quoted.message}` : ` (${plural(count, "problem")})`}`;
}

/** The one error an error headline quotes whole: the renderers do not list it again. */
export function quotedFinding(report: Report, grouped?: ProblemGroups): Finding | undefined {
  if (report.result !== "error") return undefined;
  const groups = grouped ?? groupProblems(report);
  const all = [...groups.across, ...groups.services.flatMap((group) => [...(group.cause ? [group.cause] : []), ...group.requirements])];
  return all.length === 1 ? all[0] : undefined;
}
