// The negative tokens: each one differs from the valid token in exactly the
// check it tests (a backend verifying with jose refuses it for that reason),
// each is masked, and the switches and the manifest decide which exist.
import { decodeJwt, decodeProtectedHeader, errors, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { negativeProbes } from "../../src/probes/negative.js";
import { firstMessages } from "../../src/probes/websocket.js";
import { requirementOf } from "./fixtures.js";

const SECRET = new TextEncoder().encode("negative-unit-secret-4d6f8a0c2e4b6d8f0a2c4e6b8d0f2a4c");

function setup(extra: string) {
  const requirement = requirementOf(
    `jwt: { secret_env: S, claims: { sub: gate, aud: chat, iss: "https://auth.example" } }\nwebsocket: { path: /ws${extra} }`,
  );
  return { jwt: requirement.jwt!, ws: requirement.websocket! };
}

describe("negativeProbes", () => {
  it("mints an expired, an unsigned, a wrong-aud and a wrong-iss token, each refused by jose for its reason, each masked", async () => {
    const { jwt, ws } = setup(', allowed_origins: ["https://chat.example"]');
    const masked: string[] = [];
    const probes = await negativeProbes(SECRET, jwt, ws, "valid.token.here", (value) => masked.push(value));
    expect(probes.map((probe) => probe.id)).toEqual([
      "ws.accepted_expired",
      "ws.accepted_alg_none",
      "ws.accepted_wrong_audience",
      "ws.accepted_wrong_audience",
      "ws.accepted_foreign_origin",
    ]);
    const [expired, none, aud, iss, origin] = probes;
    const verify = (token: string) => jwtVerify(token, SECRET, { audience: "chat", issuer: "https://auth.example" });
    await expect(verify(expired!.token)).rejects.toBeInstanceOf(errors.JWTExpired);
    expect(decodeJwt(expired!.token).exp).toBeLessThan(Date.now() / 1000 - 3000);
    expect(decodeProtectedHeader(none!.token).alg).toBe("none");
    expect(none!.token.endsWith(".")).toBe(true);
    await expect(verify(aud!.token)).rejects.toMatchObject({ claim: "aud" });
    await expect(verify(iss!.token)).rejects.toMatchObject({ claim: "iss" });
    // The foreign Origin carries the valid token (already masked by its minting) from another origin.
    expect(origin).toMatchObject({ token: "valid.token.here", origin: "https://deploy-gate-foreign-origin.invalid" });
    expect(masked).toEqual([expired!.token, none!.token, aud!.token, iss!.token]);
  });

  it("mints only what the switches and the manifest ask for", async () => {
    const { jwt, ws } = setup(", negative: { expired: false, wrong_audience: false }");
    const probes = await negativeProbes(SECRET, jwt, ws, "valid", () => undefined);
    // No allowed_origins: no foreign-Origin probe.
    expect(probes.map((probe) => probe.id)).toEqual(["ws.accepted_alg_none"]);
  });
});

describe("firstMessages", () => {
  it("puts the token JSON-escaped into the template, and an empty one when the probe has none", () => {
    const spec = { token_in: "message" as const, token_name: undefined, message: '{"type":"auth","token":"{token}"}', send: "ping" };
    expect(firstMessages(spec, 'a"b')).toEqual(['{"type":"auth","token":"a\\"b"}', "ping"]);
    expect(firstMessages(spec, undefined)).toEqual(['{"type":"auth","token":""}', "ping"]);
    expect(firstMessages({ ...spec, token_in: "header" }, "t")).toEqual(["ping"]);
  });
});
