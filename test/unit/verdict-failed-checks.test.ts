// failed_checks names what kept the run from passing: an inconclusive
// verification is a warn finding, yet it fails the step, so it is listed.
import { describe, expect, it } from "vitest";
import type { Finding } from "../../src/model.js";
import { failedChecks } from "../../src/report/verdict.js";

const finding = (id: string, status: Finding["status"]): Finding => ({ id, status, message: id });

describe("failedChecks", () => {
  it("lists verify.inconclusive (a warn) under fail_on: error, and only once", () => {
    const findings = [finding("health.status", "pass"), finding("verify.inconclusive", "warn"), finding("verify.inconclusive", "warn")];
    expect(failedChecks(findings, "error")).toEqual(["verify.inconclusive"]);
    expect(failedChecks(findings, "warning")).toEqual(["verify.inconclusive"]);
  });

  it("leaves other warnings out under fail_on: error, and keeps failures and errors", () => {
    const findings = [finding("secret.rotated", "warn"), finding("secret.missing", "fail"), finding("logs.errors", "error")];
    expect(failedChecks(findings, "error")).toEqual(["secret.missing", "logs.errors"]);
    expect(failedChecks(findings, "warning")).toEqual(["secret.rotated", "secret.missing", "logs.errors"]);
  });
});
