// Property tests of every parser that reads text written by someone else: the
// manifest, secret refs, deploy-cloudrun's KEY=VALUE strings and the name
// inputs. Whatever the text, they return a value whose names are safe to put in
// a Google API path, or throw the gate's own typed error, one line long, with
// no stack and no secret in it. Nothing else.
import fc from "fast-check";
import { stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { parseKVString } from "../../src/candidate/kv-string.js";
import { parseSecretRef, parseSecretTarget } from "../../src/candidate/secret-ref.js";
import { describeError, GateError, InputError } from "../../src/errors.js";
import { isSafeSegment } from "../../src/gcp/request.js";
import { type Inputs, parseInputs } from "../../src/inputs.js";
import { parseManifest } from "../../src/manifest/load.js";
import { excerpt } from "../../src/probes/excerpt.js";
import { redactor } from "../../src/redact.js";
import { escapeLog, escapeMarkdown } from "../../src/report/escape.js";
import { CANARY } from "./support.js";

const RUNS = { numRuns: 300 };

/** Calls `parse`; a throw must be the gate's typed error with a one-line message. */
function typedOrValue<T>(parse: () => T): T | undefined {
  try {
    return parse();
  } catch (error) {
    expect(error, String(error)).toBeInstanceOf(GateError);
    const message = describeError(error);
    expect(message).not.toMatch(/[\r\n]/);
    expect(message).not.toContain("    at ");
    return undefined;
  }
}

/** Text built to hit the parsers' edges: separators, escapes, path tricks, YAML syntax. */
const nasty = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.string({ unit: "grapheme-ascii", maxLength: 80 }),
  fc
    .array(
      fc.constantFrom(
        "a",
        "Z",
        "0",
        "-",
        "_",
        ".",
        "..",
        "/",
        "%2F",
        "%",
        "?",
        "#",
        ":",
        "=",
        ",",
        "\\",
        "\n",
        " ",
        "@",
        "latest",
        "projects/",
        "/secrets/",
        "/versions/",
        "123",
        '"',
        "'",
        "{",
        "}",
        "[",
        "]",
        "&a",
        "*a",
        "::",
        "\u2028",
        "\u0000",
        "é",
      ),
      { maxLength: 24 },
    )
    .map((parts) => parts.join("")),
);

describe("parsers never throw anything but the typed error", () => {
  it("parseSecretRef: a ref it returns has only safe name parts", () => {
    fc.assert(
      fc.property(nasty, (text) => {
        const ref = typedOrValue(() => parseSecretRef(text, "ENV"));
        if (!ref) return;
        expect(isSafeSegment(ref.secret)).toBe(true);
        expect(isSafeSegment(ref.version)).toBe(true);
        if (ref.project !== undefined) expect(ref.project).toMatch(/^[0-9]+$/);
      }),
      RUNS,
    );
  });

  it("parseSecretTarget: mount paths it returns never climb out or hit /dev, /proc, /sys", () => {
    fc.assert(
      fc.property(nasty, (text) => {
        const target = typedOrValue(() => parseSecretTarget(text));
        if (target?.kind !== "file") return;
        expect(`${target.mountPath}/${target.path}`).not.toMatch(/(^|\/)\.\.?(\/|$)|^\/(dev|proc|sys)(\/|$)/);
      }),
      RUNS,
    );
  });

  it("parseKVString: never throws untyped, and no message ever quotes a value", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(nasty, nasty), { maxLength: 6 }), (pairs) => {
        const text = pairs.map(([key, value]) => `${key}=${value}${CANARY.secret}`).join(",");
        let messages: string[];
        try {
          messages = parseKVString(text, "env_vars").warnings.map((warning) => warning.message);
        } catch (error) {
          expect(error).toBeInstanceOf(InputError);
          messages = [(error as Error).message];
        }
        // A value with a newline or comma is split (as deploy-cloudrun splits it): its tail becomes a
        // "key", and a warning that quotes that key would print part of a secret into the PR comment.
        for (const message of messages) expect(message).not.toContain(CANARY.secret.slice(0, 16));
      }),
      RUNS,
    );
  });

  it("parseManifest on arbitrary text: a manifest or a typed error", () => {
    fc.assert(
      fc.property(nasty, (text) => void typedOrValue(() => parseManifest(text, "m.yml"))),
      RUNS,
    );
  });

  it("parseManifest on arbitrary YAML data shaped like a manifest: names it accepts are safe", () => {
    const value = fc.oneof(nasty, fc.integer(), fc.boolean(), fc.constant(null), fc.dictionary(nasty, nasty, { maxKeys: 3 }));
    const requirement = fc.dictionary(fc.constantFrom("env", "secrets", "region", "jwt", "health", "websocket", "x"), value, {
      maxKeys: 3,
    });
    const manifest = fc.record(
      {
        region: fc.oneof(nasty, fc.constant("us-central1")),
        project_id: nasty,
        services: fc.dictionary(fc.oneof(nasty, fc.constant("backend-staging")), requirement, { maxKeys: 3 }),
        consistent: fc.array(fc.array(nasty, { maxLength: 3 }), { maxLength: 2 }),
      },
      { requiredKeys: ["services"] },
    );
    fc.assert(
      fc.property(manifest, (data) => {
        const parsed = typedOrValue(() => parseManifest(stringify(data), "m.yml"));
        if (!parsed) return;
        for (const service of parsed.services) {
          expect(isSafeSegment(service.name)).toBe(true);
          if (service.region !== undefined) expect(isSafeSegment(service.region)).toBe(true);
        }
        if (parsed.projectId !== undefined) expect(isSafeSegment(parsed.projectId)).toBe(true);
      }),
      RUNS,
    );
  });

  it("parseInputs: every name it accepts is safe in a resource path", () => {
    const names = ["project_id", "region", "services", "revision", "tag", "timeout", "max_concurrency", "cloud_run_endpoint"] as const;
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...names), nasty, { maxKeys: 4 }), (values) => {
        const inputs: Inputs | undefined = typedOrValue(() => parseInputs((name) => (values[name] ?? "").trim(), {}));
        if (!inputs) return;
        for (const part of [inputs.projectId, inputs.region]) if (part !== undefined) expect(isSafeSegment(part)).toBe(true);
        for (const service of inputs.services) {
          for (const part of [service.name, service.region, service.project])
            if (part !== undefined) expect(isSafeSegment(part)).toBe(true);
        }
        if (inputs.revision.kind === "named") expect(isSafeSegment(inputs.revision.name)).toBe(true);
        if (inputs.revision.kind === "tag") expect(isSafeSegment(inputs.revision.tag)).toBe(true);
        expect(inputs.timeoutSeconds).toBeGreaterThan(0);
        expect(inputs.timeoutSeconds).toBeLessThanOrEqual(3600);
      }),
      RUNS,
    );
  });

  it("parseKVString: the tail of a value split at a newline is not quoted back (example)", () => {
    const { warnings } = parseKVString(`JWT_SECRET=first-half\n${CANARY.secret}`, "env_vars");
    for (const warning of warnings) expect(warning.message).not.toContain(CANARY.secret.slice(0, 16));
  });

  it("escapeLog: no untrusted text can start a workflow command or a new line", () => {
    fc.assert(
      fc.property(nasty, nasty, (before, after) => {
        const line = escapeLog(`${before}\n::set-output name=x::${after}##[add-mask]${before}`);
        expect(line).not.toMatch(/[\r\n]/);
        expect(line).not.toContain("::");
        expect(line).not.toContain("##[");
      }),
      RUNS,
    );
  });

  it("redact, then cut: however a body places a secret around the cut, none of its first characters are shown", () => {
    const secret = "Kq7Zr2Xw9Lm4Vt8Np3Hs6Jd1";
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.string({ maxLength: 40 }), fc.integer({ min: 1, max: 250 }), (before, after, cap) => {
        const secrets = redactor();
        const early = excerpt(`${before}${secret}${after}`, [], cap);
        secrets.add(secret);
        const shown = secrets.redact(early);
        expect(shown).not.toContain(secret.slice(0, 4));
        expect(shown).not.toMatch(/[\ue000-\ue002]/);
      }),
      RUNS,
    );
  });

  it("escapeMarkdown: nothing GitHub links or notifies from is left outside a code span", () => {
    const linkable = fc.constantFrom("https://evil.example/x", "www.evil.example", "ops@evil.example", "@someone", "#12", "GH-3", "`", "|");
    fc.assert(
      fc.property(fc.array(fc.oneof(nasty, linkable), { maxLength: 8 }), (parts) => {
        const markdown = escapeMarkdown(parts.join(" "));
        const outside = markdown.replace(/(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)/g, "");
        expect(outside).not.toMatch(/https?:\/\/|www\.|@|(?<!&)#\d|GH-\d|[\n\u200b]/);
      }),
      RUNS,
    );
  });
});
