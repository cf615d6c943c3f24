// The run's deadline (`timeout`): a timer that aborts every pending call, and,
// for a main thread too busy to let a timer fire, the watchdog behind it.
import { setMaxListeners } from "node:events";
import { DeadlineError, describeError, type GateError } from "./errors.js";
import type { Report } from "./model.js";
import type { FailOn } from "./report/verdict.js";
import { type LastWords, startWatchdog, type Watchdog } from "./watchdog.js";

/** Renders a report as the entry point's last words, for a run the watchdog must kill. */
export type RenderLastWords = (report: Report, failOn: FailOn) => LastWords;

/** Publishing (comment, check run: at most 30 s, or timeout if shorter; see publish.ts) plus writing the outputs. */
const publishAllowanceMs = (timeoutSeconds: number) => Math.min(30, timeoutSeconds) * 1000 + 5_000;

export function deadlineError(seconds: number): GateError {
  return new DeadlineError(`the gate did not finish within timeout (${seconds} s)`, {
    hint: "raise timeout, or check which call hangs in the log",
  });
}

/** The whole run is bounded: past the deadline every pending call is aborted and an error report is written. */
export async function withDeadline<T>(seconds: number, body: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  // Every call in flight listens on this one signal (Google's up to max_concurrency, each service's probes)
  // and stops listening when it ends: more than Node's 10 is a fleet, not a leak, so no leak warning.
  setMaxListeners(0, controller.signal);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = deadlineError(seconds);
      // Settle first: an abort listener that never returns must not keep the report from being written.
      reject(error);
      controller.abort(error);
    }, seconds * 1000);
  });
  try {
    return await Promise.race([body(controller.signal), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

export interface RunBackstop {
  /** A service finished: if the process must be killed, its last words show it. */
  serviceDone(finished: Report["services"]): void;
  /** The checks are over: publishing gets its own allowance, plus `extraMs` (annotation batches, see github/check-run.ts). */
  publishing(extraMs?: number): void;
  stop(): void;
}

/**
 * Rendering the last words redacts and serializes every finished service, so a refresh
 * costs more as the fleet grows: one at every finished service was quadratic (200 services
 * spent 2.5 s of a 4 s run on it). A refresh waits until this many times its own cost has
 * passed since the last one, so the last words take at most ~1/(1+N) of the main thread
 * at any fleet size. A run killed in a stall may lack the services of that last wait: the
 * timer of the next refresh cannot fire on a stuck thread. Nothing is redacted less.
 */
const REFRESH_COST_FACTOR = 19;

/** The watchdog of one run, with the deadline report as last words (redacted, as publish would). */
export function startBackstop(
  settings: { timeoutSeconds: number; failOn: FailOn },
  render: RenderLastWords,
  redact: (report: Report) => Report,
  startedAt: Date,
): RunBackstop {
  const lastWords = (finished: Report["services"]) => {
    const error = deadlineError(settings.timeoutSeconds);
    const report: Report = {
      result: "error",
      services: finished,
      checks: [{ id: "error.deadline_exceeded", status: "error", message: describeError(error) }],
      started_at: startedAt.toISOString(),
      duration_ms: Date.now() - startedAt.getTime(),
    };
    return render(redact(report), settings.failOn);
  };
  const watchdog: Watchdog = startWatchdog(settings.timeoutSeconds * 1000, lastWords([]));
  let pending: Report["services"] | undefined;
  let timer: NodeJS.Timeout | undefined;
  let nextAt = 0;
  let stopped = false;
  const refresh = () => {
    clearTimeout(timer);
    timer = undefined;
    if (!pending) return;
    const started = performance.now();
    // A copy: the caller keeps pushing to its list, and the last words show the services as of now.
    watchdog.update(lastWords([...pending]));
    pending = undefined;
    const now = performance.now();
    nextAt = now + (now - started) * REFRESH_COST_FACTOR;
  };
  return {
    serviceDone: (finished) => {
      // A body the deadline left running can still finish services: the run's words are already out.
      if (stopped) return;
      pending = finished;
      if (timer) return;
      const wait = nextAt - performance.now();
      if (wait <= 0) refresh();
      else timer = setTimeout(refresh, wait);
    },
    publishing: (extraMs = 0) => {
      // The checks are over: the last words show every service before publishing can stall.
      refresh();
      watchdog.publishing(publishAllowanceMs(settings.timeoutSeconds) + extraMs);
    },
    stop: () => {
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
      pending = undefined;
      watchdog.stop();
    },
  };
}
