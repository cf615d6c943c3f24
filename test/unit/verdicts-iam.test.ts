// The accessor verdict against the principal forms real allow policies hold
// (https://cloud.google.com/iam/docs/principal-identifiers): a grant the gate
// cannot expand is "cannot tell", never a confident "missing".
import { describe, expect, it } from "vitest";
import { checkAccessor } from "../../src/checks/iam.js";
import type { AccessorFacts, PolicyFact } from "../../src/facts.js";
import { revision } from "./fixtures.js";

const SA = "runtime@chat-staging.iam.gserviceaccount.com";
const config = revision([{ name: "JWT_SECRET", secret: { secret: "jwt", version: "latest" } }], { serviceAccount: SA });
const refs = [{ envName: "JWT_SECRET", ref: { secret: "jwt", version: "latest" } }];
const binding = (role: string, members: string[], conditional = false) => ({ role, members, conditional });
const facts = (secret: PolicyFact, extra: Partial<AccessorFacts> = {}): AccessorFacts => ({
  serviceAccount: SA,
  secretPolicies: new Map([["chat-staging/jwt", secret]]),
  projectPolicies: new Map([["chat-staging", { bindings: [] }]]),
  ...extra,
});
const verdict = (secret: PolicyFact, extra: Partial<AccessorFacts> = {}) =>
  checkAccessor(config, refs, facts(secret, extra)).map((finding) => [finding.id, finding.status]);

describe("accessor verdicts on the principal forms of real policies", () => {
  it.each<[string, string[], string, [string, string]]>([
    // IAM stores emails lowercased; Cloud Run keeps the email as it was given.
    [
      "the account's email in another case",
      [`serviceAccount:${SA.toUpperCase()}`],
      "roles/secretmanager.secretAccessor",
      ["iam.accessor", "pass"],
    ],
    // Every service account is an authenticated principal.
    ["allAuthenticatedUsers", ["allAuthenticatedUsers"], "roles/secretmanager.secretAccessor", ["iam.accessor", "pass"]],
    ["allUsers", ["allUsers"], "roles/secretmanager.secretAccessor", ["iam.accessor", "pass"]],
    // "All service accounts in a project, folder, or organization": the gate cannot tell which those are.
    [
      "a principalSet of a project's service accounts",
      ["principalSet://cloudresourcemanager.googleapis.com/projects/123456789012/type/ServiceAccount"],
      "roles/secretmanager.secretAccessor",
      ["iam.accessor_unverifiable", "warn"],
    ],
    [
      "a principalSet of an organization's service accounts",
      ["principalSet://cloudresourcemanager.googleapis.com/organizations/42/type/ServiceAccount"],
      "roles/secretmanager.admin",
      ["iam.accessor_unverifiable", "warn"],
    ],
    // Convenience values: whoever holds a basic role on the project.
    ["projectEditor:", ["projectEditor:chat-staging"], "roles/secretmanager.secretAccessor", ["iam.accessor_unverifiable", "warn"]],
    // A custom role's permissions are not in the policy: through a group it is just as unknown.
    [
      "a custom role through a group",
      ["group:runtime@example.com"],
      "projects/chat-staging/roles/readSecrets",
      ["iam.accessor_unverifiable", "warn"],
    ],
    [
      "an organization custom role, direct",
      [`serviceAccount:${SA}`],
      "organizations/42/roles/readSecrets",
      ["iam.accessor_unverifiable", "warn"],
    ],
    // Not the account: a deleted account's binding, and a user.
    [
      "a deleted account",
      [`deleted:serviceAccount:${SA}?uid=123456789`],
      "roles/secretmanager.secretAccessor",
      ["iam.accessor_missing", "fail"],
    ],
    ["a user", ["user:alex@example.com"], "roles/secretmanager.secretAccessor", ["iam.accessor_missing", "fail"]],
    // roles/editor and roles/viewer do not include secretmanager.versions.access.
    ["roles/editor", [`serviceAccount:${SA}`], "roles/editor", ["iam.accessor_missing", "fail"]],
    ["roles/viewer", [`serviceAccount:${SA}`], "roles/viewer", ["iam.accessor_missing", "fail"]],
  ])("%s", (_, members, role, expected) => {
    expect(verdict({ bindings: [binding(role, members)] })).toEqual([expected]);
  });

  it("a conditional allAuthenticatedUsers grant is not an unconditional one", () => {
    expect(verdict({ bindings: [binding("roles/secretmanager.secretAccessor", ["allAuthenticatedUsers"], true)] })).toEqual([
      ["iam.accessor_unverifiable", "warn"],
    ]);
  });
});
