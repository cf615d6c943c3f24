// Mint the token a client would send, signed with the key the revision itself
// references, so a refusal means the backend, not the test, is wrong. HS* sign
// with the secret bytes; RS256 / ES256 / EdDSA with a PEM or JWK private key.
import { createPrivateKey, generateKeyPairSync, type JsonWebKey, type KeyObject, randomBytes } from "node:crypto";
import { SignJWT } from "jose";
import { isHmacAlgorithm, type JwtAlgorithm, type JwtRequirement } from "../manifest/schema.js";

export type SigningKey = Uint8Array | KeyObject;

export type KeyImport = { ok: true; key: SigningKey } | { ok: false; reason: string };

export interface MintedToken {
  token: string;
  /** Claim names only: values may be identifying and are never reported. */
  claimNames: string[];
}

/**
 * The signing key held in a secret value. Reasons are fixed phrases: a parse
 * error could quote part of the key, so none is ever passed on.
 */
export function importSigningKey(secret: Uint8Array, alg: JwtAlgorithm): KeyImport {
  if (isHmacAlgorithm(alg)) return secret.byteLength > 0 ? { ok: true, key: secret } : { ok: false, reason: "the secret is empty" };
  const text = Buffer.from(secret).toString("utf8").trim();
  if (/-----BEGIN (RSA |EC )?PUBLIC KEY-----|-----BEGIN CERTIFICATE-----|^\{(?![\s\S]*"d"\s*:)/.test(text)) {
    return { ok: false, reason: "the secret holds a public key or certificate; signing needs the private key" };
  }
  let key: KeyObject;
  try {
    if (text.startsWith("{")) key = createPrivateKey({ key: JSON.parse(text) as JsonWebKey, format: "jwk" });
    else if (text.includes("-----BEGIN")) key = createPrivateKey(text);
    else return { ok: false, reason: `${alg} needs a PEM or JWK private key, and the secret holds neither` };
  } catch {
    return { ok: false, reason: `the secret looks like a ${text.startsWith("{") ? "JWK" : "PEM"} but is not a readable private key` };
  }
  const mismatch = keyMismatch(key, alg);
  return mismatch ? { ok: false, reason: mismatch } : { ok: true, key };
}

function keyMismatch(key: KeyObject, alg: JwtAlgorithm): string | undefined {
  const type = key.asymmetricKeyType;
  if (alg === "RS256") {
    if (type !== "rsa") return `RS256 needs an RSA key, the secret holds ${type ?? "another"} key`;
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    return bits < 2048 ? `RS256 needs an RSA key of 2048+ bits, this one has ${bits}` : undefined;
  }
  if (alg === "ES256") {
    return type === "ec" && key.asymmetricKeyDetails?.namedCurve === "prime256v1"
      ? undefined
      : `ES256 needs an EC P-256 key, the secret holds ${type === "ec" ? `a ${key.asymmetricKeyDetails?.namedCurve ?? "different"} curve` : (type ?? "another")} key`;
  }
  if (alg === "EdDSA")
    return type === "ed25519" || type === "ed448" ? undefined : `EdDSA needs an Ed25519 key, the secret holds ${type ?? "another"} key`;
  return undefined;
}

/** A key of the same kind nobody holds: a backend that accepts its tokens verifies no signature. */
export function randomSigningKey(alg: JwtAlgorithm): SigningKey {
  if (isHmacAlgorithm(alg)) return randomBytes(64);
  if (alg === "RS256") return generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
  if (alg === "ES256") return generateKeyPairSync("ec", { namedCurve: "prime256v1" }).privateKey;
  return generateKeyPairSync("ed25519").privateKey;
}

export async function mintToken(key: SigningKey, jwt: JwtRequirement, now = new Date()): Promise<MintedToken> {
  const issuedAt = Math.floor(now.getTime() / 1000);
  const claims: Record<string, unknown> = { ...jwt.claims };
  const header = { alg: jwt.alg, ...(jwt.kid ? { kid: jwt.kid } : {}), typ: jwt.typ ?? "JWT" };
  const token = await new SignJWT(claims)
    .setProtectedHeader(header)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + jwt.ttl)
    .sign(key);
  return { token, claimNames: [...new Set([...Object.keys(claims), "iat", "exp"])].sort() };
}
