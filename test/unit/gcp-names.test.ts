// The grammars live answers are held to (src/gcp/names.ts), the enum readers
// (src/gcp/enums.ts) and the rollout findings (src/checks/rollout.ts), as tables.
import { describe, expect, it } from "vitest";
import { checkRollout } from "../../src/checks/rollout.js";
import { commonReason, conditionState, secretVersionState, trafficType } from "../../src/gcp/enums.js";
import { quoteUntrusted, revisionId, secretRefParts, secretVersionName, serviceAccountEmail, serviceUrl } from "../../src/gcp/names.js";
import type { RevisionConfig, RolloutFacts } from "../../src/model.js";

const target = { project: "chat-staging", region: "us-central1", service: "backend" };

describe("names from the Cloud Run API", () => {
  it.each([
    ["backend-00042-abc", "backend-00042-abc"],
    ["projects/chat-staging/locations/us-central1/services/backend/revisions/backend-00042-abc", "backend-00042-abc"],
    ["projects/123456789012/locations/us-central1/services/backend/revisions/backend-00042-abc", "backend-00042-abc"],
  ])("revision %s is %s", (value, id) => expect(revisionId(value, target)).toBe(id));

  it.each([
    "Backend-00042-abc",
    "backend_00042",
    "-backend",
    `a${"b".repeat(63)}`,
    "projects/chat-staging/locations/europe-west1/services/backend/revisions/backend-00042-abc",
    "projects/chat-staging/locations/us-central1/services/other/revisions/other-00001-abc",
    "projects/chat-staging/locations/us-central1/services/backend/revisions/../x",
    "backend-00042-abc\n::stop-commands::x",
    "",
    42,
    null,
  ])("revision %j is refused", (value) => expect(() => revisionId(value, target)).toThrow(/revision name that is not valid/));

  it.each(["https://backend-abc-uc.a.run.app", "https://backend-abc-uc.a.run.app/", "http://127.0.0.1:8080", "http://localhost:1"])(
    "URL %s is accepted",
    (value) => expect(serviceUrl(value)).toBe(value),
  );

  it.each([
    "http://backend.a.run.app",
    "https://user:pass@backend.a.run.app",
    "https://backend.a.run.app/path",
    "https://backend.a.run.app?x=1",
    "https://backend.a.run.app#x",
    "https://backend\n.a.run.app",
    "javascript:alert(1)",
    "//backend.a.run.app",
    "",
  ])("URL %j is refused", (value) => expect(() => serviceUrl(value)).toThrow(/service URL that is not valid/));

  it.each(["runtime@chat-staging.iam.gserviceaccount.com", "123456789012-compute@developer.gserviceaccount.com"])("email %s", (value) =>
    expect(serviceAccountEmail(value)).toBe(value),
  );
  it.each(["runtime", "runtime@@x.com", "a@b", "a b@c.com", "x@c.com\n::x"])("email %j is refused", (value) =>
    expect(() => serviceAccountEmail(value)).toThrow(/service account that is not valid/),
  );

  it.each([
    ["jwt-secret", "3", { secret: "jwt-secret", version: "3" }],
    ["jwt-secret", undefined, { secret: "jwt-secret", version: "latest" }],
    ["jwt-secret", "prod-alias", { secret: "jwt-secret", version: "prod-alias" }],
    ["projects/999/secrets/jwt", "latest", { project: "999", secret: "jwt", version: "latest" }],
  ])("secret ref %s:%s", (secret, version, parts) => expect(secretRefParts(secret, version)).toEqual(parts));

  it.each([
    ["../x", "latest", /secret id/],
    ["projects/p/secrets/x/versions/1", "latest", /secret id/],
    ["a".repeat(256), "latest", /secret id/],
    ["jwt", "0", /secret version/],
    ["jwt", "-1", /secret version/],
    ["jwt", "latest?alt=json", /secret version/],
  ])("secret ref %s:%s is refused", (secret, version, error) => expect(() => secretRefParts(secret, version)).toThrow(error));

  it("a resolved version name is a number on the secret that was asked for", () => {
    expect(secretVersionName("projects/123/secrets/jwt/versions/7", "jwt")).toBe("projects/123/secrets/jwt/versions/7");
    for (const bad of ["projects/123/secrets/other/versions/7", "projects/123/secrets/jwt/versions/latest", "x"])
      expect(() => secretVersionName(bad, "jwt")).toThrow(/secret version name that is not valid/);
  });

  it("quotes untrusted names inertly, and a long one not at all", () => {
    const quoted = quoteUntrusted("x\n::add-mask::y ##[stop-commands]@team `z`");
    expect(quoted).not.toMatch(/::|##\[|@|`|\n/);
    expect(quoteUntrusted("a".repeat(500))).toBe("(too long to show)");
    expect(quoteUntrusted(7)).toBe("(a number, not a string)");
  });
});

describe("enums as names or proto numbers", () => {
  it.each([
    [conditionState, "CONDITION_SUCCEEDED", 4],
    [conditionState, "CONDITION_FAILED", 3],
    [conditionState, "CONDITION_RECONCILING", 2],
    [trafficType, "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", 1],
    [trafficType, "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION", 2],
    [secretVersionState, "ENABLED", 1],
    [secretVersionState, "DISABLED", 2],
    [secretVersionState, "DESTROYED", 3],
    [commonReason, "SECRETS_ACCESS_CHECK_FAILED", 12],
  ] as const)("%o: %s = %d", (read, name, number) => {
    expect(read(name)).toBe(name);
    expect(read(number)).toBe(name);
  });

  it("unknown values are not guessed at", () => {
    expect(conditionState(99)).toBeUndefined();
    expect(conditionState("4")).toBeUndefined();
    expect(trafficType("LATEST")).toBeUndefined();
    expect(commonReason(0)).toBeUndefined();
    expect(commonReason("A_NEW_REASON")).toBe("A_NEW_REASON");
    expect(commonReason("not a code")).toBeUndefined();
  });
});

describe("rollout findings", () => {
  const config = (rollout: RolloutFacts): RevisionConfig => ({
    source: "live",
    project: "chat-staging",
    region: "us-central1",
    service: "backend",
    revision: "projects/chat-staging/locations/us-central1/services/backend/revisions/backend-00001-a",
    containers: [],
    env: [],
    secretVolumes: [],
    rollout,
  });
  const ready = { state: "ready", reasons: [] } as const;
  const base: RolloutFacts = {
    selector: "latest-ready",
    revision: ready,
    service: { ...ready, reconciling: false },
    latestCreated: "backend-00001-a",
    latestReady: "backend-00001-a",
  };
  const ids = (rollout: RolloutFacts) => checkRollout(config(rollout)).map((finding) => `${finding.id}:${finding.status}`);
  const failed = {
    state: "failed",
    reasons: ["CONTAINER_MISSING"],
    message: "Image\nnot found eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.sig",
  } as const;

  it.each([
    ["a settled service", base, []],
    [
      "newest failed, latest-ready",
      { ...base, latestCreated: "backend-00002-b", newest: { ...failed, revision: "backend-00002-b" } },
      ["revision.rollout_failed:fail"],
    ],
    [
      "newest failed, a named revision",
      { ...base, selector: "named", latestCreated: "backend-00002-b", newest: { ...failed, revision: "backend-00002-b" } },
      ["revision.rollout_failed:warn"],
    ],
    ["service failed", { ...base, service: { ...failed, reconciling: false } }, ["revision.rollout_failed:fail"]],
    [
      "still rolling out",
      { ...base, latestCreated: "backend-00002-b", service: { state: "in_progress", reasons: [], reconciling: true } },
      ["revision.rollout_in_progress:warn"],
    ],
    [
      "the revision under test failed",
      { ...base, selector: "latest-created", revision: failed, latestReady: "backend-00000-z", service: { ...failed, reconciling: false } },
      ["revision.not_ready:fail"],
    ],
  ] as const)("%s", (_, rollout, expected) => expect(ids(rollout as RolloutFacts)).toEqual(expected));

  it("Cloud Run's message is one line, with credential-shaped text cut out", () => {
    const [finding] = checkRollout(
      config({ ...base, latestCreated: "backend-00002-b", newest: { ...failed, revision: "backend-00002-b" } }),
    );
    expect(finding!.message).toContain("the newest revision backend-00002-b failed (CONTAINER_MISSING): Image not found [redacted]");
    expect(finding!.message).toContain("still serves backend-00001-a");
  });
});
