import { describe, expect, it } from "vitest";
import { checkConsistency } from "../../src/checks/consistency.js";
import { type SecretFact, secretKey } from "../../src/facts.js";
import { checkJwtSecret } from "../../src/checks/jwt-secret.js";
import { checkSecrets } from "../../src/checks/secrets.js";
import { projectsToNumber } from "../../src/collect/iam.js";
import { isDevFallback } from "../../src/secret-shapes.js";
import type { SecretStatus } from "../../src/gcp/secret-manager.js";
import { parseManifest } from "../../src/manifest/load.js";
import { requirementOf, revision } from "./fixtures.js";

const ref = (secret: string, version = "latest") => ({ secret, version });
const facts = (entries: Record<string, SecretStatus | SecretFact>) =>
  new Map(Object.entries(entries).map(([key, value]) => [key, typeof value === "string" ? { state: { status: value } } : value]));

describe("checkSecrets", () => {
  const requirement = requirementOf(
    `secrets:\n  JWT_SECRET_KEY: { secret: jwt-key, min_bytes: 32 }\n  SERVICE_SECRET: {}\n  SERVICE_ID: { pinned: true }`,
  );
  const table: {
    name: string;
    env: Parameters<typeof revision>[0];
    facts: Record<string, SecretStatus | SecretFact>;
    expected: string[];
  }[] = [
    {
      name: "incident 2: all missing",
      env: [],
      facts: {},
      expected: ["JWT_SECRET_KEY secret.missing fail", "SERVICE_SECRET secret.missing fail", "SERVICE_ID secret.missing fail"],
    },
    {
      name: "plain text where a secret is required",
      env: [{ name: "JWT_SECRET_KEY", value: "hunter2-but-longer-than-32-bytes-really" }],
      facts: {},
      expected: ["JWT_SECRET_KEY secret.plain_text fail", "SERVICE_SECRET secret.missing fail", "SERVICE_ID secret.missing fail"],
    },
    {
      name: "wrong secret, not found, denied, unpinned",
      env: [
        { name: "JWT_SECRET_KEY", secret: ref("jwt-key-old") },
        { name: "SERVICE_SECRET", secret: ref("service-secret") },
        { name: "SERVICE_ID", secret: ref("service-id") },
      ],
      facts: {
        "chat-staging/jwt-key-old@latest": "ok",
        "chat-staging/service-secret@latest": "not_found",
        "chat-staging/service-id@latest": "access_denied",
      },
      expected: [
        "JWT_SECRET_KEY secret.wrong_secret fail",
        "JWT_SECRET_KEY secret.ok pass",
        "SERVICE_SECRET secret.not_found fail",
        "SERVICE_ID secret.unpinned warn",
        "SERVICE_ID secret.access_denied error",
      ],
    },
    {
      name: "disabled, destroyed, missing version, too short",
      env: [
        { name: "JWT_SECRET_KEY", secret: ref("jwt-key") },
        { name: "SERVICE_SECRET", secret: ref("service-secret", "3") },
        { name: "SERVICE_ID", secret: ref("service-id", "9") },
      ],
      facts: {
        "chat-staging/jwt-key@latest": { state: { status: "ok" }, value: { byteLength: 16, fingerprint: "hmac:x", devFallback: false } },
        "chat-staging/service-secret@3": "version_destroyed",
        "chat-staging/service-id@9": "version_not_found",
      },
      expected: [
        "JWT_SECRET_KEY secret.too_short fail",
        "JWT_SECRET_KEY secret.ok pass",
        "SERVICE_SECRET secret.version_destroyed fail",
        "SERVICE_ID secret.version_not_found fail",
      ],
    },
    {
      name: "latest whose newest version is disabled",
      env: [
        { name: "JWT_SECRET_KEY", secret: ref("jwt-key") },
        { name: "SERVICE_SECRET", secret: ref("s") },
        { name: "SERVICE_ID", secret: ref("i", "2") },
      ],
      facts: { "chat-staging/jwt-key@latest": "version_disabled", "chat-staging/s@latest": "ok", "chat-staging/i@2": "ok" },
      expected: ["JWT_SECRET_KEY secret.version_disabled fail", "SERVICE_SECRET secret.ok pass", "SERVICE_ID secret.ok pass"],
    },
  ];
  it.each(table)("$name", ({ env, facts: given, expected }) => {
    const findings = checkSecrets(revision(env), requirement, facts(given));
    expect(findings.map((finding) => `${finding.subject} ${finding.id} ${finding.status}`)).toEqual(expected);
  });

  it("says how to fix a missing secret with the service's own names", () => {
    const [finding] = checkSecrets(revision([]), requirement, facts({}));
    expect(finding?.hint).toContain("--update-secrets=JWT_SECRET_KEY=jwt-key:latest");
    expect(finding?.hint).toContain("roles/secretmanager.secretAccessor");
  });

  it("reads a cross-project ref against that project", () => {
    const findings = checkSecrets(
      revision([{ name: "SERVICE_SECRET", secret: { project: "shared-secrets", secret: "svc", version: "1" } }]),
      requirementOf("secrets:\n  SERVICE_SECRET: { project: shared-secrets }"),
      facts({ "shared-secrets/svc@1": "ok" }),
    );
    expect(findings.map((finding) => finding.id)).toEqual(["secret.ok"]);
  });
});

describe("checkSecrets: the project a secret lives in", () => {
  const own = requirementOf("secrets:\n  JWT_SECRET_STAGING: { secret: jwt-secret-staging }\n  SERVICE_SECRET: {}");
  const shared = requirementOf("secrets:\n  SERVICE_SECRET: { project: shared-secrets }");
  const byNumber = requirementOf("secrets:\n  SERVICE_SECRET: { project: '555000000000' }");
  const numbers = new Map([
    ["chat-staging", "123456789012"],
    ["shared-secrets", "555000000000"],
  ]);
  const at = (project: string | undefined, secret = "service-secret") => ({ secret, version: "latest", ...(project ? { project } : {}) });
  const table: {
    name: string;
    requirement: typeof own;
    env: Parameters<typeof revision>[0];
    numbers: ReadonlyMap<string, string>;
    expected: string[];
  }[] = [
    {
      name: "no project in the manifest: the same id in another project (by number) fails",
      requirement: own,
      env: [
        { name: "JWT_SECRET_STAGING", secret: at("999000000000", "jwt-secret-staging") },
        { name: "SERVICE_SECRET", secret: at("other-project") },
      ],
      numbers,
      expected: [
        "JWT_SECRET_STAGING secret.wrong_project fail",
        "JWT_SECRET_STAGING secret.ok pass",
        "SERVICE_SECRET secret.wrong_project fail",
        "SERVICE_SECRET secret.ok pass",
      ],
    },
    {
      name: "no project in the manifest: the service's own project, by id or by number, passes",
      requirement: own,
      env: [
        { name: "JWT_SECRET_STAGING", secret: at("123456789012", "jwt-secret-staging") },
        { name: "SERVICE_SECRET", secret: at("chat-staging") },
      ],
      numbers,
      expected: ["JWT_SECRET_STAGING secret.ok pass", "SERVICE_SECRET secret.ok pass"],
    },
    {
      name: "a project number that could not be resolved: cannot verify",
      requirement: own,
      env: [
        { name: "JWT_SECRET_STAGING", secret: at("123456789012", "jwt-secret-staging") },
        { name: "SERVICE_SECRET", secret: at(undefined) },
      ],
      numbers: new Map(),
      expected: [
        "JWT_SECRET_STAGING secret.project_unverified error",
        "JWT_SECRET_STAGING secret.ok pass",
        "SERVICE_SECRET secret.ok pass",
      ],
    },
    {
      name: "project in the manifest: a ref in the service's own project fails, one in that project passes",
      requirement: shared,
      env: [{ name: "SERVICE_SECRET", secret: at(undefined) }],
      numbers,
      expected: ["SERVICE_SECRET secret.wrong_project fail", "SERVICE_SECRET secret.ok pass"],
    },
    {
      name: "project in the manifest as a number, ref by id",
      requirement: byNumber,
      env: [{ name: "SERVICE_SECRET", secret: at("shared-secrets") }],
      numbers,
      expected: ["SERVICE_SECRET secret.ok pass"],
    },
  ];
  it.each(table)("$name", ({ requirement, env, numbers: known, expected }) => {
    const config = revision(env);
    const all = facts(Object.fromEntries(config.env.map((entry) => [secretKey(entry.secret!, config.project), "ok" as const])));
    const findings = checkSecrets(config, requirement, all, known);
    expect(findings.map((finding) => `${finding.subject} ${finding.id} ${finding.status}`)).toEqual(expected);
  });

  it("names both projects and how to fix it", () => {
    const finding = checkSecrets(
      revision([{ name: "SERVICE_SECRET", secret: at("999000000000") }]),
      own,
      facts({ "999000000000/service-secret@latest": "ok" }),
      numbers,
    ).find((entry) => entry.id === "secret.wrong_project");
    expect(finding?.message).toContain("projects/999000000000/secrets/service-secret:latest");
    expect(finding?.message).toContain("chat-staging");
    expect(finding?.hint).toContain("--update-secrets=SERVICE_SECRET=service-secret:latest");
  });

  it("lists the projects whose number the check needs", () => {
    const config = revision([
      { name: "JWT_SECRET_STAGING", secret: at("999000000000", "jwt-secret-staging") },
      { name: "SERVICE_SECRET", secret: at("other-project") },
    ]);
    expect(projectsToNumber(config, own)).toEqual(["chat-staging"]);
    expect(projectsToNumber(config, byNumber)).toEqual(["other-project"]);
  });
});

describe("checkJwtSecret", () => {
  const requirement = requirementOf(`jwt: { secret_env: JWT_SECRET, alg: HS512 }`);
  const withSecret = revision([{ name: "JWT_SECRET", secret: ref("jwt") }]);
  it.each([
    [{ byteLength: 86, fingerprint: "hmac:a", devFallback: false }, "jwt.secret_strength", "pass"],
    [{ byteLength: 49, fingerprint: "hmac:a", devFallback: false }, "jwt.weak_secret", "fail"], // under 64 bytes for HS512
    [{ byteLength: 90, fingerprint: "hmac:a", devFallback: true }, "jwt.weak_secret", "fail"],
  ])("%o → %s", (value, id, status) => {
    const findings = checkJwtSecret(withSecret, requirement, value);
    expect(findings.map((finding) => [finding.id, finding.status])).toEqual([[id, status]]);
  });
  it("a missing signing secret means no token can verify", () => {
    expect(checkJwtSecret(revision([]), requirement, undefined).map((finding) => finding.id)).toEqual(["jwt.secret_missing"]);
  });
  it("a plain-text signing secret is a warning on top of the strength check", () => {
    const findings = checkJwtSecret(revision([{ name: "JWT_SECRET", value: "x" }]), requirement, {
      byteLength: 70,
      fingerprint: "f",
      devFallback: false,
    });
    expect(findings.map((finding) => finding.id)).toEqual(["jwt.secret_plain_text", "jwt.secret_strength"]);
  });
});

describe("isDevFallback", () => {
  it.each([
    "secret",
    "changeme",
    "dev-secret-key-do-not-use-in-production-0123456789",
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    "my-local-fallback",
  ])("flags %s", (value) => {
    expect(isDevFallback(value)).toBe(true);
  });
  it.each(["q8Vd9X2mNcE7rT1uYpLk0aZsWx4bH6jGf3oI5nMvBe", "Zdevq8Vd9X2mNcE7rT1uYpLk0aZsWx4bH6jGf3oI5n"])("accepts random %s", (value) => {
    expect(isDevFallback(value)).toBe(false);
  });
});

describe("checkConsistency", () => {
  const manifest = parseManifest(
    "region: us-central1\nservices:\n  backend: {}\n  auth: {}\nconsistent:\n  - [backend.JWT_SECRET_KEY, auth.JWT_SECRET_KEY]\n",
    "gate.yml",
  );
  it.each([
    [{ "backend.JWT_SECRET_KEY": { fingerprint: "a" }, "auth.JWT_SECRET_KEY": { fingerprint: "a" } }, "consistent.match", "pass"],
    [{ "backend.JWT_SECRET_KEY": { fingerprint: "a" }, "auth.JWT_SECRET_KEY": { fingerprint: "b" } }, "consistent.mismatch", "fail"],
    [
      { "backend.JWT_SECRET_KEY": { fingerprint: "a" }, "auth.JWT_SECRET_KEY": { unavailable: "not set" } },
      "consistent.unverifiable",
      "error",
    ],
  ])("%o → %s", (values, id, status) => {
    const [finding] = checkConsistency(manifest.consistent, new Map(Object.entries(values)));
    expect([finding?.id, finding?.status, finding?.location?.line]).toEqual([id, status, 6]);
  });
});

describe("checkOtherSecretRefs", () => {
  it("reports broken refs the manifest does not list, including mounted volumes, and nothing for healthy ones", async () => {
    const { checkOtherSecretRefs } = await import("../../src/checks/secrets.js");
    const config = revision(
      [
        { name: "EXTRA", secret: ref("gone") },
        { name: "FINE", secret: ref("ok-secret") },
        { name: "LISTED", secret: ref("listed") },
      ],
      {
        secretVolumes: [
          { volume: "certs", mounts: [{ container: "app", mountPath: "/etc/certs" }], ref: ref("tls-cert", "2"), path: "cert.pem" },
        ],
      },
    );
    const findings = checkOtherSecretRefs(
      config,
      requirementOf("secrets:\n  LISTED: {}"),
      facts({
        "chat-staging/gone@latest": "not_found",
        "chat-staging/ok-secret@latest": "ok",
        "chat-staging/listed@latest": "not_found",
        "chat-staging/tls-cert@2": "version_disabled",
      }),
    );
    expect(findings.map((finding) => `${finding.subject} ${finding.id} ${finding.status}`)).toEqual([
      "EXTRA secret.not_found fail",
      "/etc/certs/cert.pem secret.version_disabled fail",
    ]);
  });
});
