// Secret verdicts against what Cloud Run really does with a ref
// (https://cloud.google.com/run/docs/configuring/services/secrets): an env var
// is resolved once, at instance start-up; a mounted volume is fetched from
// Secret Manager on every read, so it follows `latest` and has no old value.
import { describe, expect, it } from "vitest";
import { checkRotation } from "../../src/checks/rotation.js";
import { checkOtherSecretRefs } from "../../src/checks/secrets.js";
import { requirementOf, revision } from "./fixtures.js";

const ref = { secret: "jwt", version: "latest" };
const rotated = [{ ref, resolvedVersion: "projects/p/secrets/jwt/versions/2", createTime: "2026-12-01T11:00:00Z" }];

describe("rotation after the revision started", () => {
  it("warns for an env var: instances started before hold the old value", () => {
    const config = revision([{ name: "JWT_SECRET", secret: ref }], { createTime: "2026-12-01T10:00:00Z" });
    expect(checkRotation(config, rotated).map((finding) => [finding.id, finding.subject])).toEqual([
      ["secret.rotated_after_start", "JWT_SECRET"],
    ]);
  });

  it("says nothing for a mounted volume: every read fetches the latest version", () => {
    const config = revision([], {
      createTime: "2026-12-01T10:00:00Z",
      secretVolumes: [{ volume: "jwt", mounts: [{ container: "app", mountPath: "/secrets" }], ref }],
    });
    expect(checkRotation(config, rotated)).toEqual([]);
  });
});

describe("a broken version behind a mounted volume", () => {
  it("fails, saying the file's reads fail (Cloud Run does not check a volume at start-up)", () => {
    const config = revision([], { secretVolumes: [{ volume: "jwt", mounts: [{ container: "app", mountPath: "/secrets" }], ref }] });
    const [finding] = checkOtherSecretRefs(
      config,
      requirementOf("env: {}"),
      new Map([["chat-staging/jwt@latest", { state: { status: "version_disabled" } }]]),
    );
    expect(finding).toMatchObject({ id: "secret.version_disabled", status: "fail", subject: "/secrets" });
    expect(finding?.message).toContain("reading the mounted file will fail");
  });
});
