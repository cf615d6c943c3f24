// The CLI's exit code and the action's failed step are one decision: exitCodeFor splits shouldFailJob's "fail" into 1 and 2.
import { describe, expect, it } from "vitest";
import { exitCodeFor, shouldFailJob } from "../../src/report/verdict.js";

describe("exitCodeFor", () => {
  it.each([
    ["pass", "error", 0],
    ["pass", "never", 0],
    ["fail", "error", 1],
    ["fail", "warning", 1],
    ["fail", "never", 0],
    ["inconclusive", "error", 1],
    ["inconclusive", "never", 0],
    ["error", "error", 2],
    ["error", "never", 2],
  ] as const)("%s with fail_on %s exits %i", (result, failOn, code) => {
    expect(exitCodeFor(result, failOn)).toBe(code);
    expect(shouldFailJob(result, failOn)).toBe(code !== 0);
  });
});
