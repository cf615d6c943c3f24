// Token minting: HS* from the secret bytes, RS256 / ES256 / EdDSA from a PEM or
// JWK private key; every token verified with jose as the backend would.
import { generateKeyPairSync } from "node:crypto";
import { decodeProtectedHeader, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { importSigningKey, mintToken, randomSigningKey } from "../../src/probes/jwt.js";
import { tokensFor } from "../../src/probes/tokens.js";
import { requirementOf } from "./fixtures.js";

const bytes = (text: string) => new TextEncoder().encode(text);
const HS_SECRET = `${"k".repeat(20)}0123456789abcdefghijklmnopqrstuvwxyz0123456789`;

function jwtOf(yaml: string) {
  return requirementOf(`jwt:\n${yaml.replace(/^/gm, "  ")}`).jwt!;
}

describe("importSigningKey + mintToken", () => {
  const pairs = {
    RS256: generateKeyPairSync("rsa", { modulusLength: 2048 }),
    ES256: generateKeyPairSync("ec", { namedCurve: "prime256v1" }),
    EdDSA: generateKeyPairSync("ed25519"),
  } as const;

  it.each(["HS256", "HS384", "HS512"] as const)("%s signs with the secret bytes, with claims, ttl, kid and typ", async (alg) => {
    const jwt = jwtOf(`secret_env: S\nalg: ${alg}\nclaims: { sub: gate, aud: chat }\nttl: 60\nkid: k1\ntyp: at+jwt`);
    const key = importSigningKey(bytes(HS_SECRET), alg);
    expect(key.ok).toBe(true);
    const minted = await mintToken(key.ok ? key.key : bytes(""), jwt, new Date());
    const { payload, protectedHeader } = await jwtVerify(minted.token, bytes(HS_SECRET), { audience: "chat", typ: "at+jwt" });
    expect(protectedHeader).toMatchObject({ alg, kid: "k1", typ: "at+jwt" });
    expect(payload.exp! - payload.iat!).toBe(60);
    expect(minted.claimNames).toEqual(["aud", "exp", "iat", "sub"]);
  });

  it.each([
    ["RS256", "pkcs8 PEM", () => pairs.RS256.privateKey.export({ type: "pkcs8", format: "pem" }).toString()],
    ["RS256", "pkcs1 PEM", () => pairs.RS256.privateKey.export({ type: "pkcs1", format: "pem" }).toString()],
    ["ES256", "JWK", () => JSON.stringify(pairs.ES256.privateKey.export({ format: "jwk" }))],
    ["ES256", "sec1 PEM", () => pairs.ES256.privateKey.export({ type: "sec1", format: "pem" }).toString()],
    ["EdDSA", "pkcs8 PEM", () => pairs.EdDSA.privateKey.export({ type: "pkcs8", format: "pem" }).toString()],
  ] as const)("%s signs with a %s private key the public key verifies", async (alg, _form, material) => {
    const key = importSigningKey(bytes(material()), alg);
    expect(key).toMatchObject({ ok: true });
    const minted = await mintToken(key.ok ? key.key : bytes(""), jwtOf(`secret_env: S\nalg: ${alg}`));
    await expect(jwtVerify(minted.token, pairs[alg].publicKey)).resolves.toBeDefined();
    expect(decodeProtectedHeader(minted.token).alg).toBe(alg);
  });

  it.each([
    ["RS256", "not a key at all, just a string", "needs a PEM or JWK private key"],
    ["RS256", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----", "not a readable private key"],
    ["ES256", () => pairs.RS256.privateKey.export({ type: "pkcs8", format: "pem" }).toString(), "ES256 needs an EC P-256 key"],
    ["EdDSA", () => JSON.stringify(pairs.ES256.privateKey.export({ format: "jwk" })), "EdDSA needs an Ed25519 key"],
    [
      "RS256",
      () => generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
      "2048+ bits",
    ],
    [
      "ES256",
      () => generateKeyPairSync("ec", { namedCurve: "secp384r1" }).privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
      "secp384r1",
    ],
    ["HS256", "", "empty"],
  ] as const)("%s refuses %#, saying why without quoting the key", (alg, material, reason) => {
    const text = typeof material === "function" ? material() : material;
    const key = importSigningKey(bytes(text), alg);
    expect(key.ok).toBe(false);
    if (!key.ok) {
      expect(key.reason).toContain(reason);
      if (text.length > 20) expect(key.reason).not.toContain(text.slice(20, 40));
    }
  });

  it("refuses a public key: signing needs the private half", () => {
    const pem = pairs.ES256.publicKey.export({ type: "spki", format: "pem" }).toString();
    expect(importSigningKey(bytes(pem), "ES256")).toMatchObject({ ok: false, reason: expect.stringContaining("public key") });
  });

  it.each(["HS256", "RS256", "ES256", "EdDSA"] as const)("randomSigningKey(%s) signs tokens the real key does not verify", async (alg) => {
    const token = (await mintToken(randomSigningKey(alg), jwtOf(`secret_env: S\nalg: ${alg}`))).token;
    const verifier = alg === "HS256" ? bytes(HS_SECRET) : pairs[alg].publicKey;
    await expect(jwtVerify(token, verifier)).rejects.toThrow();
  });
});

describe("tokensFor", () => {
  const masked: string[] = [];
  const mask = (value: string) => masked.push(value);

  it("signs with the deployed secret, reports jwt.minted with claim names only, and masks every token", async () => {
    const requirement = requirementOf("jwt: { secret_env: JWT_SECRET, claims: { sub: user-42, aud: chat } }");
    const tokens = await tokensFor(requirement, bytes(HS_SECRET), mask);
    await expect(jwtVerify(tokens.token!, bytes(HS_SECRET))).resolves.toBeDefined();
    await expect(jwtVerify(tokens.forgedToken!, bytes(HS_SECRET))).rejects.toThrow();
    expect(tokens.tokenFindings).toEqual([expect.objectContaining({ id: "jwt.minted", status: "pass", found: "aud, exp, iat, sub" })]);
    expect(JSON.stringify(tokens.tokenFindings)).not.toContain("user-42");
    expect(masked).toEqual(expect.arrayContaining([tokens.token, tokens.forgedToken]));
  });

  it("without a readable secret sends a randomly signed token, as a client with the wrong secret would", async () => {
    const tokens = await tokensFor(requirementOf("jwt: { secret_env: JWT_SECRET }"), undefined, mask);
    expect(tokens.token).toBeDefined();
    expect(tokens.forgedToken).toBeUndefined();
    expect(tokens.tokenNote).toContain("no readable JWT_SECRET");
  });

  it("reports jwt.key_invalid when the secret cannot sign the configured algorithm", async () => {
    const tokens = await tokensFor(
      requirementOf("jwt: { secret_env: JWT_KEY, alg: RS256 }"),
      bytes("just-a-shared-secret-value-0123456789"),
      mask,
    );
    expect(tokens.tokenFindings).toEqual([expect.objectContaining({ id: "jwt.key_invalid", status: "fail" })]);
    expect(JSON.stringify(tokens.tokenFindings)).not.toContain("shared-secret");
  });
});
