import { describe, expect, it } from "vitest";
import { checkEnv, checkPlainTextSecrets } from "../../src/checks/env.js";
import { requirementOf, revision } from "./fixtures.js";

describe("checkEnv", () => {
  const requirement = requirementOf(
    `env:\n  AUTH_SERVICE_URL: {}\n  ENVIRONMENT: { equals: staging }\n  REGION_HINT: { optional: true }\n  LOG_LEVEL: { matches: "^(info|debug)$" }`,
  );
  const table: { name: string; env: Parameters<typeof revision>[0]; expected: Record<string, [string, string]> }[] = [
    {
      name: "all present and right",
      env: [
        { name: "AUTH_SERVICE_URL", value: "https://auth" },
        { name: "ENVIRONMENT", value: "staging" },
        { name: "REGION_HINT", value: "x" },
        { name: "LOG_LEVEL", value: "info" },
      ],
      expected: {
        AUTH_SERVICE_URL: ["env.present", "pass"],
        ENVIRONMENT: ["env.present", "pass"],
        REGION_HINT: ["env.present", "pass"],
        LOG_LEVEL: ["env.present", "pass"],
      },
    },
    {
      name: "missing, wrong value, optional missing, regex mismatch",
      env: [
        { name: "ENVIRONMENT", value: "production" },
        { name: "LOG_LEVEL", value: "trace" },
      ],
      expected: {
        AUTH_SERVICE_URL: ["env.missing", "fail"],
        ENVIRONMENT: ["env.value_mismatch", "fail"],
        REGION_HINT: ["env.missing", "warn"],
        LOG_LEVEL: ["env.value_mismatch", "fail"],
      },
    },
    {
      name: "a secret ref satisfies a plain requirement; empty value warns",
      env: [
        { name: "AUTH_SERVICE_URL", secret: { secret: "auth-url", version: "latest" } },
        { name: "ENVIRONMENT", value: "staging" },
        { name: "REGION_HINT", value: "" },
        { name: "LOG_LEVEL", value: "debug" },
      ],
      expected: {
        AUTH_SERVICE_URL: ["env.present", "pass"],
        ENVIRONMENT: ["env.present", "pass"],
        REGION_HINT: ["env.empty", "warn"],
        LOG_LEVEL: ["env.present", "pass"],
      },
    },
  ];
  it.each(table)("$name", ({ env, expected }) => {
    const findings = checkEnv(revision(env), requirement);
    expect(Object.fromEntries(findings.map((finding) => [finding.subject, [finding.id, finding.status]]))).toEqual(expected);
  });

  it("names service, revision and a runnable fix, and points at the manifest line", () => {
    const [missing] = checkEnv(revision([]), requirement);
    expect(missing?.message).toBe("AUTH_SERVICE_URL is not set on backend-staging revision backend-staging-00007-abc");
    expect(missing?.hint).toContain(
      "gcloud run services update backend-staging --region=us-central1 --project=chat-staging --update-env-vars=AUTH_SERVICE_URL=VALUE",
    );
    expect(missing?.location).toEqual({ file: "gate.yml", line: 5 }); // region, services, backend-staging, env, AUTH_SERVICE_URL
  });

  it("never shows the value of a credential-shaped variable", () => {
    const secretish = requirementOf(`env:\n  API_TOKEN: { equals: expected-token }`);
    const [finding] = checkEnv(revision([{ name: "API_TOKEN", value: "actual-token-value" }]), secretish);
    expect(finding?.id).toBe("env.value_mismatch");
    expect(JSON.stringify(finding)).not.toContain("actual-token-value");
    expect(JSON.stringify(finding)).not.toContain("expected-token");
  });
});

describe("checkPlainTextSecrets", () => {
  it.each([
    ["DB_PASSWORD", true],
    ["STRIPE_API_KEY", true],
    ["GITHUB_TOKEN", true],
    ["SESSION_SECRET", true],
    ["AUTH_SERVICE_URL", false],
    ["KEYBOARD_LAYOUT", false],
  ])("%s as plain text → warned: %s", (name, warned) => {
    const findings = checkPlainTextSecrets(revision([{ name, value: "something" }]), requirementOf("env: {}"));
    expect(findings.map((finding) => finding.id)).toEqual(warned ? ["env.secret_as_plain_text"] : []);
    expect(JSON.stringify(findings)).not.toContain("something");
  });
});
