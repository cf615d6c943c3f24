// Mint the token a client would send, signed with the secret the revision
// itself references, so a refusal means the backend, not the test, is wrong.
import { SignJWT } from "jose";
import type { JwtRequirement } from "../manifest/schema.js";

export interface MintedToken {
  token: string;
  /** Claim names only: values may be identifying and are never reported. */
  claimNames: string[];
}

export async function mintToken(secret: Uint8Array, jwt: JwtRequirement, now = new Date()): Promise<MintedToken> {
  const issuedAt = Math.floor(now.getTime() / 1000);
  const claims: Record<string, unknown> = { ...jwt.claims };
  const header = { alg: jwt.alg, ...(jwt.kid ? { kid: jwt.kid } : {}), typ: jwt.typ ?? "JWT" };
  const token = await new SignJWT(claims)
    .setProtectedHeader(header)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + jwt.ttl)
    .sign(secret);
  return { token, claimNames: [...new Set([...Object.keys(claims), "iat", "exp"])].sort() };
}
