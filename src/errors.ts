// Errors the gate raises when it cannot decide. Each has a stable `code` users
// can match on and a message that says what was wrong, where, and how to fix it.
// Only run() turns them into a failed step.

export type GateErrorCode =
  | "INPUT_INVALID"
  | "MANIFEST_INVALID"
  | "CANDIDATE_INVALID"
  | "AUTH_FAILED"
  | "GCP_NOT_FOUND"
  | "GCP_PERMISSION_DENIED"
  | "GCP_UNAVAILABLE"
  | "GITHUB_FAILED"
  | "DEADLINE_EXCEEDED"
  | "INTERNAL";

export class GateError extends Error {
  readonly code: GateErrorCode;
  readonly hint: string | undefined;
  constructor(code: GateErrorCode, message: string, options?: { hint?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "GateError";
    this.code = code;
    this.hint = options?.hint;
  }
}

/** Bad action input or manifest: the user must change a file or a `with:` value. */
export class InputError extends GateError {
  constructor(message: string, hint?: string, code: GateErrorCode = "INPUT_INVALID") {
    super(code, message, hint === undefined ? undefined : { hint });
    this.name = "InputError";
  }
}

/**
 * A message safe to print for any thrown value: never a stack, never a response body.
 * Only our own errors carry their message: anyone else's may quote what it choked on
 * (JSON.parse echoes its input, gaxios its response body, Node "Received …" the argument,
 * jose the token), and that can be a secret.
 */
export function describeError(error: unknown): string {
  if (error instanceof GateError) return error.hint ? `${oneLine(error.message)} (${oneLine(error.hint)})` : oneLine(error.message);
  if (error instanceof Error && error.name === "AbortError") return "the operation was aborted (deadline reached)";
  if (error instanceof Error && error.name === "TimeoutError") return "the operation timed out";
  if (error instanceof Error) {
    const name = /^[A-Za-z]{1,40}$/.test(error.name) ? error.name : "Error";
    const rawCode = (error as { code?: unknown }).code;
    const code = typeof rawCode === "string" && /^[A-Z][A-Z0-9_]{1,40}$/.test(rawCode) ? ` ${rawCode}` : "";
    return `unexpected ${name}${code} (details withheld: they may quote a secret or a server's answer)`;
  }
  return "unknown error";
}

/** Our messages quote names from untrusted places; one line each, so a log line cannot become two. */
function oneLine(text: string): string {
  return text.replace(/[\r\n\u2028\u2029]+/g, " ");
}
