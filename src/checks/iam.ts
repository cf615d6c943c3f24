// Can the revision's runtime service account read each secret it references?
// Cloud Run resolves secrets as that account at start-up; without
// roles/secretmanager.secretAccessor the revision never becomes ready. Pure.
import { type AccessorFacts, grantOf, type InheritedPolicies, type PolicyFact } from "../facts.js";
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
    // The folders and organization above the project: their grants are inherited too.
    const inherited: InheritedPolicies | undefined = facts.inheritedPolicies ? facts.inheritedPolicies.get(project) : { policies: [] };
    const policies: (readonly [string, PolicyFact | undefined])[] = [
      ["the secret's", secretPolicy],
      ["the project's", projectPolicy],
      ...(inherited && "policies" in inherited ? inherited.policies.map(({ resource, policy }) => [`${resource}'s`, policy] as const) : []),
    ];
    const grants = policies.map(([, policy]) => (policy && "bindings" in policy ? grantOf(policy, member) : undefined));
    const grantedBy = policies[grants.indexOf("granted")]?.[0];
    const base = { subject: envName };
    if (grantedBy !== undefined) {
      const where = grantedBy === "the secret's" || grantedBy === "the project's" ? "" : ` (granted on ${grantedBy.slice(0, -2)})`;
      findings.push({ ...base, id: "iam.accessor", status: "pass", message: `${facts.serviceAccount} can read ${ref.secret}${where}` });
    } else if (facts.serviceAccountUnknown) {
      // No policy names PROJECT_NUMBER-compute@…: "missing" would be said of an account that is not the real one.
      findings.push({
        ...base,
        id: "iam.account_unknown",
        status: "error",
        message: `cannot verify that the revision's runtime service account can read ${ref.secret}: ${facts.serviceAccountUnknown}`,
        hint: "grant the gate's identity resourcemanager.projects.get on the project (roles/browser), or deploy with --service-account",
      });
    } else if (grants.includes("conditional") || grants.includes("group_or_custom")) {
      findings.push({
        ...base,
        id: "iam.accessor_unverifiable",
        status: "warn",
        message: `cannot tell whether ${facts.serviceAccount} can read ${ref.secret}: access comes only from a conditional binding, a group or principal set, or a custom role`,
        hint: "grant roles/secretmanager.secretAccessor directly to the service account on the secret to make it verifiable",
      });
    } else if (grants.includes(undefined) || !inherited || "unreadable" in inherited) {
      // "Missing" needs every policy that could grant read: a grant may sit on whichever one could not be.
      const why = [
        ...policies
          .filter(([, policy]) => !policy || "unreadable" in policy)
          .map(([whose, policy]) => `${whose} policy ${policy && "unreadable" in policy ? `(${policy.unreadable})` : "was not read"}`),
        ...(!inherited ? ["the folders and organization above the project were not looked up"] : []),
        ...(inherited && "unreadable" in inherited
          ? [`the folders and organization above the project are unknown: ${inherited.unreadable}`]
          : []),
      ].join(", ");
      findings.push({
        ...base,
        id: "iam.policy_unreadable",
        status: "error",
        message: `cannot verify that ${facts.serviceAccount} can read ${ref.secret}: no grant was found in the policies that could be read, and others could not be (${why})`,
        hint: "grant the gate's identity roles/secretmanager.viewer and roles/iam.securityReviewer (getIamPolicy) where the policies could not be read, or grant the runtime account roles/secretmanager.secretAccessor on the secret itself",
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
