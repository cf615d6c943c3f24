// Waiting, the one way the gate does it: every wait ends when the run's
// deadline strikes, and a server's Retry-After is read by one parser with a
// cap chosen by the caller (a probe may wait longer than a Google retry).

/** Retry-After (delta-seconds or an HTTP date), in ms, clamped to [0, capMs]; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null | undefined, capMs: number, now = Date.now()): number | undefined {
  if (typeof header !== "string" || header.trim() === "") return undefined;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - now;
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), capMs) : undefined;
}

/** Resolves after `ms`; rejects with the signal's reason as soon as it aborts (at once if it already has). */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
