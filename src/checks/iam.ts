// Can the revision's runtime service account read each secret it references?
// Cloud Run resolves secrets as that account at start-up; without
// roles/secretmanager.secretAccessor the revision never becomes ready. Pure.
import { type AccessorFacts, grantOf } from "../facts.js";
import type { Finding, RevisionConfig, SecretRef } from "../model.js";
import { describeRevision } from "./describe.js";

export function checkAccessor(config: RevisionConfig, refs: { envName: string; ref: SecretRef }[], facts: AccessorFacts): Finding[] {
  const member = `serviceAccount:${facts.serviceAccount}`;
  const seen = new Set<string>();
  const findings: Finding[] = [];
  for (const { envName, ref } of refs) {
    const project = ref.project ?? config.project;
    const key = `${project}/${ref.secret}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const secretPolicy = facts.secretPolicies.get(key);
    const projectPolicy = facts.projectPolicies.get(project);
    const grants = [secretPolicy, projectPolicy].map((policy) => (policy && "bindings" in policy ? grantOf(policy, member) : undefined));
    const base = { subject: envName };
    if (grants.includes("granted")) {
      findings.push({ ...base, id: "iam.accessor", status: "pass", message: `${facts.serviceAccount} can read ${ref.secret}` });
    } else if (grants.includes("conditional") || grants.includes("group_or_custom")) {
      findings.push({
        ...base,
        id: "iam.accessor_unverifiable",
        status: "warn",
        message: `cannot tell whether ${facts.serviceAccount} can read ${ref.secret}: access comes only from a conditional binding, a group or principal set, or a custom role`,
        hint: "grant roles/secretmanager.secretAccessor directly to the service account on the secret to make it verifiable",
      });
    } else if (grants.includes(undefined)) {
      // "Missing" needs both policies read: a grant may sit on whichever one could not be.
      const why = (
        [
          ["the secret's", secretPolicy],
          ["the project's", projectPolicy],
        ] as const
      )
        .filter(([, policy]) => !policy || "unreadable" in policy)
        .map(([whose, policy]) => `${whose} ${policy && "unreadable" in policy ? policy.unreadable : "was not read"}`)
        .join(", ");
      findings.push({
        ...base,
        id: "iam.policy_unreadable",
        status: "error",
        message: `cannot verify that ${facts.serviceAccount} can read ${ref.secret}: no grant was found in the policy that could be read, and the other could not be (${why})`,
        hint: "grant the gate's identity roles/secretmanager.viewer and roles/iam.securityReviewer (getIamPolicy)",
      });
    } else {
      findings.push({
        ...base,
        id: "iam.accessor_missing",
        status: "fail",
        message: `${describeRevision(config)} runs as ${facts.serviceAccount}, which cannot read secret ${ref.secret} (needed by ${envName})`,
        hint: `gcloud secrets add-iam-policy-binding ${ref.secret} --project=${project} --member=${member} --role=roles/secretmanager.secretAccessor`,
      });
    }
  }
  return findings;
}
