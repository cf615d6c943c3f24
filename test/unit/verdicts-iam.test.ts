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

describe("accessor verdicts with the folders and organization above the project", () => {
  const none: PolicyFact = { bindings: [] };
  const run = (above: AccessorFacts["inheritedPolicies"]) =>
    checkAccessor(config, refs, facts(none, above ? { inheritedPolicies: above } : {})).map((finding) => [
      finding.id,
      finding.status,
      finding.message,
    ]);

  it.each<[string, AccessorFacts["inheritedPolicies"], [string, string]]>([
    [
      "an unconditional grant on the organization",
      new Map([
        [
          "chat-staging",
          { policies: [{ resource: "organizations/42", policy: { bindings: [binding("roles/owner", [`serviceAccount:${SA}`])] } }] },
        ],
      ]),
      ["iam.accessor", "pass"],
    ],
    [
      "a conditional grant on a folder",
      new Map([
        [
          "chat-staging",
          {
            policies: [
              {
                resource: "folders/7",
                policy: { bindings: [binding("roles/secretmanager.secretAccessor", [`serviceAccount:${SA}`], true)] },
              },
            ],
          },
        ],
      ]),
      ["iam.accessor_unverifiable", "warn"],
    ],
    [
      "the parent could not be looked up",
      new Map([["chat-staging", { unreadable: "the parent of projects/chat-staging could not be read (HTTP 403)" }]]),
      ["iam.policy_unreadable", "error"],
    ],
    ["nothing was looked up above this project", new Map(), ["iam.policy_unreadable", "error"]],
    [
      "every policy up to the organization read, none grants",
      new Map([
        [
          "chat-staging",
          {
            policies: [
              { resource: "folders/7", policy: none },
              { resource: "organizations/42", policy: none },
            ],
          },
        ],
      ]),
      ["iam.accessor_missing", "fail"],
    ],
    [
      "the organization's policy unreadable",
      new Map([
        [
          "chat-staging",
          {
            policies: [
              { resource: "folders/7", policy: none },
              { resource: "organizations/42", policy: { unreadable: "HTTP 403" } },
            ],
          },
        ],
      ]),
      ["iam.policy_unreadable", "error"],
    ],
  ])("%s", (_, above, [id, status]) => {
    const [finding] = run(above);
    expect(finding?.slice(0, 2)).toEqual([id, status]);
    if (id === "iam.policy_unreadable")
      expect(finding?.[2]).toMatch(/organizations\/42's policy \(HTTP 403\)|could not be read \(HTTP 403\)|were not looked up/);
  });

  it("the default compute account of a project whose number is unknown: cannot verify", () => {
    const [finding] = checkAccessor(config, refs, {
      ...facts(none, { inheritedPolicies: new Map([["chat-staging", { policies: [] }]]) }),
      serviceAccount: "PROJECT_NUMBER-compute@developer.gserviceaccount.com",
      serviceAccountUnknown: "it is the default compute account of chat-staging, whose project number could not be read",
    });
    expect([finding?.id, finding?.status]).toEqual(["iam.account_unknown", "error"]);
    expect(finding?.message).not.toContain("PROJECT_NUMBER");
  });
});
