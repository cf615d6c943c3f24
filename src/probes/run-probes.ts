// The runtime probes of one service: /health, then the WebSocket with a token,
// without one and with a forged one. Each outcome becomes a finding with its
// likely cause; the diagnosis joins them with the config findings.
import { describeError } from "../errors.js";
import type { ServiceRequirement } from "../manifest/load.js";
import type { Finding } from "../model.js";
import { offService, probeHealth } from "./health.js";
import { describeAuthorized, describeUnauthorized } from "./outcomes.js";
import type { ProbeTokens } from "./tokens.js";
import { type HandshakeOutcome, handshake, websocketUrl } from "./websocket.js";

export interface ProbeTarget extends Omit<ProbeTokens, "tokenFindings"> {
  /** The URL actually probed (the service's, a tag's, or the `url` input): every probe, and its credentials, stay on its origin. */
  baseUrl: string;
  tokenFindings?: Finding[];
}

export interface ProbeOptions {
  /**
   * Mints a Google ID token for a private service (sent as X-Serverless-Authorization), asked for
   * the origin of the URL probed: the token names where it is sent (main.ts lets id_token_audience override it).
   */
  idToken?: (audience: string) => Promise<string>;
  mask?: (value: string) => void;
}

/** Cloud Run checks this header for IAM and passes Authorization through to the app, so the app's own JWT can use it. */
export const ID_TOKEN_HEADER = "X-Serverless-Authorization";

/** The ID token and /health: they need no JWT, so the gate starts them as soon as the revision's URL is known. */
export async function probeHttp(
  requirement: ServiceRequirement,
  target: Pick<ProbeTarget, "baseUrl">,
  signal: AbortSignal,
  options: ProbeOptions = {},
): Promise<{ findings: Finding[]; headers: Record<string, string> }> {
  const findings: Finding[] = [];
  const headers: Record<string, string> = {};
  if (options.idToken) {
    const audience = new URL(target.baseUrl).origin;
    try {
      const idToken = await options.idToken(audience);
      options.mask?.(idToken);
      headers[ID_TOKEN_HEADER] = `Bearer ${idToken}`;
    } catch (error) {
      findings.push({
        id: "probe.id_token_unavailable",
        status: "error",
        subject: audience,
        message: `could not get a Google ID token for ${audience}, so the probes ran without one: ${describeError(error)}`,
        hint: "a private service answers 401/403 without it: give the gate's service account roles/run.invoker and the right to mint ID tokens",
      });
    }
  }
  if (requirement.health) findings.push(...(await probeHealth(target.baseUrl, requirement.health, { signal, headers })));
  return { findings, headers };
}

/** The handshakes that must be refused: without a token, and with one signed by a random key. */
export interface RefusalOutcomes {
  withoutToken: HandshakeOutcome | undefined;
  forged: HandshakeOutcome | undefined;
}

/**
 * The refusal handshakes need neither the deployed secret nor its token, so the gate starts
 * them while the secret is still being read; only the authorized handshake waits for it.
 */
export async function probeRefusals(
  requirement: ServiceRequirement,
  target: { baseUrl: string; forgedToken: string | undefined },
  headers: Record<string, string>,
  signal: AbortSignal,
): Promise<RefusalOutcomes> {
  const ws = requirement.websocket;
  const url = ws?.expect_refused_without_token ? websocketUrl(target.baseUrl, ws.path) : undefined;
  // Off the service's origin: nothing is sent; probeWebsocket reports it.
  if (!ws || !url) return { withoutToken: undefined, forged: undefined };
  const options = { signal, headers, redact: target.forgedToken ? [target.forgedToken] : [] };
  // Being let in is enough to fail them, so they send no first message.
  const spec = { token_in: ws.token_in, token_name: ws.token_name, timeout_ms: ws.timeout_ms, observe_ms: ws.observe_ms };
  const [withoutToken, forged] = await Promise.all([
    handshake(url, spec, undefined, options),
    target.forgedToken ? handshake(url, spec, target.forgedToken, options) : undefined,
  ]);
  return { withoutToken, forged };
}

/** The WebSocket with the minted token, plus the refusal outcomes (started earlier, or now). */
export async function probeWebsocket(
  requirement: ServiceRequirement,
  target: ProbeTarget,
  headers: Record<string, string>,
  signal: AbortSignal,
  refusals: Promise<RefusalOutcomes> = probeRefusals(requirement, target, headers, signal),
): Promise<Finding[]> {
  const findings: Finding[] = [];
  const ws = requirement.websocket;
  if (!ws) return findings;
  const url = websocketUrl(target.baseUrl, ws.path);
  const context = { location: ws.location, subject: ws.path };
  if (!url) return [offService(ws.path, "websocket.path", context)];
  const redact = [target.token, target.forgedToken].filter((token): token is string => token !== undefined);
  const [withToken, { withoutToken, forged }] = await Promise.all([
    timed(() => handshake(url, ws, target.token, { signal, headers, redact })),
    refusals,
  ]);
  const authorized = describeAuthorized(ws.path, withToken.outcome, target.tokenNote);
  findings.push(...authorized.map((finding, index) => ({ ...finding, ...context, ...(index === 0 ? { duration_ms: withToken.ms } : {}) })));
  if (withoutToken)
    findings.push({ ...describeUnauthorized(ws.path, withoutToken, "without a token", "ws.open_without_token"), ...context });
  // Without a valid secret the authorized handshake already sent the forged token: not a separate refusal.
  if (forged && target.forgedToken) {
    findings.push({
      ...describeUnauthorized(ws.path, forged, "with a token signed by a random key", "ws.open_with_forged_token"),
      ...context,
    });
  }
  return findings;
}
async function timed<T>(action: () => Promise<T>): Promise<{ outcome: T; ms: number }> {
  const started = performance.now();
  const outcome = await action();
  return { outcome, ms: Math.round(performance.now() - started) };
}
