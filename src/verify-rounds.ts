// Verification over time: after the first probes, repeat a round (health,
// WebSocket with its negative probes, new log entries) every `interval` for
// `duration`, stopping early only when failure_limit is reached. The waits
// end at the run's deadline; the rounds cost almost nothing beyond them.
import { failuresReached, judgeRounds, verifyPlan } from "./checks/verify.js";
import { ManifestError } from "./errors.js";
import type { Located, ServiceRequirement } from "./manifest/load.js";
import type { VerifyRequirement } from "./manifest/schema.js";
import type { Finding, VerifyRound } from "./model.js";
import { sleep } from "./wait.js";

/** Room left after the longest verification for the first probes, the report and publishing. */
const MARGIN_MS = 15_000;

/** A verification that cannot fit the run's timeout is refused before anything is asked. */
export function assertVerifyFits(services: readonly ServiceRequirement[], timeoutSeconds: number): void {
  for (const service of services) {
    if (!service.verify) continue;
    const plan = verifyPlan(service.verify);
    const needed = plan.initialDelayMs + plan.durationMs + MARGIN_MS;
    if (needed > timeoutSeconds * 1000) {
      const where = service.verify.location.line
        ? `${service.verify.location.file}:${service.verify.location.line}`
        : service.verify.location.file;
      throw new ManifestError(
        `${where}: services.${service.name}.verify needs ${Math.ceil(needed / 1000)} s (initial_delay + duration + ${MARGIN_MS / 1000} s for the probes and the report), more than timeout (${timeoutSeconds} s)`,
        { hint: `raise timeout to at least ${Math.ceil(needed / 1000)}, or shorten verify.duration` },
      );
    }
  }
}

export interface Clock {
  now(): number;
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep,
};

export async function verifyOverTime(
  verify: Located<VerifyRequirement>,
  service: string,
  round: () => Promise<Finding[]>,
  signal: AbortSignal,
  clock: Clock = realClock,
): Promise<Finding> {
  const plan = verifyPlan(verify);
  if (plan.initialDelayMs > 0) await clock.sleep(plan.initialDelayMs, signal);
  const start = clock.now();
  const rounds: VerifyRound[] = [];
  for (let next = start; ; next += plan.intervalMs) {
    const wait = next - clock.now();
    if (wait > 0) await clock.sleep(wait, signal);
    const findings = await round();
    rounds.push(summarize(findings, clock.now() - start));
    if (failuresReached(rounds, verify)) break;
    // Rounds keep to their schedule (a slow round does not push the next ones later) and end with the duration.
    if (next + plan.intervalMs - start > plan.durationMs || rounds.length >= 1000) break;
  }
  return judgeRounds(rounds, verify, service);
}

function summarize(findings: Finding[], atMs: number): VerifyRound {
  const failed = findings.filter((finding) => finding.status === "fail" || finding.status === "error").map((finding) => finding.id);
  const health = findings.find((finding) => finding.id === "health.status" || finding.id === "health.unreachable");
  const websocket = findings.find((finding) => /^ws\.(connected|rejected|closed|timeout)$/.test(finding.id));
  const logs = findings.find((finding) => finding.id === "logs.errors");
  return {
    at_ms: atMs,
    ok: failed.length === 0,
    ...(health
      ? {
          health:
            health.id === "health.unreachable"
              ? "unreachable"
              : (health.found ?? /HTTP ([0-9]{3})/.exec(health.message)?.[1] ?? health.status),
        }
      : {}),
    ...(health?.duration_ms !== undefined ? { health_ms: health.duration_ms } : {}),
    ...(websocket ? { websocket: websocket.id } : {}),
    ...(logs ? { new_errors: logs.count ?? 0 } : {}),
    ...(failed.length ? { failed: [...new Set(failed)] } : {}),
  };
}
