// The run's ID-token cache: one mint shared by concurrent callers, reused until shortly before exp,
// and a failed mint never kept (the next verify: round asks again).
import { describe, expect, it } from "vitest";
import { idTokens } from "../../src/gcp/auth/id-token.js";

const jwt = (exp: number) => `e30.${Buffer.from(JSON.stringify({ exp })).toString("base64url")}.sig`;

describe("idTokens", () => {
  it("shares one mint, retries after a failure, and mints again near exp", async () => {
    let clock = 1_000_000_000_000;
    const asked: string[] = [];
    let fail = true;
    const get = idTokens(
      async (audience) => {
        asked.push(audience);
        if (fail) throw new Error("503");
        return jwt(clock / 1000 + 3600);
      },
      undefined,
      () => clock,
    );
    await expect(Promise.all([get("https://a"), get("https://a")])).rejects.toThrow("503");
    expect(asked).toEqual(["https://a"]);
    fail = false;
    const first = await get("https://a");
    expect(asked).toHaveLength(2);
    clock += 50 * 60_000;
    expect(await get("https://a")).toBe(first);
    expect(asked).toHaveLength(2);
    clock += 6 * 60_000; // within five minutes of exp
    expect(await get("https://a")).not.toBe(first);
    expect(asked).toHaveLength(3);
  });

  it("id_token_audience overrides the probed origin", async () => {
    const asked: string[] = [];
    const get = idTokens(async (audience) => {
      asked.push(audience);
      return jwt(Date.now() / 1000 + 3600);
    }, "https://fixed");
    await get("https://a");
    await get("https://b");
    expect(asked).toEqual(["https://fixed"]);
  });
});
