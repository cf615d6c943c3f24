// scripts/docs.mjs: the manifest reference it renders from a JSON Schema, the
// examples it embeds, and the README markers other tools fill in.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");

interface Row {
  path: string;
  type: string;
  default: string;
  description: string;
}
interface DocsModule {
  manifestReference(schema: unknown): Row[];
  manifestTable(schema: unknown): string;
  manifestJsonSchema(): Promise<Record<string, unknown>>;
  generatedFiles(): Promise<Map<string, string>>;
}

let docs: DocsModule;
beforeAll(async () => {
  // A plain .mjs script (no types): imported by URL and typed here.
  docs = (await import(pathToFileURL(resolve(ROOT, "scripts/docs.mjs")).href)) as DocsModule;
});

const row = (rows: Row[], path: string) => rows.find((entry) => entry.path === path);

describe("manifest reference", () => {
  const schema = {
    type: "object",
    properties: {
      $schema: { type: "string" },
      region: { type: "string", description: "Default region." },
      services: {
        type: "object",
        additionalProperties: {
          anyOf: [
            {
              type: "object",
              properties: {
                env: {
                  type: "object",
                  default: {},
                  additionalProperties: {
                    anyOf: [
                      { type: "object", properties: { equals: { type: "string", description: "Exact | value." } } },
                      { type: "null" },
                    ],
                  },
                },
                ttl: { type: "integer", exclusiveMinimum: 0, maximum: 86400, default: 300 },
                min_bytes: { type: "integer", exclusiveMinimum: 0, maximum: 9007199254740991 },
                alg: { type: "string", enum: ["HS256", "RS256"], default: "HS256" },
                compare_with: {
                  anyOf: [
                    { type: "object", properties: { env: { type: "string" } }, required: ["env"] },
                    { type: "object", properties: { secret: { type: "string" } }, required: ["secret"] },
                  ],
                },
              },
            },
            { type: "null" },
          ],
        },
      },
      consistent: { type: "array", items: { type: "array", items: { type: "string" } }, default: [] },
    },
    required: ["services"],
  };

  it("walks maps, unions and nullables into one row per field, in the user's words", () => {
    const rows = docs.manifestReference(schema);

    expect(rows.map((entry) => entry.path)).toEqual([
      "region",
      "services",
      "services.<service>",
      "services.<service>.env",
      "services.<service>.env.<ENV_NAME>",
      "services.<service>.env.<ENV_NAME>.equals",
      "services.<service>.ttl",
      "services.<service>.min_bytes",
      "services.<service>.alg",
      "services.<service>.compare_with",
      "services.<service>.compare_with.env",
      "services.<service>.compare_with.secret",
      "consistent",
    ]);
    expect(row(rows, "region")).toEqual({ path: "region", type: "string", default: "", description: "Default region." });
    expect(row(rows, "services")?.type).toBe("map, required");
    expect(row(rows, "services.<service>")?.type).toBe("object (may be empty)");
    expect(row(rows, "services.<service>.env")?.default).toBe("`{}`");
    expect(row(rows, "services.<service>.ttl")).toMatchObject({ type: "integer 1–86400", default: "`300`" });
    expect(row(rows, "services.<service>.min_bytes")?.type).toBe("integer ≥ 1");
    expect(row(rows, "services.<service>.alg")).toMatchObject({ type: "`HS256` | `RS256`", default: '`"HS256"`' });
    expect(row(rows, "services.<service>.compare_with")?.type).toBe("one of: { env }; { secret }");
    expect(row(rows, "services.<service>.compare_with.env")?.type).toBe("string, required in that form");
    expect(row(rows, "consistent")).toMatchObject({ type: "list of list of string", default: "`[]`" });
  });

  it("renders a Markdown table with pipes escaped", () => {
    const table = docs.manifestTable(schema).split("\n");

    expect(table[0]).toBe("| Field | Type | Default | Description |");
    expect(table).toContain("| `services.<service>.env.<ENV_NAME>.equals` | string |  | Exact \\| value. |");
    expect(table).toContain('| `services.<service>.alg` | `HS256` \\| `RS256` | `"HS256"` |  |');
  });

  it("covers every field of the real schema", async () => {
    const rows = docs.manifestReference(await docs.manifestJsonSchema());
    const paths = rows.map((entry) => entry.path);

    for (const path of [
      "region",
      "services.<service>.env.<ENV_NAME>.equals",
      "services.<service>.secrets.<ENV_NAME>.secret",
      "services.<service>.secrets.<ENV_NAME>.min_bytes",
      "services.<service>.jwt.secret_env",
      "services.<service>.health.expect_json",
      "services.<service>.websocket.token_in",
      "consistent",
    ]) {
      expect(paths).toContain(path);
    }
    expect(row(rows, "services.<service>.jwt.secret_env")?.type).toBe("string, required");
  });
});

describe("README", () => {
  const readme = readFileSync(resolve(ROOT, "README.md"), "utf8");

  it("has the markers npm run docs, the benchmarks and the reliability suite fill", () => {
    for (const marker of ["inputs", "outputs", "manifest", "bench", "reliability"]) {
      expect(readme).toContain(`<!-- ${marker}:start -->`);
      expect(readme).toContain(`<!-- ${marker}:end -->`);
    }
  });

  it("shows the three workflows and the sample manifest verbatim from examples/", async () => {
    const generated = (await docs.generatedFiles()).get("README.md") ?? "";
    for (const file of ["pre-deploy.yml", "post-deploy.yml", "pr-check.yml", "deploy-gate.yml"]) {
      const example = readFileSync(resolve(ROOT, "examples", file), "utf8").trimEnd();
      expect(generated).toContain(`<!-- example:${file}:start -->\n\`\`\`yaml\n${example}\n\`\`\`\n<!-- example:${file}:end -->`);
    }
  });

  it("quick start is two commands after the clone", () => {
    const quickStart = /## Quick start\n+```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";
    const commands = quickStart
      .split("\n")
      .filter((line) => line.trim() && !line.startsWith("git clone"))
      .map((line) => line.replace(/\s+#.*$/, ""));
    expect(commands).toEqual(["npm ci && npm run demo", "npm ci && npm test"]);
  });

  it("links the fork-PR pattern and the security policy", () => {
    expect(readme).toContain("(examples/fork-pr-comment.yml)");
    expect(readme).toContain("(SECURITY.md)");
  });
});
