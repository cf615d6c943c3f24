// The pure parts of acting on the verdict: the inputs that ask for it, and how
// a promotion splits the traffic.
import { describe, expect, it } from "vitest";
import { promoted } from "../../src/gcp/traffic.js";
import { parseInputs } from "../../src/inputs.js";

const inputs = (values: Record<string, string>) => parseInputs((name) => values[name] ?? "", {});

describe("on_pass / on_fail / promote_percent inputs", () => {
  it("default to no action and 100%", () => {
    expect(inputs({})).toMatchObject({ onPass: "none", onFail: "none", promotePercent: 100 });
    expect(inputs({ on_pass: "promote", on_fail: "rollback", promote_percent: "25" })).toMatchObject({
      onPass: "promote",
      onFail: "rollback",
      promotePercent: 25,
    });
  });

  it.each([
    [{ on_pass: "yes" }, "on_pass must be one of none, promote"],
    [{ on_fail: "revert" }, "on_fail must be one of none, rollback"],
    [{ promote_percent: "0" }, "promote_percent must be a whole number from 1 to 100"],
    [{ promote_percent: "101" }, "promote_percent must be a whole number from 1 to 100"],
    [{ promote_percent: "12.5" }, "promote_percent must be a whole number from 1 to 100"],
    [{ mode: "candidate", on_pass: "promote" }, "mode candidate checks none"],
    [{ mode: "aggregate", reports: "reports", on_fail: "rollback" }, "mode aggregate checks none"],
  ])("%j is refused", (values, message) => {
    expect(() => inputs(values)).toThrow(message);
  });
});

describe("promoted()", () => {
  it.each([
    [{ a: 100 }, "b", 100, { b: 100 }],
    [{ a: 100, b: 0 }, "b", 10, { b: 10, a: 90 }],
    [{ a: 50, c: 50 }, "b", 33, { b: 33, a: 34, c: 33 }],
    [{ a: 70, b: 30 }, "b", 50, { b: 50, a: 50 }],
    [{}, "b", 20, { b: 100 }],
  ])("%j, %s to %i%%", (current, revision, percent, expected) => {
    const shares = promoted(new Map(Object.entries(current)), revision, percent);
    expect(Object.fromEntries(shares)).toEqual(expected);
    expect([...shares.values()].reduce((sum, share) => sum + share, 0)).toBe(100);
  });
});
