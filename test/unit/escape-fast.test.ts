// escapeMarkdown skips the work where there is nothing to escape (a word with no
// special character and only in-word underscores; words split without a regex).
// Its output must stay exactly what the plain rule gives: this is that rule,
// written out, checked against it on text built to hit every edge.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { codeSpan, escapeMarkdown } from "../../src/report/escape.js";

const INVISIBLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const LINKABLE = /[a-z][a-z0-9+.-]*:\/\/|\bwww\.|\b(mailto|xmpp):|@|#\d|\bGH-\d/i;

/** Every special character as an entity, but `_` between two letters or digits; a linking word in a code span. */
function plainRule(text: string): string {
  const line = text.replace(INVISIBLE, "").replace(/[\r\n\t]+/g, " ");
  const intraword = (whole: string, at: number) => /^[\p{L}\p{N}]$/u.test(whole.charAt(at));
  const escapeWord = (word: string) =>
    word.replace(/[\\`*_{}[\]<>&|~#$]/g, (char, offset: number, whole: string) =>
      char === "_" && intraword(whole, offset - 1) && intraword(whole, offset + 1) ? "_" : `&#${char.charCodeAt(0)};`,
    );
  if (!LINKABLE.test(line)) return escapeWord(line);
  return line.replace(/[^ ]+/g, (word) => (LINKABLE.test(word) ? codeSpan(word) : escapeWord(word)));
}

const piece = fc.constantFrom(
  ...["SECRET_KEY", "_x_", "a_b", "_", "__", "a_", "_a", "é_ü", "日本_語", "x_1", "1_x", "a_-b", "💥_x", "x_💥"],
  ...["https://x.y/z", "www.example.com", "a@b.c", "@team", "#12", "GH-7", "mailto:q", "xmpp:r", "FTP://", "Www.A"],
  ...["`tick`", "``", "*", "|", "<b>", "&amp;", "\\", "{", "]", "~", "$", "#"],
  ...["\t", "\n", "\r\n", "  ", " ", "\u202e", "\u0007", "\u200b", "\u00a0", "word", "x", "-", "svc-000-secret-0:latest"],
);
const text = fc.oneof(
  fc
    .array(piece, { maxLength: 10 })
    .chain((parts) =>
      fc
        .array(fc.constantFrom("", " ", "  "), { minLength: parts.length, maxLength: parts.length })
        .map((gaps) => parts.map((part, index) => part + gaps[index]).join("")),
    ),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 20 }),
);

describe("escapeMarkdown", () => {
  it("gives exactly what the plain rule gives, on any text", () => {
    fc.assert(
      fc.property(text, (input) => {
        expect(escapeMarkdown(input)).toBe(plainRule(input));
      }),
      { numRuns: 5000 },
    );
  });

  it("leaves a word with only in-word underscores as it is, and escapes one at a word's edge", () => {
    expect(escapeMarkdown("SECRET_0 references svc-000-secret-0:latest")).toBe("SECRET_0 references svc-000-secret-0:latest");
    expect(escapeMarkdown("_x a@b.c y_")).toBe("&#95;x `a@b.c` y&#95;");
    expect(escapeMarkdown("a  b@c.d   e_f")).toBe("a  `b@c.d`   e_f");
  });
});
