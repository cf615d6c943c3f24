// The redactor against the spellings and parts of a secret a backend or a
// diagnostic gives back, and against garbling ordinary text while doing so.
import { describe, expect, it } from "vitest";
import { redactor, secretForms } from "../../src/redact.js";

const RANDOM = "QZXVw8Lr2mTq9sKp4dYh7nBf3cJg6xVe1aMu5tRz0kWo";

describe("a random-looking secret's start and end (incident 3's 'first 10 characters')", () => {
  const secrets = redactor();
  secrets.add(RANDOM);

  it.each([
    [`prefix ${RANDOM.slice(0, 10)} length 44`, "prefix *** length 44"],
    [`ends in …${RANDOM.slice(-8)}.`, "ends in …***."],
    [`"${RANDOM.slice(0, 30)}"`, '"***"'],
    [`${RANDOM.slice(0, 8)}XYZ and ${RANDOM.slice(-12)}`, "***XYZ and ***"],
    [`${RANDOM} and ${RANDOM.slice(0, 9)}`, "*** and ***"],
    // Seven characters are too few to be sure they are the secret's.
    [`${RANDOM.slice(0, 7)} ${RANDOM.slice(-7)}`, `${RANDOM.slice(0, 7)} ${RANDOM.slice(-7)}`],
  ])("%s", (text, shown) => {
    expect(secrets.redact(text)).toBe(shown);
  });

  it("a secret made of words is replaced whole only: its start is ordinary text", () => {
    const words = redactor();
    words.add("staging-database-password-2024");
    expect(words.redact("staging-database is up; staging-database-password-2024 leaked")).toBe("staging-database is up; *** leaked");
  });

  it("a minted JWT's header (shared by every token of its algorithm) is not a fragment; its signature is a form", () => {
    const jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJwcm9iZSJ9.Q2FuYXJ5U2lnbmF0dXJlMTIzNDU2Nzg5MA";
    const tokens = redactor();
    tokens.add(jwt);
    expect(tokens.redact("header eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9 only")).toBe("header eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9 only");
    expect(tokens.redact("sig Q2FuYXJ5U2lnbmF0dXJlMTIzNDU2Nzg5MA")).toBe("sig ***");
  });
});

describe("other encoders' spellings", () => {
  const secret = "Ab3/x+y=z&w<v>u é~'!(t)*s q";
  const forms = secretForms(secret);

  it.each([
    ["URLSearchParams", new URLSearchParams({ k: secret }).toString().slice(2)],
    [
      "Go JSON",
      JSON.stringify(secret)
        .slice(1, -1)
        .replace(/[<>&]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`),
    ],
    [
      "Python JSON",
      JSON.stringify(secret)
        .slice(1, -1)
        .replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`),
    ],
    ["lower-case hex", encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (code) => code.toLowerCase())],
    ["encodeURI", encodeURI(secret)],
  ])("%s", (_, spelled) => {
    expect(forms).toContain(spelled);
    const secrets = redactor();
    secrets.add(secret);
    expect(secrets.redact(`x ${spelled} y`)).toBe("x *** y");
  });

  it("a secret of letters and digits has no more spellings than before", () => {
    expect(new Set(secretForms(RANDOM)).size).toBeLessThanOrEqual(8);
  });
});
