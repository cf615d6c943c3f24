// Reads the log facts a service's `logs:` requirement needs: the revision's
// ERROR entries, and (only when there are deny patterns) the lines below
// ERROR too, both at once. A failed read is a fact (the check decides what
// it means), except the run's own deadline, which ends the run.
import { describeError } from "../errors.js";
import type { CloudLogging } from "../gcp/logging.js";
import type { ServiceRequirement } from "../manifest/load.js";
import type { LogFacts, RevisionConfig } from "../model.js";
import { shortName } from "../resource-name.js";

export async function readLogFacts(
  logging: CloudLogging | undefined,
  config: RevisionConfig,
  requirement: Pick<ServiceRequirement, "logs">,
  signal: AbortSignal,
): Promise<LogFacts | undefined> {
  const logs = requirement.logs;
  if (!logs || !logging) return undefined;
  if (config.source === "candidate") return { kind: "not_deployed" };
  const query = {
    project: config.project,
    service: config.service,
    revision: shortName(config.revision),
    since: config.createTime,
  };
  try {
    const [errors, belowError] = await Promise.all([
      logging.read(query, "error", signal),
      logs.deny.length > 0 ? logging.read(query, "below-error", signal) : undefined,
    ]);
    if (errors === "denied" || belowError === "denied") return { kind: "denied" };
    return { kind: "read", errors, belowError };
  } catch (error) {
    if (signal.aborted) throw error;
    return { kind: "failed", reason: describeError(error) };
  }
}
