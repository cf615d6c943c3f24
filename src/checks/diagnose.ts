// Join what the config checks found with how the probes failed, and say the
// most likely cause first: "403" alone cost the team hours in every incident.
// Each rule is one cause; the rules are in order of how much they explain.
import type { ServiceRequirement } from "../manifest/load.js";
import type { Finding, RevisionConfig } from "../model.js";

const FAILING = new Set(["fail", "error"]);
const failing = (finding: Finding) => FAILING.has(finding.status);
/** Findings about the token or the tests' secret, which are not the deployed config. */
const TOKEN_IDS = /^(jwt\.minted|jwt\.key_invalid|jwt\.mint_failed|jwt\.test_secret_)/;

interface Evidence {
  requirement: ServiceRequirement;
  config: Finding[];
  probes: Finding[];
  all: Finding[];
  revision: Pick<RevisionConfig, "env"> | undefined;
  /** The authorized WebSocket handshake, when it failed at or after the upgrade. */
  wsFailure: Finding | undefined;
  /** 401/403 on the upgrade or 1008 after it: the backend judged the token. */
  tokenRefused: boolean;
}

type Rule = (evidence: Evidence) => Finding | undefined;

const about = (subject: string | undefined) => (subject === undefined ? {} : { subject });

export function diagnose(
  requirement: ServiceRequirement,
  config: Finding[],
  probes: Finding[],
  revision?: Pick<RevisionConfig, "env">,
): Finding[] {
  const all = [...config, ...probes];
  const wsFailure = probes.find((finding) => (finding.id === "ws.rejected" || finding.id === "ws.closed") && failing(finding));
  const tokenRefused = /^(HTTP 40[13]|close 1008)$/.test(wsFailure?.found ?? "");
  const evidence: Evidence = { requirement, config, probes, all, revision, wsFailure, tokenRefused };
  const causes = RULES.flatMap((rule) => rule(evidence) ?? []);
  // "Unhealthy" is the fallback: when a sharper cause was found it only repeats the health finding.
  return causes.length > 1 ? causes.filter((cause) => cause.id !== "diagnosis.unhealthy") : causes;
}

const openEndpoint: Rule = ({ requirement, probes }) => {
  const open = probes.filter((finding) => /^ws\.open_(without|with_forged)_token$/.test(finding.id) && finding.status === "fail");
  if (open.length === 0) return undefined;
  const how = open.map((finding) => (finding.id === "ws.open_without_token" ? "without a token" : "with a token signed by a random key"));
  return {
    id: "diagnosis.open_endpoint",
    status: "fail",
    ...about(requirement.websocket?.path),
    message: `the WebSocket is open to anyone: it accepted a handshake ${how.join(" and ")}, so the backend does not verify tokens before accepting`,
    hint: "verify the token's signature (and exp, aud) before accepting the upgrade; never fall back to accepting when the secret is unset",
  };
};

const missingIdToken: Rule = ({ all, wsFailure, tokenRefused }) => {
  const unavailable = all.find((finding) => finding.id === "probe.id_token_unavailable");
  const healthDenied = all.some((finding) => finding.id === "health.status" && /^40[13]$/.test(finding.found ?? ""));
  if (!unavailable || !(tokenRefused || healthDenied)) return undefined;
  return {
    id: "diagnosis.id_token",
    status: "error",
    message: `the probes were refused (${wsFailure?.found ?? "HTTP 401/403 on /health"}) and the gate had no Google ID token: Cloud Run IAM likely refused them before the app saw them`,
    hint: unavailable.hint ?? "let the gate mint ID tokens, or make the service public",
  };
};

const unusableKey: Rule = ({ all, wsFailure, requirement }) => {
  const invalid = all.find((finding) => (finding.id === "jwt.key_invalid" || finding.id === "jwt.mint_failed") && failing(finding));
  if (!invalid || !wsFailure) return undefined;
  return {
    id: "diagnosis.jwt_key",
    status: "fail",
    ...about(requirement.jwt?.secret_env),
    message: `${wsFailure.found ?? "refused"} on the WebSocket, and the gate could not sign with the deployed key: ${invalid.message}`,
    ...(invalid.hint ? { hint: invalid.hint } : {}),
  };
};

/** Incident 1: the backend cannot verify tokens because its secret is missing or unreadable. */
const jwtSecretMissing: Rule = ({ requirement, config, wsFailure }) => {
  const jwt = requirement.jwt;
  const problem = jwt && config.find((finding) => finding.subject === jwt.secret_env && failing(finding) && !TOKEN_IDS.test(finding.id));
  if (!wsFailure || !jwt || !problem) return undefined;
  return {
    id: "diagnosis.jwt_secret",
    status: "fail",
    subject: jwt.secret_env,
    message: `${wsFailure.found ?? "refused"} on the WebSocket is explained by ${jwt.secret_env}: ${problem.message}. The backend cannot verify tokens`,
    ...(problem.hint ? { hint: problem.hint } : {}),
  };
};

/** Incident 2: the backend verified the token but dies accepting, for want of config it needs per connection. */
const incompleteConfig: Rule = ({ requirement, config, wsFailure }) => {
  const jwtEnv = requirement.jwt?.secret_env;
  const others = config.filter((finding) => failing(finding) && finding.subject !== jwtEnv && !TOKEN_IDS.test(finding.id));
  if (!wsFailure || others.length === 0) return undefined;
  const names = [...new Set(others.map((finding) => finding.subject ?? finding.id))].join(", ");
  const accepted = wsFailure.id === "ws.closed";
  return {
    id: "diagnosis.config",
    status: "fail",
    message: `${wsFailure.found ?? "refused"} on the WebSocket, and the config is incomplete (${names}): ${
      accepted
        ? "the backend accepted the token, then failed while setting up the connection (for example calling the auth service without SERVICE_SECRET)"
        : "the backend likely fails while handling the upgrade"
    }`,
    hint: "fix the config findings below first, then re-run",
  };
};

/** Incident 3: the deploy is fine; the tests sign with another secret. */
const testSecretDiffers: Rule = ({ requirement, all, wsFailure }) => {
  const differs = all.find((finding) => finding.id === "jwt.test_secret_differs" && failing(finding));
  const jwt = requirement.jwt;
  if (!differs || !jwt) return undefined;
  const connected = all.some((finding) => finding.id === "ws.connected" && finding.status === "pass");
  return {
    id: "diagnosis.test_secret",
    status: "fail",
    ...about(differs.subject),
    message: connected
      ? `the deploy is fine: the backend accepts tokens signed with its ${jwt.secret_env}. The secret your tests sign with is a different value, so their tokens get 403: fix the tests' secret, not the deployment`
      : `the secret your tests sign with differs from ${jwt.secret_env}, so their tokens get 403 whatever else is fixed${wsFailure ? ` (the gate's own token also failed: ${wsFailure.found ?? "refused"})` : ""}`,
    hint: differs.hint ?? `make the tests read the same secret as the backend (${jwt.secret_env})`,
  };
};

/** Incident 4: right secret, healthy, config complete, still refused: the backend checks something the token lacks. */
const tokenRequirements: Rule = ({ requirement, all, config, probes, revision, wsFailure, tokenRefused }) => {
  const jwt = requirement.jwt;
  const minted = probes.find((finding) => finding.id === "jwt.minted" && finding.status === "pass");
  const configOk = !config.some((finding) => failing(finding) && !TOKEN_IDS.test(finding.id));
  const healthOk = !all.some((finding) => finding.id.startsWith("health.") && failing(finding));
  if (!jwt || !minted || !wsFailure || !tokenRefused || !configOk || !healthOk) return undefined;
  const carried = (minted.found ?? "").split(", ").filter(Boolean);
  const absent = ["aud", "iss"].filter((claim) => !carried.includes(claim));
  const clues = (revision?.env ?? [])
    .map((entry) => entry.name)
    .filter((name) => /(^|_)(AUD|AUDIENCE|ISS|ISSUER|CLAIMS?|SCOPES?|ALGORITHMS?|ALG)(_|$)/i.test(name));
  return {
    id: "diagnosis.token_requirements",
    status: "fail",
    subject: jwt.secret_env,
    message: [
      `health OK, config OK, token signed with the deployed ${jwt.secret_env}, still ${wsFailure.found}: the backend requires something else. `,
      `The token carried the claims ${carried.join(", ")}${absent.length ? ` (no ${absent.join(", no ")})` : ""}`,
      clues.length ? `; the revision sets ${clues.join(", ")}` : "",
      `. Check the claims it validates (aud, iss, custom) and the algorithm (${jwt.alg})`,
    ].join(""),
    hint: "compare the backend's token validation (required claims, audience, issuer, algorithm) with jwt.claims in the manifest and with what your tests mint",
  };
};

/** Neither config nor token explains it, but the backend is not healthy either. */
const unhealthy: Rule = ({ all, wsFailure }) => {
  const health = all.find((finding) => finding.id.startsWith("health.") && failing(finding));
  if (!wsFailure || !health) return undefined;
  return {
    id: "diagnosis.unhealthy",
    status: "fail",
    message: `${wsFailure.found ?? "refused"} on the WebSocket while the backend is unhealthy (${health.message}): fix its health first`,
    hint: "check the revision's logs and the dependencies /health reports on",
  };
};

const RULES: Rule[] = [
  openEndpoint,
  missingIdToken,
  unusableKey,
  jwtSecretMissing,
  incompleteConfig,
  testSecretDiffers,
  tokenRequirements,
  unhealthy,
];
