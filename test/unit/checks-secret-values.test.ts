// env.<NAME>.equals / matches on a variable that comes from Secret Manager:
// compared with the value the vault read, never shown, and "cannot verify"
// (an error, never a pass) when the value could not be read.
import { describe, expect, it } from "vitest";
import { checkEnv } from "../../src/checks/env.js";
import type { SecretText } from "../../src/facts.js";
import type { SecretRef } from "../../src/model.js";
import { requirementOf, revision } from "./fixtures.js";

const requirement = requirementOf(
  `env:\n  ENVIRONMENT: { equals: staging }\n  LOG_LEVEL: { matches: "^(info|debug)$" }\n  AUTH_SERVICE_URL: {}`,
);
const fromSecret = (secret: string) => ({ secret: { secret, version: "latest" } });
const config = revision([
  { name: "ENVIRONMENT", ...fromSecret("environment") },
  { name: "LOG_LEVEL", ...fromSecret("log-level") },
  { name: "AUTH_SERVICE_URL", ...fromSecret("auth-url") },
]);
const reader =
  (texts: Record<string, SecretText>) =>
  (ref: SecretRef): SecretText =>
    texts[ref.secret] ?? { unavailable: "not read" };

describe("checkEnv on secret-backed variables", () => {
  const table: { name: string; texts: Record<string, SecretText>; expected: Record<string, [string, string]>; hidden: string[] }[] = [
    {
      name: "both values right",
      texts: { environment: { text: "staging" }, "log-level": { text: "debug" } },
      expected: {
        ENVIRONMENT: ["env.present", "pass"],
        LOG_LEVEL: ["env.present", "pass"],
        AUTH_SERVICE_URL: ["env.present", "pass"],
      },
      hidden: [],
    },
    {
      name: "both values wrong: fail, and the finding holds neither value",
      texts: { environment: { text: "production-7c1f" }, "log-level": { text: "trace-9d2e" } },
      expected: {
        ENVIRONMENT: ["env.value_mismatch", "fail"],
        LOG_LEVEL: ["env.value_mismatch", "fail"],
        AUTH_SERVICE_URL: ["env.present", "pass"],
      },
      hidden: ["production-7c1f", "trace-9d2e", "15", "10"],
    },
    {
      name: "unreadable values: cannot verify, an error with the reason",
      texts: {
        environment: { unavailable: "the gate's identity was denied access" },
        "log-level": { unavailable: "the secret does not exist" },
      },
      expected: {
        ENVIRONMENT: ["env.value_unverifiable", "error"],
        LOG_LEVEL: ["env.value_unverifiable", "error"],
        AUTH_SERVICE_URL: ["env.present", "pass"],
      },
      hidden: [],
    },
  ];
  it.each(table)("$name", ({ texts, expected, hidden }) => {
    const findings = checkEnv(config, requirement, reader(texts));
    expect(Object.fromEntries(findings.map((finding) => [finding.subject, [finding.id, finding.status]]))).toEqual(expected);
    const shown = JSON.stringify(findings);
    for (const value of hidden) expect(shown).not.toContain(value);
  });

  it("says differs / does not match, and why a value cannot be verified", () => {
    const [equals, matches] = checkEnv(config, requirement, reader({ environment: { text: "prod" }, "log-level": { text: "x" } }));
    expect(equals?.message).toContain("differs from the required value");
    expect(matches?.message).toContain("does not match");
    const [denied] = checkEnv(config, requirement, reader({ environment: { unavailable: "the gate's identity was denied access" } }));
    expect(denied?.message).toContain("cannot verify");
    expect(denied?.message).toContain("denied");
  });

  it("without a way to read the value, a compared secret is never a pass", () => {
    const [equals, matches, present] = checkEnv(config, requirement);
    expect([equals?.status, matches?.status, present?.status]).toEqual(["error", "error", "pass"]);
  });
});
