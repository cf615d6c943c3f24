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

/** A message safe to print for any thrown value: never a stack, never a response body. */
export function describeError(error: unknown): string {
  if (error instanceof GateError) return error.hint ? `${error.message} (${error.hint})` : error.message;
  if (error instanceof Error && error.name === "AbortError") return "the operation was aborted (deadline reached)";
  if (error instanceof Error) return `${error.name}: ${firstLine(error.message)}`;
  return "unknown error";
}

function firstLine(text: string): string {
  const line = text.split(/\r?\n/, 1)[0] ?? "";
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}
