// The backstop behind the run's deadline. `withDeadline` is a timer: it cannot
// fire while the main thread is busy (a parse, a regex, a loop in a
// dependency). This watchdog lives on a worker thread, which keeps running.
// If the run has not reached its next stage in time (the checks by the
// deadline, publishing by its allowance), the worker writes the last words it
// was given (result=error to GITHUB_OUTPUT, the error line) and ends the
// process: with the entry point's exit code through the inspector (an
// in-process session, no port: Runtime.evaluate runs between two steps of the
// busy JavaScript), else SIGKILL. Stopping the main thread's JavaScript
// instead (Runtime.terminateExecution) and letting it report was tried: Node
// aborts on the async-hook stack it leaves behind.
// Once the run is over the worker is unreferenced: it never holds a healthy
// process, and still ends one stuck on its way out.
import { closeSync } from "node:fs";
import { Worker } from "node:worker_threads";

/** What to leave behind if the process has to be killed: rendered by the entry point (action or CLI). */
export interface LastWords {
  /** Appended to each file (the action's GITHUB_OUTPUT). */
  files: { path: string; text: string }[];
  stdout: string;
  stderr: string;
  /** Undefined: the exit code the process has set itself. */
  exitCode?: number;
}

export interface Watchdog {
  /** New last words (a service finished: the report shows it). */
  update(lastWords: LastWords): void;
  /** The checks are over (done or cut by the deadline); publishing has `ms` left before the kill. */
  publishing(ms: number): void;
  stop(): void;
}

/** How late the deadline timer may be before the main thread counts as stuck. */
const STUCK_AFTER_MS = 2_000;
/** After the run is over, how long the process has to exit by itself. */
const EXIT_ALLOWANCE_MS = 5_000;
/** If the inspector cannot end the process, SIGKILL does after this long. */
const KILL_AFTER_MS = 1_000;

// Plain CommonJS run by the worker: nothing of the bundle is loaded, so it starts in a few milliseconds.
const WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
const fs = require("node:fs");
let lastWords = workerData.lastWords;
let timer = setTimeout(end, workerData.endAfterMs);
parentPort.on("message", (message) => {
  if (message.lastWords) lastWords = message.lastWords;
  if (message.endAfterMs !== undefined) {
    clearTimeout(timer);
    timer = setTimeout(end, message.endAfterMs);
  }
});
function end() {
  for (const file of lastWords.files) {
    try { fs.appendFileSync(file.path, file.text); } catch {}
  }
  try { if (lastWords.stdout) fs.writeSync(1, lastWords.stdout); } catch {}
  try { if (lastWords.stderr) fs.writeSync(2, lastWords.stderr); } catch {}
  setTimeout(() => process.kill(process.pid, "SIGKILL"), workerData.killAfterMs);
  try {
    const session = new (require("node:inspector").Session)();
    session.connectToMainThread();
    const code = lastWords.exitCode === undefined ? "undefined" : String(Number(lastWords.exitCode));
    session.post("Runtime.evaluate", { expression: "globalThis[Symbol.for(" + JSON.stringify(workerData.exitHook) + ")](" + code + ")" });
  } catch {}
}
`;

/** What the worker calls on the main thread, between two steps of whatever keeps it busy. */
const EXIT_HOOK = "cloud-run-deploy-gate.watchdog-exit";
const hooks = globalThis as unknown as Record<symbol, ((code: number | undefined) => void) | undefined>;

/** `code` undefined: the process's own exitCode, as a normal exit would have. */
function exitNow(code: number | undefined): void {
  // The last words are out. Node would add "Waiting for the debugger to disconnect..." (the worker's session) to stderr.
  try {
    closeSync(2);
  } catch {
    // Already closed: nothing to silence.
  }
  // process.exit(undefined) would reset exitCode to 0: no argument keeps the process's own.
  if (code === undefined) process.exit();
  process.exit(code);
}

/** Starts the watchdog for a run whose checks must end within `deadlineMs` from now. */
export function startWatchdog(deadlineMs: number, lastWords: LastWords): Watchdog {
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: { endAfterMs: deadlineMs + STUCK_AFTER_MS, killAfterMs: KILL_AFTER_MS, lastWords, exitHook: EXIT_HOOK },
    stdout: true,
    stderr: true,
  });
  // Referenced on purpose until stop(): a run stuck on a promise nothing settles must still end
  // with its last words, not exit 0 in silence when its event loop runs dry.
  worker.on("error", () => undefined);
  hooks[Symbol.for(EXIT_HOOK)] = exitNow;
  return {
    update: (next) => worker.postMessage({ lastWords: next }),
    publishing: (ms) => worker.postMessage({ endAfterMs: ms }),
    stop: () => {
      // The outputs are written. A healthy process exits within a second (the worker, unreferenced, goes with it);
      // one stuck on its way out exits anyway, with the code it has set.
      worker.postMessage({ lastWords: { files: [], stdout: "", stderr: "" }, endAfterMs: EXIT_ALLOWANCE_MS });
      worker.unref();
    },
  };
}
