// redactReport shares what redaction leaves unchanged instead of copying the
// whole report: the result must still be exactly a redacted copy (every string
// redacted, keys and order kept, an own `__proto__` key kept as a key), and the
// report it was given must never change.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Report } from "../../src/model.js";
import { redactReport } from "../../src/publish.js";
import { REDACTED, redactor } from "../../src/redact.js";

/** The plain deep copy it replaced: every string redacted, every object and array new. */
function copyAndRedact(value: unknown, redact: (text: string) => string): unknown {
  if (typeof value === "string") return redact(value);
  if (Array.isArray(value)) return value.map((item) => copyAndRedact(item, redact));
  if (value && typeof value === "object") {
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const inner = copyAndRedact((value as Record<string, unknown>)[key], redact);
      Object.defineProperty(copy, key, { value: inner, enumerable: true, writable: true, configurable: true });
    }
    return copy;
  }
  return value;
}

const SECRET = "s3cr3t-value-123";
const text = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom(SECRET, `x${SECRET}y`, "__proto__", "plain"));
const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    text,
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.string({ maxLength: 6 }), fc.constant("__proto__")), tie("value"), { maxKeys: 4 }),
  ),
})).value;

describe("redactReport", () => {
  it("gives exactly a redacted copy, and leaves the report it was given as it was", () => {
    const secrets = redactor();
    secrets.add(SECRET);
    fc.assert(
      fc.property(json, (generated) => {
        // Through JSON, as a report is: an own __proto__ key stays a key.
        const input = JSON.parse(JSON.stringify({ services: [generated], checks: [generated] })) as Report;
        const before = JSON.stringify(input);
        const redacted = redactReport(input, secrets.redact);
        expect(JSON.stringify(redacted)).toBe(JSON.stringify(copyAndRedact(input, secrets.redact)));
        expect(JSON.stringify(redacted)).not.toContain(SECRET);
        expect(Object.getPrototypeOf(redacted.services)).toBe(Array.prototype);
        expect(JSON.stringify(input)).toBe(before);
      }),
      { numRuns: 1000 },
    );
  });

  it("copies only the path to a redacted string; an own __proto__ key stays a key, not the prototype", () => {
    const secrets = redactor();
    secrets.add(SECRET);
    const input = JSON.parse(
      `{"result":"pass","services":[{"service":"a","checks":[{"id":"x","status":"pass","message":"${SECRET}"}]},{"service":"b","checks":[]}],"__proto__":{"polluted":"${SECRET}"},"started_at":"t","duration_ms":1}`,
    ) as Report;
    const redacted = redactReport(input, secrets.redact);
    expect(redacted.services[0]?.checks[0]?.message).toBe(REDACTED);
    expect(input.services[0]?.checks[0]?.message).toBe(SECRET);
    expect(redacted.services[1]).toBe(input.services[1]);
    expect(Object.getPrototypeOf(redacted)).toBe(Object.prototype);
    expect(Object.keys(redacted)).toEqual(Object.keys(input));
    expect(Object.getOwnPropertyDescriptor(redacted, "__proto__")?.value).toEqual({ polluted: REDACTED });
    const untouched = JSON.parse('{"result":"pass","services":[],"started_at":"t","duration_ms":1}') as Report;
    expect(redactReport(untouched, secrets.redact)).toBe(untouched);
  });
});
