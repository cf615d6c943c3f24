// Redact, then cut: a secret learnt after an excerpt was taken is still cut out
// whole, in each spelling it comes back in; a cut never ends with a secret's
// first characters; credential-shaped values are described, not shown.
import { describe, expect, it } from "vitest";
import { cutText, deferCut, dropSecretTail } from "../../src/cut.js";
import { excerpt } from "../../src/probes/excerpt.js";
import { redactor, secretForms } from "../../src/redact.js";
import { credentialShape, shownValue } from "../../src/shown-value.js";

const SECRET = "S3cr3t-Value-0a1b2c3d4e5f6a7b8c9d";

describe("deferred cuts", () => {
  it("an excerpt taken before the secret was known is redacted whole, then cut", () => {
    for (let padding = 80; padding <= 125; padding++) {
      const early = excerpt(`${"x".repeat(padding)}${SECRET} and more`, [], 120);
      const secrets = redactor();
      secrets.add(SECRET); // read from Secret Manager after the probe answered
      const shown = secrets.redact(`said: "${early}"`);
      for (let length = 2; length <= SECRET.length; length++) expect(shown).not.toContain(SECRET.slice(0, length));
      expect(shown.length).toBeLessThanOrEqual(`said: ""`.length + 121);
    }
  });

  it("a cut never leaves the first characters of a secret, in any of its spellings", () => {
    const forms = secretForms(SECRET);
    expect(dropSecretTail("abc S3cr", forms)).toBe("abc ");
    expect(dropSecretTail("abc UzNjcj", forms)).toBe("abc "); // base64 of its start
    expect(dropSecretTail("abc done", forms)).toBe("abc done");
    expect(cutText(`${"y".repeat(10)}S3cr3t-V`, 14, forms)).toBe(`${"y".repeat(10)}…`);
  });

  it("escapes control characters, caps by what is shown, and leaves uncut text alone", () => {
    expect(cutText("a\r\nb\u0007c", 50)).toBe("a\\nb\\u0007c");
    expect(cutText("z".repeat(30), 10)).toBe(`${"z".repeat(10)}…`);
    expect(cutText("short", 10)).toBe("short");
    // An empty body stays empty: messages leave out what the server did not say.
    expect(excerpt(" \n ")).toBe("");
  });

  it("text cannot forge a deferred cut, and an over-long body is cut with its tail checked too", () => {
    const forged = deferCut("\ue000999\ue001whole\ue002", 5);
    expect(redactor().redact(forged)).not.toContain("\ue000");
    // Sliced before it was published: still cut, and no marker is left.
    const sliced = excerpt(`${"v".repeat(300)}S3cr3t`, [], 20).slice(0, 40);
    expect(redactor().redact(sliced)).toBe(`${"v".repeat(20)}…`);
    const long = `${"w".repeat(4094)}S3cr3t-Value`;
    const secrets = redactor();
    secrets.add(SECRET);
    expect(secrets.redact(excerpt(long, [], 5000))).not.toContain("S3");
  });

  it("JWTs, PEM blocks and URL passwords of any issuer are cut out of excerpts", () => {
    const shown = redactor().redact(
      excerpt(
        "a eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln b -----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY----- c postgres://u:pw@h/db",
      ),
    );
    expect(shown).toBe("a [redacted] b [redacted] c postgres://[redacted]@h/db");
  });
});

describe("the spellings of a secret", () => {
  it("base64 at every alignment, base64url, URL- and JSON-encoded, PEM lines, a JWT's signature", () => {
    const value = `${SECRET}/+"\u00e9`;
    const secrets = redactor();
    secrets.add(value);
    for (const prefix of ["", "a", "ab"]) {
      const blob = Buffer.from(`${prefix}${value}tail`).toString("base64");
      expect(secrets.redact(blob)).not.toContain(Buffer.from(value).toString("base64").slice(4, 20));
      expect(secrets.redact(blob)).toContain("***");
    }
    expect(secrets.redact(Buffer.from(value).toString("base64url"))).toMatch(/^\*\*\*.{0,3}$/);
    expect(secrets.redact(encodeURIComponent(value))).toBe("***");
    expect(secrets.redact(JSON.stringify(value))).toBe('"***"');
    expect(secretForms("aaaa.bbbb.0123456789abcdefXYZ")).toContain("0123456789abcdefXYZ");
  });
});

describe("values shown in findings", () => {
  it.each([
    ["debug"],
    ["https://api.example.com/v1"],
    ["us-central1-docker.pkg.dev/proj/app"],
    ["MyApp_Production_2024"],
    ["projects/my-project/secrets/jwt-secret"],
    ["2024-01-01T00:00:00Z"],
    ["redis://cache.internal:6379/0"],
  ])("%s is ordinary: shown", (value) => {
    expect(credentialShape(value)).toBeUndefined();
  });

  it.each([
    ["postgresql://app:hunter2@db/chat", /password/],
    ["https://ghp_abcdefghij0123456789@github.com/x", /credentials/],
    ["https://storage.example/x?sig=abc123&exp=1", /parameter/],
    ["Server=db;User Id=app;Password=hunter2;", /password/],
    ["eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln", /JWT/],
    ["-----BEGIN PRIVATE KEY-----", /PEM/],
    ["AKIAIOSFODNN7EXAMPLE", /access key/],
    ["ghp_Aq1Bw2Ce3Dr4Ft5Gy6Hu7Ji8Ko9Lp0Zx1Cv2Bn", /token/],
    ["xoxb-1234567890-abcdefghij", /token/],
    ["f3Kq9ZpL2vXw8RtY6uHn4BmCj7DsGa1E", /key or token/],
    ["0123456789abcdef0123456789abcdef", /key or token/],
  ])("%s looks like a credential: not shown", (value, why) => {
    expect(credentialShape(value)).toMatch(why);
    expect(shownValue(value)).toMatch(/^\(not shown: /);
    expect(shownValue(value)).not.toContain(value.slice(0, 12));
  });
});
