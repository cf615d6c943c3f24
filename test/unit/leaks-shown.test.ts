// Which configured values a finding may quote (src/shown-value.ts): a
// credential is described whatever shape it comes in (JSON or YAML config, a
// prefixed parameter name, a header), an ordinary value is still shown.
import { describe, expect, it } from "vitest";
import { credentialShape, shownValue } from "../../src/shown-value.js";

describe("credential-shaped values", () => {
  it.each([
    '{"host":"db","password":"hunter2hunter2"}',
    "{'user': 'app', 'secret': 'hunter2hunter2'}",
    "password: hunter2hunter2",
    "sslmode=require db_password=hunter2hunter2",
    "host=db;Db.Password=hunter2hunter2",
    "x-api-key=hunter2hunter2",
    '{"client_secret": "hunter2hunter2"}',
    "Authorization: Token hunter2hunter2",
    "redis://:hunter2hunter2@cache:6379",
  ])("%s is not shown", (value) => {
    expect(credentialShape(value)).toBeDefined();
    expect(shownValue(value)).toMatch(/^\(not shown: /);
  });

  it.each([
    "debug",
    "https://api.example.com/v1",
    "bypass=true",
    "keyboard-layout=us",
    '{"level":"info","format":"json"}',
    "passthrough: enabled",
    "us-central1",
    "MyApp_Production_2024",
    // Secret Manager refs: NAME:VERSION, whatever the name says.
    "jwt-secret:latest",
    "api-key:3",
    "projects/123/secrets/db-password:latest",
  ])("%s is shown", (value) => {
    expect(credentialShape(value)).toBeUndefined();
  });
});
