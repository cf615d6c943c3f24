// A backend that echoes the deployed secret does so in its own language's
// spelling of it: Go's encoding/json escapes < > &, Python's json.dumps every
// non-ASCII character, PHP also the slash; a secret in a query string is
// form-encoded (URLSearchParams, Go's QueryEscape, Python's quote_plus) or only
// partly encoded by a URL parser, in upper- or lower-case hex. Each of those is
// the secret, and none of it may be shown. Through dist/index.js.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addSecret, deploy } from "../emulators/scenario.js";
import { reportOf, runAction } from "./harness.js";
import { startWorld, type World } from "./world.js";

const RANDOM = "QZXVw8Lr2mTq9sKp4dYh7nBf3cJg6xVe1aMu5tRz0kWo";
/** Characters the encoders disagree on, in the middle of random ones: no 4 leading characters occur elsewhere in a run. */
const SECRET = `${RANDOM.slice(0, 22)} ~!'(*)<&>/+=é€${RANDOM.slice(22)}`;

const hex4 = (char: string) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`;
/** Percent-encoding of every byte but `keep`, as the encoders below do it. */
const percent = (text: string, keep: RegExp, space: string, lower = false) =>
  [...Buffer.from(text, "utf8")]
    .map((byte) => {
      const char = String.fromCharCode(byte);
      if (byte < 0x80 && keep.test(char)) return char;
      if (char === " ") return space;
      const code = `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
      return lower ? code.toLowerCase() : code;
    })
    .join("");

const SPELLINGS: Record<string, (secret: string) => string> = {
  "Go encoding/json": (secret) => JSON.stringify(secret).replace(/[<>&\u2028\u2029]/g, hex4),
  "Python json.dumps (ensure_ascii)": (secret) => JSON.stringify(secret).replace(/[\u007f-\uffff]/g, hex4),
  "PHP json_encode": (secret) =>
    JSON.stringify(secret)
      .replace(/[\u007f-\uffff]/g, hex4)
      .replace(/\//g, "\\/"),
  URLSearchParams: (secret) => new URLSearchParams({ token: secret }).toString(),
  "Go url.QueryEscape": (secret) => percent(secret, /[A-Za-z0-9_.~-]/, "+"),
  "Python quote (safe '/')": (secret) => percent(secret, /[A-Za-z0-9_.~/-]/, "%20"),
  "RFC 3986, lower-case hex": (secret) => percent(secret, /[A-Za-z0-9_.~-]/, "%20", true),
  "encodeURIComponent, lower-case hex": (secret) => encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (code) => code.toLowerCase()),
  "a URL parser (new URL)": (secret) => new URL(`https://backend.example/cb?token=${secret}`).href,
  encodeURI: (secret) => encodeURI(secret),
};

function expectNoPrefix(text: string, secret: string, where: string): void {
  const at = text.indexOf(secret.slice(0, 4));
  expect(at, `${where} shows the secret's first characters: ${JSON.stringify(text.slice(Math.max(0, at - 40), at + 60))}`).toBe(-1);
}

describe("a secret echoed in another encoder's spelling", () => {
  let world: World;
  const service = "backend-staging";

  beforeAll(async () => {
    world = await startWorld({ [service]: { jwtSecretEnv: "JWT_SECRET_STAGING" } });
    addSecret(world.scenario, "jwt-secret-staging", SECRET);
  });
  afterAll(() => world.close());

  for (const [name, spell] of Object.entries(SPELLINGS)) {
    it(`${name}: none of it is shown`, async () => {
      const backend = world.backends.get(service);
      if (!backend) throw new Error("no backend");
      // The spelling differs from the value and from encodeURIComponent / JSON.stringify: otherwise the case proves nothing.
      expect(spell(SECRET)).not.toContain(SECRET);
      deploy(world.scenario, service, { url: backend.url, secrets: { JWT_SECRET_STAGING: "jwt-secret-staging:latest" } });
      backend.behaviour.healthAnswer = (env) => ({ status: 500, body: `debug: ${spell(env.get("JWT_SECRET_STAGING") ?? "")} end` });
      const manifest = await world.writeManifest(`region: us-central1
services:
  ${service}:
    secrets:
      JWT_SECRET_STAGING: { secret: jwt-secret-staging, min_bytes: 32 }
    health: { retries: 0 }
`);
      const run = await runAction(world.inputs(manifest, { timeout: "10" }));
      const health = reportOf(run.outputs).services[0]?.checks.find((check) => check.id === "health.status");
      expect(health?.status).toBe("fail");
      expect(run.everything).toContain("debug:");
      expectNoPrefix(run.everything, RANDOM, "the run's output");
    });
  }
});
