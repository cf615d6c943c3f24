// The tokens a backend must refuse although a client could hold them: one that
// expired, one that is not signed at all, one minted for another audience or
// issuer, and a valid one sent from a page on a foreign Origin. They are signed
// with the deployed key (but for alg none), so an acceptance means the backend
// skips that one check, not that the key is wrong. Masked like the valid token,
// and sent only to the probed URL.
import { UnsecuredJWT } from "jose";
import type { JwtRequirement, WebsocketRequirement } from "../manifest/schema.js";
import { mintToken, type SigningKey } from "./jwt.js";

export interface NegativeProbe {
  /** The finding id when the backend lets it in (`ws.accepted_*`); `.refused` is appended when it does not. */
  id: "ws.accepted_expired" | "ws.accepted_alg_none" | "ws.accepted_wrong_audience" | "ws.accepted_foreign_origin";
  /** "with …": how the handshake differs from the valid one. */
  how: string;
  /** What the backend should check. */
  hint: string;
  token: string;
  /** Sent instead of the allowed Origin. */
  origin?: string;
}

/** An origin no deployment serves (RFC 6761 .invalid): what a hijacking page's browser sends. */
export const FOREIGN_ORIGIN = "https://deploy-gate-foreign-origin.invalid";
const WRONG = { aud: "deploy-gate-wrong-audience.invalid", iss: "https://deploy-gate-wrong-issuer.invalid" } as const;
/** Far enough past to be outside any clock-skew leeway a backend allows. */
const EXPIRED_SECONDS_AGO = 3_600;

export async function negativeProbes(
  key: SigningKey,
  jwt: JwtRequirement,
  ws: Pick<WebsocketRequirement, "negative" | "allowed_origins"> | undefined,
  valid: string,
  mask: (value: string) => void,
  now = new Date(),
): Promise<NegativeProbe[]> {
  if (!ws) return [];
  const probes: NegativeProbe[] = [];
  const negative = ws.negative ?? { expired: true, alg_none: true, wrong_audience: true, foreign_origin: true };
  const add = (probe: NegativeProbe) => {
    mask(probe.token);
    probes.push(probe);
  };
  if (negative.expired) {
    const issued = new Date(now.getTime() - (jwt.ttl + EXPIRED_SECONDS_AGO) * 1000);
    add({
      id: "ws.accepted_expired",
      how: `with a token signed by the deployed key that expired ${EXPIRED_SECONDS_AGO / 60} minutes ago`,
      hint: "the backend does not check exp: verify it on every token (RFC 7519 §4.1.4; jose's jwtVerify and jsonwebtoken's verify do, jwt.decode does not)",
      token: (await mintToken(key, jwt, issued)).token,
    });
  }
  if (negative.alg_none) {
    const issuedAt = Math.floor(now.getTime() / 1000);
    add({
      id: "ws.accepted_alg_none",
      how: "with an unsigned token (alg: none)",
      hint: "the backend takes the algorithm from the token: pin the algorithms it accepts and never accept none (RFC 8725 §3.1, §2.1)",
      token: new UnsecuredJWT({ ...jwt.claims })
        .setIssuedAt(issuedAt)
        .setExpirationTime(issuedAt + jwt.ttl)
        .encode(),
    });
  }
  for (const claim of ["aud", "iss"] as const) {
    if (!negative.wrong_audience || jwt.claims[claim] === undefined) continue;
    add({
      id: "ws.accepted_wrong_audience",
      how: `with a token signed by the deployed key for another ${claim === "aud" ? "audience (aud)" : "issuer (iss)"}`,
      hint:
        claim === "aud"
          ? "the backend does not check aud: a token minted for another service passes (RFC 8725 §3.9, §3.11)"
          : "the backend does not check iss: a token from another issuer sharing the key passes (RFC 8725 §3.8)",
      token: (await mintToken(key, { ...jwt, claims: { ...jwt.claims, [claim]: WRONG[claim] } }, now)).token,
    });
  }
  if (negative.foreign_origin && ws.allowed_origins) {
    probes.push({
      id: "ws.accepted_foreign_origin",
      how: `from a foreign Origin (${FOREIGN_ORIGIN}) with a valid token`,
      hint: "the backend does not check Origin on the upgrade: any web page can open this socket with a visitor's credentials (cross-site WebSocket hijacking); refuse Origins outside websocket.allowed_origins",
      token: valid,
      origin: FOREIGN_ORIGIN,
    });
  }
  return probes;
}
