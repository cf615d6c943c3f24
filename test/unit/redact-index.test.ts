// With more than a handful of secrets the redactor looks only for the forms
// whose first characters occur in the text (an index, for speed). That must
// never change what is redacted: the result is the same as searching for every
// form of every secret, longest first, including when characters share an index
// key (they differ only above their tenth bit) and around replaced `***`.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { settleCuts } from "../../src/cut.js";
import { REDACTED, redactor, secretForms } from "../../src/redact.js";

/** The redactor without an index: every form, longest first, searched for in every text. */
function everyForm(values: string[]): (text: string) => string {
  const seen = new Set<string>();
  const forms = new Set<string>();
  for (const value of values) {
    const trimmed = value.trim();
    if (trimmed.length < 4 || seen.has(trimmed)) continue;
    seen.add(trimmed);
    for (const form of secretForms(trimmed)) forms.add(form);
  }
  const sorted = [...forms].sort((a, b) => b.length - a.length);
  return (text) => {
    let result = text;
    for (const form of sorted) if (result.includes(form)) result = result.split(form).join(REDACTED);
    return settleCuts(result, sorted);
  };
}

// `a`, U+0461 and U+0861 share their low ten bits, as do `b`, U+0462 and U+0862: one index key.
const alphabet = fc.constantFrom("a", "\u0461", "\u0861", "b", "\u0462", "\u0862", "c", "*", " ", "%", "+", "/", "=", "\n", "é", "😀", "x");
const value = fc.array(alphabet, { minLength: 3, maxLength: 14 }).map((chars) => chars.join(""));

describe("the redactor's index of forms", () => {
  it("redacts exactly what a search for every form redacts, whatever the secrets and the text", () => {
    fc.assert(
      fc.property(
        fc.array(value, { minLength: 3, maxLength: 30 }),
        fc.array(fc.oneof(alphabet, fc.nat()), { maxLength: 40 }),
        (values, parts) => {
          const secrets = redactor();
          for (const item of values) secrets.add(item);
          // Text made of the secrets (whole, encoded, cut) and of characters that collide with them.
          const forms = values.flatMap((item) => (item.trim().length >= 4 ? secretForms(item.trim()) : [item]));
          const text = parts
            .map((part) => (typeof part === "number" ? (forms[part % Math.max(forms.length, 1)] ?? "").slice(part % 3) : part))
            .join("");
          expect(secrets.redact(text)).toBe(everyForm(values)(text));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("finds a value whose first characters share an index key with another's", () => {
    const secrets = redactor();
    const values = Array.from({ length: 40 }, (_, index) => `\u0461\u0462c-secret-${index}-value`);
    for (const item of values) secrets.add(item);
    secrets.add("abc-other-secret");
    expect(secrets.redact("x abc-other-secret y")).toBe(`x ${REDACTED} y`);
    expect(secrets.redact(`x ${values[7]} y`)).toBe(`x ${REDACTED} y`);
  });
});
