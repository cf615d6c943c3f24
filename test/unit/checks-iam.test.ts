import { describe, expect, it } from "vitest";
import { checkAccessor } from "../../src/checks/iam.js";
import type { PolicyFact } from "../../src/facts.js";
import { revision } from "./fixtures.js";

const SA = "runtime@chat-staging.iam.gserviceaccount.com";
const config = revision([{ name: "JWT_SECRET", secret: { secret: "jwt", version: "latest" } }], { serviceAccount: SA });
const refs = [{ envName: "JWT_SECRET", ref: { secret: "jwt", version: "latest" } }];
const binding = (role: string, members: string[], conditional = false) => ({ role, members, conditional });
const run = (secret: PolicyFact | undefined, project: PolicyFact | undefined) =>
  checkAccessor(config, refs, {
    serviceAccount: SA,
    secretPolicies: new Map(secret ? [["chat-staging/jwt", secret]] : []),
    projectPolicies: new Map(project ? [["chat-staging", project]] : []),
  }).map((finding) => [finding.id, finding.status]);

describe("checkAccessor", () => {
  it.each<[string, PolicyFact | undefined, PolicyFact | undefined, [string, string]]>([
    [
      "granted on the secret",
      { bindings: [binding("roles/secretmanager.secretAccessor", [`serviceAccount:${SA}`])] },
      { bindings: [] },
      ["iam.accessor", "pass"],
    ],
    [
      "granted on the project",
      { bindings: [] },
      { bindings: [binding("roles/secretmanager.secretAccessor", [`serviceAccount:${SA}`])] },
      ["iam.accessor", "pass"],
    ],
    [
      "admin includes access",
      { bindings: [binding("roles/secretmanager.admin", [`serviceAccount:${SA}`])] },
      undefined,
      ["iam.accessor", "pass"],
    ],
    [
      "viewer does not",
      { bindings: [binding("roles/secretmanager.viewer", [`serviceAccount:${SA}`])] },
      { bindings: [] },
      ["iam.accessor_missing", "fail"],
    ],
    [
      "another account",
      { bindings: [binding("roles/secretmanager.secretAccessor", ["serviceAccount:other@x.iam.gserviceaccount.com"])] },
      { bindings: [] },
      ["iam.accessor_missing", "fail"],
    ],
    [
      "conditional binding",
      { bindings: [binding("roles/secretmanager.secretAccessor", [`serviceAccount:${SA}`], true)] },
      { bindings: [] },
      ["iam.accessor_unverifiable", "warn"],
    ],
    [
      "only through a group",
      { bindings: [binding("roles/secretmanager.secretAccessor", ["group:runtime@example.com"])] },
      { bindings: [] },
      ["iam.accessor_unverifiable", "warn"],
    ],
    ["policies unreadable", { unreadable: "HTTP 403" }, { unreadable: "HTTP 403" }, ["iam.policy_unreadable", "error"]],
    // A grant may sit on the policy that could not be read: "missing" would be a guess.
    ["no grant on the secret, project policy unreadable", { bindings: [] }, { unreadable: "HTTP 503" }, ["iam.policy_unreadable", "error"]],
    ["no grant on the project, secret policy unreadable", { unreadable: "HTTP 403" }, { bindings: [] }, ["iam.policy_unreadable", "error"]],
    ["no grant on the secret, project policy not read", { bindings: [] }, undefined, ["iam.policy_unreadable", "error"]],
  ])("%s", (_, secret, project, expected) => {
    expect(run(secret, project)).toEqual([expected]);
  });

  it("gives the exact grant command", () => {
    const [finding] = checkAccessor(config, refs, {
      serviceAccount: SA,
      secretPolicies: new Map([["chat-staging/jwt", { bindings: [] }]]),
      projectPolicies: new Map([["chat-staging", { bindings: [] }]]),
    });
    expect(finding?.hint).toBe(
      `gcloud secrets add-iam-policy-binding jwt --project=chat-staging --member=serviceAccount:${SA} --role=roles/secretmanager.secretAccessor`,
    );
  });
});
