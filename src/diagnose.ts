// Join what the config checks found with how the probes failed, and say the
// most likely cause first: "403" alone cost the team hours in every incident.
import type { ServiceRequirement } from "./manifest/load.js";
import type { Finding } from "./model.js";

const FAILING = new Set(["fail", "error"]);

export function diagnose(requirement: ServiceRequirement, config: Finding[], probes: Finding[]): Finding[] {
  const refused = probes.find((finding) => (finding.id === "ws.rejected" || finding.id === "ws.closed") && FAILING.has(finding.status));
  if (!refused) return [];
  const jwt = requirement.jwt;
  const secretProblem = jwt && config.find((finding) => finding.subject === jwt.secret_env && FAILING.has(finding.status));
  if (secretProblem) {
    return [
      {
        id: "diagnosis.jwt_secret",
        status: "fail",
        subject: jwt.secret_env,
        message: `${refused.found ?? "refused"} on the WebSocket is explained by ${jwt.secret_env}: ${secretProblem.message}. The backend cannot verify tokens`,
        ...(secretProblem.hint ? { hint: secretProblem.hint } : {}),
      },
    ];
  }
  const otherConfig = config.filter((finding) => FAILING.has(finding.status));
  if (otherConfig.length > 0) {
    const names = otherConfig.map((finding) => finding.subject ?? finding.id).join(", ");
    return [
      {
        id: "diagnosis.config",
        status: "fail",
        message: `${refused.found ?? "refused"} on the WebSocket, and the config is incomplete (${names}): the backend likely fails while accepting the connection (for example calling the auth service without SERVICE_SECRET)`,
        hint: "fix the config findings below first, then re-run",
      },
    ];
  }
  if (jwt && refused.message.includes(`signed with the revision's ${jwt.secret_env}`)) {
    const claims = [...new Set([...Object.keys(jwt.claims), "iat", "exp"])].sort().join(", ");
    return [
      {
        id: "diagnosis.token_requirements",
        status: "fail",
        message: `the backend refused a token signed with the very secret its revision references (${jwt.secret_env}), and the config checks pass: it requires something else, such as a claim (aud, iss, or a custom one) or a different algorithm. The token carried: ${claims}`,
        hint: "compare the backend's token validation (required claims, audience, issuer, algorithm) with the jwt section of the manifest",
      },
    ];
  }
  return [];
}
