// The runtime probes of one service: /health, then the WebSocket with a token,
// without one and with a forged one. Each outcome becomes a finding with its
// likely cause; the diagnosis joins them with the config findings.
import { describeError } from "../errors.js";
import type { ServiceRequirement } from "../manifest/load.js";
import type { WebsocketRequirement } from "../manifest/schema.js";
import type { Finding } from "../model.js";
import { offService, probeHealth } from "./health.js";
import { describeAuthorized, describeUnauthorized } from "./outcomes.js";
import type { ProbeTokens } from "./tokens.js";
import { type HandshakeOutcome, type HandshakeSpec, handshake, protocolSpec, wasAccepted, websocketUrl } from "./websocket.js";

export interface ProbeTarget extends Omit<ProbeTokens, "tokenFindings" | "negatives"> {
  negatives?: ProbeTokens["negatives"];
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

/** Whether the manifest asks for any runtime probe of the service. */
export function hasProbes(requirement: ServiceRequirement): boolean {
  return Boolean(requirement.health || requirement.websocket || requirement.http?.length);
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
  const options = { signal, headers: withOrigin(headers, ws), redact: target.forgedToken ? [target.forgedToken] : [] };
  const spec = refusalSpec(ws);
  const [withoutToken, forged] = await Promise.all([
    handshake(url, spec, undefined, options),
    target.forgedToken ? handshake(url, spec, target.forgedToken, options) : undefined,
  ]);
  return { withoutToken, forged };
}

/**
 * Being let in is enough to fail a refusal probe, so it sends no `send`; with token_in: message
 * it sends the auth message and reads the reply, which is where such a backend says no.
 */
function refusalSpec(ws: WebsocketRequirement): HandshakeSpec {
  const spec = {
    protocol: ws.protocol,
    token_in: ws.token_in,
    token_name: ws.token_name,
    timeout_ms: ws.timeout_ms,
    observe_ms: ws.observe_ms,
  };
  return protocolSpec(ws.token_in === "message" ? { ...spec, message: ws.message, expect_reply: ws.expect_reply } : spec);
}

/** The Origin a browser on the site sends: the first allowed one (a backend that checks Origin refuses none). */
function withOrigin(headers: Record<string, string>, ws: WebsocketRequirement, origin = ws.allowed_origins?.[0]) {
  return origin ? { ...headers, Origin: serializedOrigin(origin) } : headers;
}

/**
 * An origin as a browser sends it (RFC 6454 ASCII serialization): host lower-cased and punycoded, default
 * port dropped. As written, `https://bücher.example` could not even be a header value: node:http threw.
 */
function serializedOrigin(origin: string): string {
  try {
    const serialized = new URL(origin).origin;
    return serialized === "null" ? origin : serialized;
  } catch {
    return origin;
  }
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
  const negatives = target.negatives ?? [];
  const redact = [target.token, target.forgedToken, ...negatives.map((probe) => probe.token)].filter(
    (token): token is string => token !== undefined,
  );
  const [withToken, { withoutToken, forged }] = await Promise.all([
    timed(() => handshake(url, ws, target.token, { signal, headers: withOrigin(headers, ws), redact })),
    refusals,
  ]);
  const authorized = describeAuthorized(ws.path, withToken.outcome, target.tokenNote);
  findings.push(...authorized.map((finding, index) => ({ ...finding, ...context, ...(index === 0 ? { duration_ms: withToken.ms } : {}) })));
  if (withoutToken)
    findings.push({
      ...describeUnauthorized(ws.path, withoutToken, "without a token", "ws.open_without_token", { spec: refusalSpec(ws) }),
      ...context,
    });
  // Without a valid secret the authorized handshake already sent the forged token: not a separate refusal.
  if (forged && target.forgedToken) {
    findings.push({
      ...describeUnauthorized(ws.path, forged, "with a token signed by a random key", "ws.open_with_forged_token", {
        spec: refusalSpec(ws),
      }),
      ...context,
    });
  }
  // Only a revision that lets the valid token in can show it skips a check; before that they prove nothing.
  if (wasAccepted(withToken.outcome, ws) && negatives.length > 0) {
    const spec = refusalSpec(ws);
    const described = await Promise.all(
      negatives.map(async (probe) => {
        const outcome = await handshake(url, spec, probe.token, { signal, headers: withOrigin(headers, ws, probe.origin), redact });
        return { ...describeUnauthorized(ws.path, outcome, probe.how, probe.id, { spec, hint: probe.hint }), ...context };
      }),
    );
    findings.push(...described);
  }
  return findings;
}
async function timed<T>(action: () => Promise<T>): Promise<{ outcome: T; ms: number }> {
  const started = performance.now();
  const outcome = await action();
  return { outcome, ms: Math.round(performance.now() - started) };
}
