// The credential-shape patterns run over untrusted text (manifest keys in errors, backend bodies,
// log lines): in time linear in it. Tried from every `.` or `-` of a long run (a word boundary each)
// or from inside a run of letters, the URL-userinfo patterns scanned to the run's end each time:
// 3 s for 80,000 characters, 22 s for a manifest naming a 100,000-letter service. At 400,000
// characters the old patterns took minutes; vitest's timeout ends such a test.
import { describe, expect, it } from "vitest";
import { withoutCredentialShapes } from "../../src/cut.js";
import { credentialShape } from "../../src/shown-value.js";

const N = 400_000;

describe("credential shapes: linear in the text", () => {
  it.each([
    ["letters", "x".repeat(N)],
    ["dotted", "a.".repeat(N / 2)],
    ["dashed", "a-".repeat(N / 2)],
    ["plus signs", "a+".repeat(N / 2)],
  ])("%s, %#: no URL found, none made up", (_name, text) => {
    expect(withoutCredentialShapes(text)).toBe(text);
    expect(credentialShape(text)).toBeUndefined();
  });

  it("still finds userinfo after a dotted run, and where a scheme follows `_`", () => {
    expect(withoutCredentialShapes(`${"a.".repeat(1000)}https://user:pw@host/x`)).not.toContain("user:pw");
    expect(withoutCredentialShapes("x_https://user:pw@host")).not.toContain("user:pw");
    expect(credentialShape(`${"a-".repeat(1000)}postgresql://u:PASS@db/x`)).toBe("it is a URL with a password in it");
    expect(credentialShape("see https://user@host/x")).toBe("it is a URL with credentials in it");
  });
});
