// Redaction at fleet scale: a 500-service job masks thousands of secret values
// (each in ~10 spellings), then redacts every string of its report, every log
// line and the whole summary. That must stay linear in the text, not text ×
// secrets: a quadratic pass kept a 500-service run busy past its publish allowance.
import { describe, expect, it } from "vitest";
import { REDACTED, redactor } from "../../src/redact.js";

describe("redaction with 2,000 secrets", () => {
  const secrets = redactor();
  const values = Array.from({ length: 2000 }, (_, index) => `value-of-svc-${String(index).padStart(3, "0")}-secret-`.padEnd(40, "x"));
  for (const value of values) secrets.add(value);

  it("still finds every value, and ones next to each other", () => {
    expect(secrets.redact(`a ${values[1999]} b ${values[0]}${values[7]} c`)).toBe(`a ${REDACTED} b ${REDACTED}${REDACTED} c`);
    expect(secrets.redact(encodeURIComponent(`x=${values[3]}`))).toBe(`x%3D${REDACTED}`);
    expect(secrets.redact("nothing secret here")).toBe("nothing secret here");
  });

  it("costs about the same with 2,000 secrets as with 20: linear in the text, not text × secrets", () => {
    const few = redactor();
    for (const value of values.slice(0, 20)) few.add(value);
    const strings = Array.from({ length: 20_000 }, (_, index) => `svc-${index}: SECRET_${index % 10} comes from a secret that exists`);
    const summary = `${strings.join("\n")}\n`.repeat(3);
    const cpu = (redact: (text: string) => string) => {
      const started = process.cpuUsage();
      for (const text of strings) redact(text);
      redact(summary);
      const { user, system } = process.cpuUsage(started);
      return user + system;
    };
    cpu(few.redact); // warm up
    const base = Math.max(cpu(few.redact), 20_000);
    const many = cpu(secrets.redact);
    // A ratio, so a loaded machine slows both sides alike; text × secrets was ~100×.
    expect(many / base).toBeLessThan(8);
  });
});
