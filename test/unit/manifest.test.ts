import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { parseManifest } from "../../src/manifest/load.js";

const parse = (text: string) => parseManifest(text, ".github/deploy-gate.yml");
const errorOf = (text: string) => {
  try {
    parse(text);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message;
  }
  throw new Error("expected an InputError");
};

describe("parseManifest", () => {
  it("reads the INTERFACE.md example, with defaults and line numbers", () => {
    const manifest = parse(`region: us-central1
services:
  backend-staging:
    env:
      AUTH_SERVICE_URL: {}
      ENVIRONMENT: { equals: staging }
    secrets:
      JWT_SECRET_STAGING: { secret: jwt-secret-staging, min_bytes: 32 }
      SERVICE_SECRET: {}
    jwt:
      secret_env: JWT_SECRET_STAGING
      claims: { sub: deploy-gate, aud: chat-backend }
    health:
      path: /health
      expect_json: { status: healthy }
    websocket:
      path: /ws
  auth-staging:
    secrets: { JWT_SECRET_KEY: {}, SERVICE_SECRET: , SERVICE_ID: {}, SECRET_KEY: {} }
consistent:
  - [backend-staging.JWT_SECRET_KEY, auth-staging.JWT_SECRET_KEY]
`);
    const [backend, auth] = manifest.services;
    expect(backend?.region).toBe("us-central1");
    expect(backend?.secrets.map((secret) => [secret.name, secret.location.line])).toEqual([
      ["JWT_SECRET_STAGING", 8],
      ["SERVICE_SECRET", 9],
    ]);
    expect(backend?.jwt).toMatchObject({ alg: "HS256", ttl: 300, claims: { aud: "chat-backend" } });
    expect(backend?.websocket).toMatchObject({ token_in: "header", expect_refused_without_token: true });
    expect(auth?.secrets.map((secret) => secret.name)).toEqual(["JWT_SECRET_KEY", "SERVICE_SECRET", "SERVICE_ID", "SECRET_KEY"]);
    expect(manifest.consistent[0]?.members).toEqual([
      { service: "backend-staging", env: "JWT_SECRET_KEY" },
      { service: "auth-staging", env: "JWT_SECRET_KEY" },
    ]);
  });

  it.each([
    ["empty", "", "is empty"],
    ["invalid YAML with line", "services:\n  a: [\n", "is not valid YAML"],
    [
      "a regex that does not compile",
      'services:\n  a:\n    env: { X: { matches: "([a-z" } }\n',
      "services.a.env.X.matches: is not a pattern the gate can run (missing closing ]: `[a-z`)",
    ],
    ["a duplicate key, with its line", "services:\n  a: {}\n  a: {}\n", "deploy-gate.yml:3 is not valid YAML: DUPLICATE_KEY"],
    [
      "unknown field names file, line and field",
      "services:\n  a:\n    secret: {}\n",
      'deploy-gate.yml:3 services.a: unknown field "secret"',
    ],
    ["wrong type", "services:\n  a:\n    jwt: { secret_env: 5 }\n", "services.a.jwt.secret_env"],
    ["bad env name", "services:\n  a:\n    env: { 'BAD-NAME': {} }\n", "environment variable name"],
    ["no services", "services: {}\n", "lists no services"],
    ["consistent names unknown service", "services:\n  a: {}\nconsistent:\n  - [a.X, b.X]\n", 'names service "b"'],
    [
      "alias bomb",
      `a: &a ["x","x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\nservices: {a: {}}\n`,
      "aliases",
    ],
  ])("%s → a clear error", (_, text, message) => {
    expect(errorOf(text)).toContain(message);
  });
});
