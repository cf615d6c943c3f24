// Candidate warnings name a pair by its position and, when it is safe, its key; never text
// that may be a secret: a PEM line pasted into env_vars, a value where a name belongs, or
// the length of either.
import { describe, expect, it } from "vitest";
import { candidateFromDeployInputs } from "../../../src/candidate/deploy-inputs.js";
import { parseKVString, printableKey } from "../../../src/candidate/kv-string.js";
import { parseSecretRef } from "../../../src/candidate/secret-ref.js";

const PEM_LINES = [
  "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj",
  "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC",
  "AKIAIOSFODNN7EXAMPLE",
  "deadbeefcafe12345678",
  "qwhdkeufhsnakdueqwhd",
];

describe("printableKey", () => {
  it.each(["JWT_SECRET_STAGING", "AUTH_SERVICE_URL", "PORT", "ENVIRONMENT", "node_env", "S3_BUCKET"])("shows the name %s", (key) => {
    expect(printableKey(key)).toBe(JSON.stringify(key));
  });
  it.each(PEM_LINES)("hides %s, and its length", (key) => {
    const shown = printableKey(key);
    expect(shown).not.toContain(key.slice(0, 6));
    expect(shown).not.toMatch(/[0-9]/);
  });
});

describe("env_vars warnings", () => {
  it.each(PEM_LINES)("a pasted line %s ending in '=' is 'set to the empty string' without being quoted", (line) => {
    const { warnings } = parseKVString(`TLS_KEY=-----BEGIN PRIVATE KEY-----\n${line}=\n-----END PRIVATE KEY-----`);
    const text = JSON.stringify(warnings);
    expect(warnings.map((warning) => warning.kind)).toContain("empty_value");
    expect(text).not.toContain(line.slice(0, 6));
    expect(text).not.toMatch(/\d+-character/);
    expect(text).toContain("env_vars pair 2");
  });
  it("a line without '=' is named by its position only", () => {
    const { warnings } = parseKVString(`A=1\n${PEM_LINES[0]}`);
    expect(JSON.stringify(warnings)).not.toContain("MIIEvQ");
    expect(warnings[0]?.message).toMatch(/^env_vars pair 2: /);
  });
});

describe("a secret value where a secret name belongs", () => {
  const value = "s3cr3tValue_Zx81Qw";
  it("no version: the hint does not echo the value", () => {
    let caught: unknown;
    try {
      parseSecretRef(value, "JWT_SECRET");
    } catch (error) {
      caught = error;
    }
    expect(JSON.stringify({ message: (caught as Error).message, hint: (caught as { hint?: string }).hint })).not.toContain(value);
  });
  it("in a full deploy, no note quotes it", () => {
    const candidate = candidateFromDeployInputs({
      service: "s",
      project: "p",
      region: "r",
      envVarsUpdateStrategy: "merge",
      secretsUpdateStrategy: "merge",
      secrets: `JWT_SECRET=${value}\n${PEM_LINES[0]}=x:1`,
    });
    expect(JSON.stringify(candidate.notes)).not.toContain(value);
  });
  it("a secret entry keyed by a pasted line does not quote the line", () => {
    expect(() => parseSecretRef("notaref:x:y", PEM_LINES[0] as string)).toThrow(/secrets entry \(a name not shown\)/);
  });
});

describe("a pasted line that starts with '/' (base64 can) is not shown as a mount path", () => {
  const line = "/9j/4AAQSkZJRgABAQAAAQABAADbAIQAAoHBwg";
  it("printableKey hides it but shows real paths", () => {
    expect(printableKey(line)).not.toContain("4AAQ");
    expect(printableKey("/secrets/api/key.pem")).toBe('"/secrets/api/key.pem"');
    expect(printableKey("/secrets/api:key")).toBe('"/secrets/api:key"');
  });
  it("errors about it in secrets do not quote it", () => {
    let message = "";
    try {
      candidateFromDeployInputs({
        service: "s",
        project: "p",
        region: "r",
        envVarsUpdateStrategy: "merge",
        secretsUpdateStrategy: "merge",
        secrets: `TLS=tls:1\n${line}+AbC/=x:1`,
      });
    } catch (error) {
      message = `${(error as Error).message} ${(error as { hint?: string }).hint}`;
    }
    expect(message).toMatch(/secrets entry/);
    expect(message).not.toContain("4AAQ");
  });
});
