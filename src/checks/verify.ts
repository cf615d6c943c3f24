// Verification over time, judged: the rounds' outcomes against the manifest's
// `verify:` (Argo Rollouts / Flagger vocabulary). `fail` once failure_limit
// rounds failed; `pass` when the last consecutive_successes rounds passed;
// otherwise `inconclusive`: the duration ran out before the revision proved itself.
import type { VerifyRequirement } from "../manifest/schema.js";
import type { Finding, SourceLocation, VerifyRound } from "../model.js";

export function durationMs(value: string | number): number {
  if (typeof value === "number") return Math.round(value * 1000);
  const match = /^(?:([0-9]+)h)?(?:([0-9]+)m(?!s))?(?:([0-9]+)s)?(?:([0-9]+)ms)?$/.exec(value);
  const [, h = "0", m = "0", s = "0", ms = "0"] = match ?? [];
  return ((Number(h) * 60 + Number(m)) * 60 + Number(s)) * 1000 + Number(ms);
}

/** What the rounds loop needs, in milliseconds. */
export function verifyPlan(verify: VerifyRequirement) {
  return {
    durationMs: durationMs(verify.duration),
    intervalMs: Math.max(1000, durationMs(verify.interval)),
    initialDelayMs: durationMs(verify.initial_delay),
    consecutiveSuccesses: verify.consecutive_successes,
    failureLimit: verify.failure_limit,
  };
}

/** Whether the loop may stop early: only a reached failure_limit ends it before the duration. */
export function failuresReached(rounds: readonly VerifyRound[], verify: VerifyRequirement): boolean {
  return rounds.filter((round) => !round.ok).length >= verify.failure_limit;
}

export function judgeRounds(rounds: VerifyRound[], verify: VerifyRequirement & { location?: SourceLocation }, service: string): Finding {
  const failures = rounds.filter((round) => !round.ok);
  let streak = 0;
  for (let index = rounds.length - 1; index >= 0 && rounds[index]?.ok; index--) streak++;
  const line = rounds.map((round) => (round.ok ? "✓" : "✗")).join("");
  const base = { ...(verify.location ? { location: verify.location } : {}), rounds, subject: service };
  if (failures.length >= verify.failure_limit) {
    const at = failures[verify.failure_limit - 1];
    const index = at ? rounds.indexOf(at) + 1 : rounds.length;
    return {
      ...base,
      id: "verify.failed",
      status: "fail",
      message: `${service} failed verification at round ${index} of ${rounds.length} (${line}): ${failures.length} failed round${failures.length === 1 ? "" : "s"} reached failure_limit ${verify.failure_limit}${at?.failed?.length ? `; failing: ${at.failed.join(", ")}` : ""}`,
      hint: "the revision degraded after it first passed: read the round's findings and its logs; keep the previous revision serving",
    };
  }
  if (streak >= verify.consecutive_successes) {
    return { ...base, id: "verify.passed", status: "pass", message: `${service} passed ${rounds.length} verification rounds (${line})` };
  }
  return {
    ...base,
    id: "verify.inconclusive",
    status: "warn",
    message: `${service}: verification ran out of time after ${rounds.length} round${rounds.length === 1 ? "" : "s"} (${line}) with ${streak} consecutive success${streak === 1 ? "" : "es"} of ${verify.consecutive_successes} needed`,
    hint: "raise verify.duration, or lower verify.interval or consecutive_successes",
  };
}
