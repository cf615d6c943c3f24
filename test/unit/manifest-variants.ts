// Generated manifests for comparing two ways of reading them: valid fleets and every kind of
// mistake (schema, names, lines), written in many YAML styles, with the YAML features that take
// another path (aliases, merge keys, tags, complex keys) and the ones that must fail.
// Deterministic: the same seed gives the same texts.

/** mulberry32: small, seeded, good enough to pick pieces. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SCALARS = [
  "staging",
  "'staging'",
  '"staging"',
  "32",
  "'32'",
  "-1",
  "1.5",
  "0x20",
  "0o17",
  "1e3",
  ".inf",
  ".nan",
  "true",
  "false",
  "null",
  "~",
  "",
  "!!str 32",
  "!!int '32'",
  "!!binary aGVsbG8=",
  "!!timestamp 2001-12-14",
  "2001-12-14",
  "!custom x",
  '"a\\tb\\u00e9"',
  "'it''s'",
  "[1, 2]",
  "{ a: 1 }",
  "*anchor",
  "&anchor anchored",
  "a: b",
  "'{token}'",
  "x # a comment",
];
const KEYS = [
  "SECRET_0",
  "SECRET_1",
  "'SECRET_0'",
  '"SECRET_1"',
  "1",
  "'1'",
  "bad-name",
  "__proto__",
  "constructor",
  "toString",
  "~",
  "null",
  ".nan",
  ".NaN",
  "? complex",
  "[a, b]",
  "{ a: 1 }",
  "true",
  "0x1",
  "1.0",
  "'1.0'",
  "<<",
  "''",
];
const PATTERNS = ["^staging$", "(?=x)", "([a-z", "a(?i)b", "\\d+", "(a)\\1", "^([a-z0-9]+[-.]?)+$"];
const PATHS = ["/health", "/healthz?full=1", "//evil", "health", "/a b", "/ok/", "/@x", "/"];

export function manifestVariants(count: number, seed = 1): string[] {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const chance = (p: number) => next() < p;
  // Per manifest: none, a few or many mistakes.
  let mistakes = 0;
  const choose = <T>(valid: readonly T[], invalid: readonly T[]): T => (invalid.length && chance(mistakes) ? pick(invalid) : pick(valid));
  const odd = (p: number) => chance(p * mistakes * 5);
  const scalar = () => choose(["staging", "32", "x", "true", "null", "fleet-secret-1", ...SCALARS.slice(0, 24)], SCALARS);
  const key = (fallback: string) => (odd(0.03) ? pick(KEYS) : fallback);

  const envEntry = (indent: string, index: number): string => {
    const body = choose(
      [
        "{}",
        "{} # a comment",
        "",
        `{ equals: ${choose(["staging", "'quoted'", '"double"', "'32'"], [scalar()])} }`,
        `{ matches: ${JSON.stringify(choose(PATTERNS.slice(0, 1), PATTERNS))} }`,
        `\n${indent}  equals: ${pick(["|", ">-", "|+"])}\n${indent}    block\n${indent}    text`,
        `\n${indent}  equals: staging\n${indent}  optional: ${pick(["true", "false"])}`,
      ],
      ["{ equals: x, unknown: 1 }", "{ equal: x }", scalar(), `{ optional: ${pick(["yes", "1"])} }`],
    );
    const name = choose([`ENV_${index}`], ["ENVIRONMENT", "bad-env", "1X"]);
    return `${indent}${key(name)}:${body.startsWith("\n") ? "" : " "}${body}`;
  };
  const secretEntry = (indent: string, index: number): string => {
    const fields = [
      chance(0.7) ? `secret: ${choose(["fleet-secret-1", "'s-2'", '"s_3"'], ["bad id", "x".repeat(300), scalar()])}` : "",
      chance(0.5) ? `min_bytes: ${choose(["32", "0x20", "16"], ["-1", "1.5", "'32'", "0", scalar()])}` : "",
      chance(0.2) ? `pinned: ${choose(["true", "false"], ["nope", scalar()])}` : "",
      chance(0.2) ? `project: ${choose(["my-project", "'123'"], ["123", "Bad Project", "a/b", scalar()])}` : "",
      odd(0.05) ? "min_byte: 32" : "",
      odd(0.02) ? "secret: again" : "",
    ].filter(Boolean);
    const name = key(`SECRET_${index}`);
    if (fields.length === 0) return `${indent}${name}: ${pick(["{}", "", "null", "~"])}`;
    if (chance(0.4)) return `${indent}${name}: { ${fields.join(", ")} }`;
    return `${indent}${name}:\n${fields.map((field) => `${indent}  ${field}`).join("\n")}`;
  };
  const block = (name: string, lines: string[], indent: string) =>
    `${indent}${name}:\n${lines.map((line) => `${indent}  ${line}`).join("\n")}`;
  const service = (index: number): string => {
    const indent = "    ";
    const parts: string[] = [];
    if (chance(0.8)) {
      const env = Array.from({ length: Math.floor(next() * 4) }, (_, index) => envEntry(`${indent}  `, index));
      parts.push(`${indent}env:${env.length ? `\n${env.join("\n")}` : choose([" {}"], ["", " []"])}`);
    }
    if (chance(0.9)) {
      const secrets = Array.from({ length: Math.floor(next() * 6) }, (_, secret) => secretEntry(`${indent}  `, secret));
      parts.push(`${indent}secrets:${secrets.length ? `\n${secrets.join("\n")}` : choose([" {}"], ["", " []", " x"])}`);
    }
    if (chance(0.2)) parts.push(`${indent}region: ${choose(["us-central1", "europe-west1"], ["Bad Region", scalar()])}`);
    if (chance(0.1)) parts.push(`${indent}container: ${choose(["app", "sidecar"], ["Bad_Name"])}`);
    if (chance(0.2))
      parts.push(
        block(
          "jwt",
          [
            `secret_env: ${choose(["JWT_SECRET"], ["bad-env", scalar()])}`,
            `alg: ${choose(["HS256", "RS256", "EdDSA"], ["none"])}`,
            `claims: { sub: gate, aud: ${scalar()}, n: ${scalar()}, t: ${pick(["!!timestamp 2001-12-14", "!!binary aGVsbG8=", "!!set { a }", "!!omap [ a: 1 ]"])} }`,
            chance(0.3)
              ? `compare_with: ${choose(["{ env: TEST_SECRET }", "{ secret: 'id:2' }"], ["{ secret: x, project: 'Bad P' }", "{ env: 1 }"])}`
              : "",
            odd(0.1) ? "ttl: 999999" : "",
          ].filter(Boolean),
          indent,
        ),
      );
    if (chance(0.2))
      parts.push(
        block(
          "health",
          [
            `path: ${JSON.stringify(choose(PATHS.slice(0, 2), PATHS))}`,
            `expect_status: ${choose(["200", "204"], ["99", "'200'"])}`,
            `expect_json: { status: ${scalar()}, nested: { list: [1, two, { three: 3 }] } }`,
          ],
          indent,
        ),
      );
    if (chance(0.15))
      parts.push(
        block(
          "websocket",
          [
            `path: ${JSON.stringify(choose(["/ws"], PATHS))}`,
            `token_in: ${choose(["header", "query"], ["message", "carrier"])}`,
            odd(0.5) ? `message: ${pick(['\'{"token":"{token}"}\'', "'no token'"])}` : "",
            chance(0.3) ? `allowed_origins: ${choose(["[https://a.example]"], ["[https://a.example/path]", "[]"])}` : "",
            chance(0.2) ? `negative: { expired: ${choose(["false"], ["1"])} }` : "",
          ].filter(Boolean),
          indent,
        ),
      );
    if (chance(0.15))
      parts.push(
        `${indent}http:\n${Array.from(
          { length: 1 + Math.floor(next() * 3) },
          () =>
            `${indent}  - path: ${JSON.stringify(choose(PATHS.slice(0, 2), PATHS))}\n${indent}    expect_status: ${choose(["[401, 403]", "200"], ["[]", "600"])}\n${indent}    headers: { ${choose(["X-A: b"], ["Authorization: x", "'bad name': x"])} }`,
        ).join("\n")}`,
      );
    if (chance(0.1))
      parts.push(
        block(
          "logs",
          [`max_errors: ${choose(["0", "5"], ["-1"])}`, `deny: [${JSON.stringify(choose(PATTERNS.slice(0, 1), PATTERNS))}]`],
          indent,
        ),
      );
    if (chance(0.1)) parts.push(block("verify", [`duration: ${choose(["5m", "90s", "1h1m", "10"], ["soon", "''"])}`], indent));
    if (odd(0.05)) parts.push(`${indent}${pick(["secret", "enviroment", "healt", "logs2"])}: {}`);
    const name = key(odd(0.05) ? pick([`svc-${index}`, "Bad_Service", "svc-000"]) : `svc-${String(index).padStart(3, "0")}`);
    if (parts.length === 0 || chance(0.05)) return `  ${name}:${pick(["", " {}", " null", " ~"])}`;
    return `  ${name}:\n${parts.join("\n")}`;
  };
  const manifest = (): string => {
    mistakes = pick([0, 0, 0.01, 0.03, 0.1]);
    const services = Array.from({ length: 1 + Math.floor(next() * 8) }, (_, index) => service(index));
    const top = [
      chance(0.05) ? "%YAML 1.1\n---" : "",
      chance(0.1) ? "# deploy gate\n" : "",
      chance(0.6) ? `region: ${choose(["europe-west1", "us-central1"], ["Bad Region", scalar()])}` : "",
      chance(0.2) ? `project_id: ${choose(["my-project", "'12345'"], ["Bad Project", scalar()])}` : "",
      odd(0.1) ? `services:${pick([" {}", "", " []"])}` : `services:\n${services.join("\n")}`,
      chance(0.2) ? `consistent:\n  - [svc-000.SECRET_0, svc-001.SECRET_0]${odd(0.3) ? "\n  - [nowhere.X, svc-000.X]" : ""}` : "",
      chance(0.1) ? `dev_fallback_secrets: [${choose(["changeme"], ["''", "1"])}]` : "",
      odd(0.05) ? `${pick(["servces", "regoin", "$schema"])}: x` : "",
      odd(0.02) ? "region: again" : "",
    ].filter(Boolean);
    return top.join("\n") + (chance(0.9) ? "\n" : "");
  };
  // YAML the walk hands to yaml's toJS, and documents that must fail as before.
  const mutate = (text: string): string => {
    const lines = text.split("\n");
    const at = Math.floor(next() * lines.length);
    switch (Math.floor(next() * 14)) {
      case 0:
        return `defaults: &defaults { min_bytes: 32 }\n${text.replace(/\{ secret: /, "{ <<: *defaults, secret: ")}`;
      case 1:
        return `%YAML 1.1\n---\nbase: &base\n  region: europe-west1\n${text}`.replace(/^services:/m, "services:\n  merged:\n    <<: *base");
      case 2:
        lines.splice(at, 0, "\tbad: tab");
        return lines.join("\n");
      case 3:
        lines[at] = `${lines[at] ?? ""} [`;
        return lines.join("\n");
      case 4:
        return `${text}---\nsecond: document\n`;
      case 5:
        return text.replace(/\n/g, "\r\n");
      case 6:
        return `\ufeff${text}`;
      case 7:
        lines.splice(at, 0, lines[at] ?? "");
        return lines.join("\n");
      case 8:
        return text.replace(/^services:/m, "services: !!omap\n  - a: {}\nother:");
      case 9:
        return `anchor: &anchor { equals: x }\n${text}`.replace(/\{ equals: [^}]*\}/, "*anchor");
      case 10:
        return text.replace(/^( +)(\S)/m, "$1 $2");
      case 11:
        return text.replace(/SECRET_1:/, pick(["'1':", "1:", "__proto__:", "? SECRET_1\n      :", "~:", "SECRET_0:"]));
      case 12:
        return `${text}x: &a [${"*a, ".repeat(pick([3, 101]))}]\n`;
      default:
        return pick([
          "",
          "# only a comment\n",
          "just a scalar\n",
          "- a\n- list\n",
          "~\n",
          "services:\n  ? [a, b]\n  : {}\n",
          "a: 1\n'a': 2\na: 3\n",
        ]);
    }
  };
  return Array.from({ length: count }, () => (chance(0.25) ? mutate(manifest()) : manifest()));
}
