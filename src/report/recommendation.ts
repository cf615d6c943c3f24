// The `recommendation` output: what a pipeline should do with the checked
// revision. A pass promotes; a fail rolls back only a revision that already
// takes traffic (one behind a --no-traffic tag hurts nobody: hold it); a gate
// that could not decide never recommends a move.
import type { Recommendation, Report } from "../model.js";
import { type FailOn, verdict } from "./verdict.js";

export function recommend(report: Pick<Report, "result" | "services">, failOn: FailOn): Recommendation {
  if (report.result === "pass") return "promote";
  if (report.result !== "fail") return "hold";
  // Only a service that itself fails counts: a consistency group failing across services says no
  // single revision is the bad one, so nothing is rolled back on its account.
  const servingAndFailing = report.services.some(
    (service) => (service.traffic_percent ?? 0) > 0 && verdict(service.checks, failOn) === "fail",
  );
  return servingAndFailing ? "rollback" : "hold";
}
