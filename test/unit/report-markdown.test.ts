// The rendered report, compared exactly with test/golden/*.md. To accept a
// deliberate change: UPDATE_GOLDEN=1 npx vitest run test/unit/report-markdown.test.ts,
// then read the diff of test/golden/ before committing it.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Finding, Report } from "../../src/model.js";
import { codeSpan, escapeLog, escapeMarkdown, inertJson } from "../../src/report/escape.js";
import { COMMENT_LIMIT, renderMarkdown } from "../../src/report/markdown.js";

const GOLDEN = join(import.meta.dirname, "../golden");
const REVISION = "projects/staging-123/locations/us-central1/services/backend-staging/revisions/backend-staging-00002-xyz";
const at = (line: number) => ({ location: { file: ".github/deploy-gate.yml", line } });

const incident1Broken: Report = {
  result: "fail",
  services: [
    {
      service: "backend-staging",
      revision: REVISION,
      url: "https://backend-staging-abc-uc.a.run.app",
      checks: [
        {
          id: "secret.missing",
          status: "fail",
          message: "JWT_SECRET_STAGING is not set on backend-staging revision backend-staging-00002-xyz",
          hint: "deploy with --set-secrets=JWT_SECRET_STAGING=jwt-secret-staging:latest",
          subject: "JWT_SECRET_STAGING",
          expected: "Secret Manager ref to jwt-secret-staging",
          found: "missing",
          ...at(7),
        },
        { id: "env.ok", status: "pass", message: "ENVIRONMENT equals staging", subject: "ENVIRONMENT", ...at(5) },
        { id: "health.json", status: "pass", message: "/health answered 200 with the expected JSON", duration_ms: 42, ...at(11) },
        {
          id: "ws.rejected",
          status: "fail",
          message: "the WebSocket upgrade to /ws was refused with HTTP 403",
          hint: "the backend rejects the token: set JWT_SECRET_STAGING",
          expected: "101 Switching Protocols",
          found: "HTTP 403",
          duration_ms: 17,
          ...at(14),
        },
        { id: "jwt.mint", status: "skip", message: "no secret to sign a token with" },
      ],
      previous: {
        revision: "projects/staging-123/locations/us-central1/services/backend-staging/revisions/backend-staging-00001-abc",
        checks: [
          { id: "secret.ok", status: "pass", message: "set", subject: "JWT_SECRET_STAGING" },
          { id: "secret.missing", status: "pass", message: "set", subject: "JWT_SECRET_STAGING" },
          { id: "env.ok", status: "pass", message: "ENVIRONMENT equals staging", subject: "ENVIRONMENT" },
        ],
      },
    },
  ],
  started_at: "2025-01-01T00:00:00.000Z",
  duration_ms: 1234,
};

const incident1Fixed: Report = {
  result: "pass",
  services: [
    {
      service: "backend-staging",
      revision: REVISION.replace("00002-xyz", "00003-def"),
      checks: [
        {
          id: "secret.ok",
          status: "pass",
          message: "JWT_SECRET_STAGING comes from jwt-secret-staging:latest",
          subject: "JWT_SECRET_STAGING",
        },
        { id: "health.json", status: "pass", message: "/health answered 200 with the expected JSON", duration_ms: 38 },
        { id: "ws.connected", status: "pass", message: "the WebSocket to /ws opened with a fresh token", duration_ms: 21 },
      ],
      previous: {
        revision: REVISION,
        checks: [{ id: "secret.missing", status: "fail", message: "not set", subject: "JWT_SECRET_STAGING" }],
      },
    },
  ],
  started_at: "2025-01-01T00:05:00.000Z",
  duration_ms: 987,
};

const couldNotDecide: Report = {
  result: "error",
  services: [],
  checks: [
    {
      id: "error.auth_failed",
      status: "error",
      message: "no Google credentials: ADC not found (run google-github-actions/auth before this step)",
    },
  ],
  started_at: "2025-01-01T00:00:00.000Z",
  duration_ms: 12,
};

const hostile: Finding = {
  id: "health.body`|x",
  status: "fail",
  message: "body said: <img src=x onerror=alert(1)> **bold** [link](https://evil.test) @octocat see #123 | col\nnew line \u202Eevil",
  hint: "ping @org/team and `rm -rf`",
  subject: "<script>",
  expected: '{"status":"healthy"}',
  found: "~~strike~~ $x$ &amp;",
};
const untrusted: Report = {
  result: "fail",
  services: [{ service: "svc_<b>", checks: [hostile] }],
  checks: [{ id: "consistency.differs", status: "warn", message: "A_B differs @here" }],
  started_at: "2025-01-01T00:00:00.000Z",
  duration_ms: 5,
};

async function golden(name: string, actual: string): Promise<void> {
  const path = join(GOLDEN, `${name}.md`);
  if (process.env.UPDATE_GOLDEN) await writeFile(path, actual);
  expect(actual).toBe(await readFile(path, "utf8"));
}

describe("rendered Markdown (golden)", () => {
  it("incident 1, broken: verdict, problems, table, timings, before/after, folded passing checks", async () => {
    await golden("fixture-incident-1-broken", renderMarkdown(incident1Broken));
  });
  it("incident 1, fixed", async () => {
    await golden("fixture-incident-1-fixed", renderMarkdown(incident1Fixed));
  });
  it("the gate could not decide", async () => {
    await golden("error", renderMarkdown(couldNotDecide));
  });
  it("untrusted text is inert", async () => {
    await golden("untrusted", renderMarkdown(untrusted));
  });
});

describe("escaping", () => {
  it("leaves no raw markup, mention, reference or line break", () => {
    const text = escapeMarkdown(hostile.message);
    const outsideSpans = text.replace(/(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)/g, "");
    expect(outsideSpans).not.toMatch(/[<>[\]*|\n\u202E@]|(?<!&)#\d|evil\.test/);
    // What GitHub would link or notify from is in a code span, exactly as written: copied, it is still right.
    expect(text).toContain("`@octocat`");
    expect(text).toContain("`#123`");
    expect(text).toContain("`[link](https://evil.test)`");
    expect(text).not.toContain("\u200b");
  });
  it("an email, a gcloud member and a bare URL are copied exactly", () => {
    expect(escapeMarkdown("--member=serviceAccount:gate@p.iam.gserviceaccount.com")).toBe(
      "`--member=serviceAccount:gate@p.iam.gserviceaccount.com`",
    );
    expect(escapeMarkdown("see https://evil.example/x, or www.evil.example")).toBe("see `https://evil.example/x,` or `www.evil.example`");
  });
  it("keeps names with underscores readable, but not emphasis", () => {
    expect(escapeMarkdown("JWT_SECRET_KEY")).toBe("JWT_SECRET_KEY");
    expect(escapeMarkdown("_x_ __init__ a_b")).toBe("&#95;x&#95; &#95;&#95;init&#95;&#95; a_b");
  });
  it("code spans cannot be broken out of", () => {
    // CommonMark: a fence longer than any backtick run inside, padded when the text starts or ends with one.
    expect(codeSpan("a`b|c\nd")).toBe("``a`b|c d``");
    expect(codeSpan("`rm -rf`")).toBe("`` `rm -rf` ``");
    expect(codeSpan("a``b")).toBe("```a``b```");
    expect(codeSpan(" x ")).toBe("`  x  `");
    expect(codeSpan("")).toBe("");
  });
  it("log lines cannot start a workflow command", () => {
    expect(escapeLog("x\n::set-output name=a::b")).toBe("x : :set-output name=a: :b");
    // The legacy form is read anywhere in a line.
    expect(escapeLog("ok ##[add-mask]x ###[stop-commands]tok")).toBe("ok ## [add-mask]x ### [stop-commands]tok");
    expect(JSON.parse(inertJson(JSON.stringify({ a: "##[error]x ::warning::y" })))).toEqual({ a: "##[error]x ::warning::y" });
    expect(inertJson(JSON.stringify({ a: "##[error]x ::warning::y" }))).not.toMatch(/##\[|::/);
  });
});

describe("size limits", () => {
  const big = (count: number, passing: boolean): Report => ({
    ...incident1Broken,
    services: Array.from({ length: count }, (_, index) => ({
      service: `service-${index}`,
      checks: [
        { id: "env.missing", status: "fail" as const, message: "m".repeat(250), hint: "h".repeat(250) },
        ...(passing ? Array.from({ length: 20 }, () => ({ id: "env.ok", status: "pass" as const, message: "p".repeat(250) })) : []),
      ],
    })),
  });

  it("first drops the passing checks, with a note", () => {
    const text = renderMarkdown(big(20, true), { limit: COMMENT_LIMIT });
    expect(text.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(text).not.toContain("<details>");
    expect(text).toContain("Left out to fit GitHub's size limit: 400 passing or skipped checks.");
    expect(text).toContain("service-19");
  });

  it("then lists the problems alone, each failure kept, with a note, and still leads with the verdict", () => {
    const text = renderMarkdown(big(500, false), { limit: COMMENT_LIMIT });
    expect(text.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(text.startsWith("## ❌")).toBe(true);
    for (let index = 0; index < 500; index++) expect(text).toMatch(new RegExp(`\\bservice-${index}\\b`));
    expect(text).toContain("The full report is in this run's job summary and in the `report_file` artifact");
  });

  it("measures the job summary in bytes (1 MiB), not characters", () => {
    const wide = {
      ...incident1Broken,
      services: [{ service: "s", checks: [{ id: "x", status: "fail" as const, message: "é".repeat(290) }] }],
    };
    const text = renderMarkdown(wide, { limit: 1000, measure: "bytes" });
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(1000);
  });
});
