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

/** Every error class takes `(message, { hint?, cause? })`; the class fixes the code (as in jose). */
export interface GateErrorOptions {
  /** How to fix it, in the user's words. */
  hint?: string | undefined;
  cause?: unknown;
}

/** The base of the gate's errors; thrown as itself only for what no family covers (`INTERNAL`). */
export class GateError extends Error {
  readonly code: GateErrorCode;
  readonly hint: string | undefined;
  constructor(message: string, options: GateErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "GateError";
    this.code = "INTERNAL";
    this.hint = options.hint;
  }
}

/** Bad action input: the user must change a `with:` value. Manifest and candidate errors are input errors too. */
export class InputError extends GateError {
  override readonly code: "INPUT_INVALID" | "MANIFEST_INVALID" | "CANDIDATE_INVALID" = "INPUT_INVALID";
  constructor(message: string, options?: GateErrorOptions) {
    super(message, options);
    this.name = "InputError";
  }
}

/** The manifest (.github/deploy-gate.yml) cannot be read or says something the gate cannot use. */
export class ManifestError extends InputError {
  override readonly code = "MANIFEST_INVALID";
}

/** The candidate (service YAML, env_vars, secrets, flags) is not what gcloud or deploy-cloudrun would accept. */
export class CandidateError extends InputError {
  override readonly code = "CANDIDATE_INVALID";
}

/** No usable Google credentials: a missing or bad key file, a refused token exchange. */
export class AuthError extends GateError {
  override readonly code = "AUTH_FAILED";
  constructor(message: string, options?: GateErrorOptions) {
    super(message, options);
    this.name = "AuthError";
  }
}

/** The run's deadline (the timeout input) struck before the gate could decide. */
export class DeadlineError extends GateError {
  override readonly code = "DEADLINE_EXCEEDED";
  constructor(message: string, options?: GateErrorOptions) {
    super(message, options);
    this.name = "DeadlineError";
  }
}

export type GcpErrorCode = "GCP_NOT_FOUND" | "GCP_PERMISSION_DENIED" | "GCP_UNAVAILABLE";

/** A Google API answered no, or not in a way the gate can use. The code says which: not found, denied, or unavailable. */
export class GcpError extends GateError {
  override readonly code: GcpErrorCode;
  constructor(message: string, options: GateErrorOptions & { code: GcpErrorCode }) {
    super(message, options);
    this.name = "GcpError";
    this.code = options.code;
  }
}

/** Reads `code` from a thrown value we did not make (Node's ENOENT, gaxios's ECONNRESET): a string, or undefined. */
export function foreignCode(error: unknown): string | undefined {
  const code = error !== null && typeof error === "object" ? (error as { code?: unknown }).code : undefined;
  return typeof code === "string" ? code : undefined;
}

/** Reads an HTTP `status` from a thrown value we did not make (an Octokit RequestError, a gaxios error): a number, or undefined. */
export function foreignStatus(error: unknown): number | undefined {
  const status = error !== null && typeof error === "object" ? (error as { status?: unknown }).status : undefined;
  return typeof status === "number" ? status : undefined;
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
    const rawCode = foreignCode(error);
    const code = rawCode !== undefined && /^[A-Z][A-Z0-9_]{1,40}$/.test(rawCode) ? ` ${rawCode}` : "";
    return `unexpected ${name}${code} (details withheld: they may quote a secret or a server's answer)`;
  }
  return "unknown error";
}

/** Our messages quote names from untrusted places; one line each, so a log line cannot become two. */
function oneLine(text: string): string {
  return text.replace(/[\r\n\u2028\u2029]+/g, " ");
}
