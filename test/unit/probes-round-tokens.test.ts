// The tokens of `verify:` rounds (issue 14, "with the same token and negative
// probes"): minted and masked once, reused while every token that must be valid
// outlives the round's margin, re-minted together before any of them expires;
// the expired one stays expired. A clock the test moves stands in for time.
import { decodeJwt, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { roundTokenMarginMs, roundTokens } from "../../src/probes/tokens.js";
import { requirementOf } from "./fixtures.js";

const SECRET = new TextEncoder().encode(`${"k".repeat(20)}0123456789abcdefghijklmnopqrstuvwxyz0123456789`);
const requirement = requirementOf(
  "jwt: { secret_env: JWT_SECRET, claims: { sub: gate, aud: chat }, ttl: 300 }\nwebsocket: { path: /ws, allowed_origins: [https://app.example] }",
);
const START = Date.UTC(2026, 0, 1, 12, 0, 0);
const everyToken = (round: Awaited<ReturnType<ReturnType<typeof roundTokens>>>) => [
  round.tokens.token,
  round.forged,
  ...round.tokens.negatives.map((probe) => probe.token),
];

describe("roundTokens", () => {
  it("reuses the same tokens (masked once) while they outlive the margin, then mints them all again before they expire", async () => {
    let now = START;
    const masked: string[] = [];
    const next = roundTokens(
      requirement,
      SECRET,
      (value) => masked.push(value),
      60_000,
      () => now,
    );
    const first = await next();
    const maskedOnce = masked.length;
    expect(maskedOnce).toBeGreaterThan(0);
    for (const step of [5_000, 100_000, 234_999]) {
      now = START + step;
      expect(await next()).toBe(first);
    }
    expect(masked).toHaveLength(maskedOnce);

    // 300 s token, 60 s margin: from 240 s on a round could outlive it.
    now = START + 240_000;
    const second = await next();
    expect(second.tokens.token).not.toBe(first.tokens.token);
    expect(second.forged).not.toBe(first.forged);
    expect(masked).toHaveLength(2 * maskedOnce);
    expect(masked).toEqual(expect.arrayContaining(everyToken(second).filter((token) => token !== undefined)));
    const valid = decodeJwt(second.tokens.token!);
    expect(valid.iat).toBe((START + 240_000) / 1000);
    expect(valid.exp).toBe((START + 240_000) / 1000 + 300);
    await expect(jwtVerify(second.tokens.token!, SECRET, { currentDate: new Date(START + 240_000 + 299_000) })).resolves.toBeDefined();
  });

  it("every token a round needs valid lives past the margin; the expired one stays expired; the forged one is re-minted too", async () => {
    let now = START;
    const next = roundTokens(
      requirement,
      SECRET,
      () => undefined,
      60_000,
      () => now,
    );
    for (const at of [0, 239_000, 240_000, 479_000, 480_000]) {
      now = START + at;
      const round = await next();
      const byId = new Map(round.tokens.negatives.map((probe) => [probe.id, probe]));
      for (const token of [round.tokens.token, round.forged, byId.get("ws.accepted_alg_none")?.token]) {
        expect(decodeJwt(token!).exp! * 1000).toBeGreaterThan(now + 60_000);
      }
      for (const probe of round.tokens.negatives.filter((probe) => probe.id === "ws.accepted_wrong_audience")) {
        expect(decodeJwt(probe.token).exp! * 1000).toBeGreaterThan(now + 60_000);
      }
      expect(decodeJwt(byId.get("ws.accepted_expired")!.token).exp! * 1000).toBeLessThan(now - 3_000_000);
      // The foreign-Origin probe sends the round's valid token.
      expect(byId.get("ws.accepted_foreign_origin")?.token).toBe(round.tokens.token);
    }
  });

  it("a token shorter-lived than the margin is minted fresh every round", async () => {
    let now = START;
    const short = requirementOf("jwt: { secret_env: JWT_SECRET, ttl: 30 }\nwebsocket: { path: /ws }");
    const next = roundTokens(
      short,
      SECRET,
      () => undefined,
      roundTokenMarginMs(short),
      () => now,
    );
    const first = await next();
    now += 1_000;
    const second = await next();
    expect(second.tokens.token).not.toBe(first.tokens.token);
    expect(decodeJwt(second.tokens.token!).iat).toBe((START + 1_000) / 1000);
  });

  it("without a jwt section there is nothing to mint, and nothing expires", async () => {
    const next = roundTokens(requirementOf("health: { path: /health }"), undefined, () => undefined, 60_000);
    const round = await next();
    expect(round.forged).toBeUndefined();
    expect(round.tokens.token).toBeUndefined();
    expect(await next()).toBe(round);
  });

  it("the margin covers the WebSocket handshake timeout twice over, plus room for the other probes", () => {
    expect(roundTokenMarginMs(requirementOf("websocket: { path: /ws, timeout_ms: 60000 }"))).toBe(150_000);
    expect(roundTokenMarginMs(requirementOf("health: { path: /health }"))).toBe(50_000);
  });
});
