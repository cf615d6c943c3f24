// What a server echoes of the credentials the probes sent never reaches the
// report: the whole token, its URL-encoded form, or one segment of it, in a
// short body as in a long one (redactSent skips only needles longer than the text).
import { describe, expect, it } from "vitest";
import { redactSent } from "../../src/probes/excerpt.js";

const header = "eyJhbGciOiJIUzI1NiJ9";
const payload = "eyJzdWIiOiJkZXBsb3ktZ2F0ZSIsImlhdCI6MX0";
const signature = "c2lnbmF0dXJlLXNlZ21lbnQtMTIzNDU2Nzg5MA";
const token = `${header}.${payload}.${signature}`;
const secret = "s3cr3t/value+with=chars";

describe("redactSent", () => {
  it.each([
    ["the whole token", `invalid token ${token}`],
    ["the signature alone, in a body shorter than the token", `bad sig ${signature}`],
    ["the payload alone", payload],
    ["a URL-encoded secret", `bad ${encodeURIComponent(secret)}!`],
    ["the secret itself, exactly as long as the body", secret],
  ])("cuts %s", (_what, body) => {
    const cut = redactSent(body, [token, secret]);
    expect(cut).toContain("[redacted]");
    for (const part of [signature, payload, secret, encodeURIComponent(secret)]) expect(cut).not.toContain(part);
  });

  it("leaves a short refusal that holds none of them as it is", () => {
    expect(redactSent("Forbidden", [token, secret])).toBe("Forbidden");
    expect(redactSent("", [token])).toBe("");
  });
});
