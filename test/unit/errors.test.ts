// One constructor shape, one code per family (as in jose), and the readers for errors we did not make.
import { describe, expect, it } from "vitest";
import {
  AuthError,
  CandidateError,
  DeadlineError,
  describeError,
  foreignCode,
  foreignStatus,
  GateError,
  GcpError,
  InputError,
  ManifestError,
} from "../../src/errors.js";

describe("error families", () => {
  it.each([
    [InputError, "INPUT_INVALID"],
    [ManifestError, "MANIFEST_INVALID"],
    [CandidateError, "CANDIDATE_INVALID"],
    [AuthError, "AUTH_FAILED"],
    [DeadlineError, "DEADLINE_EXCEEDED"],
    [GateError, "INTERNAL"],
  ] as const)("%o has the fixed code %s and takes (message, { hint, cause })", (Family, code) => {
    const cause = new Error("inner");
    const error = new Family("what went wrong", { hint: "how to fix it", cause });
    expect(error).toBeInstanceOf(GateError);
    expect(error.code).toBe(code);
    expect(error.hint).toBe("how to fix it");
    expect(error.cause).toBe(cause);
    expect(describeError(error)).toBe("what went wrong (how to fix it)");
  });

  it("keeps manifest and candidate errors input errors, and a Google error's code", () => {
    expect(new ManifestError("m")).toBeInstanceOf(InputError);
    expect(new CandidateError("c")).toBeInstanceOf(InputError);
    expect(new GcpError("denied", { code: "GCP_PERMISSION_DENIED" }).code).toBe("GCP_PERMISSION_DENIED");
    expect(new InputError("no hint").hint).toBeUndefined();
  });

  it("reads code and status from foreign errors only when they have the right type", () => {
    expect(foreignCode(Object.assign(new Error("x"), { code: "ENOENT" }))).toBe("ENOENT");
    expect(foreignCode({ code: 42 })).toBeUndefined();
    expect(foreignCode(null)).toBeUndefined();
    expect(foreignCode("ENOENT")).toBeUndefined();
    expect(foreignStatus({ status: 404 })).toBe(404);
    expect(foreignStatus({ status: "404" })).toBeUndefined();
    expect(foreignStatus(undefined)).toBeUndefined();
  });
});
