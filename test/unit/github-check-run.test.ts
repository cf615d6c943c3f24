// The check run: conclusion per result and fail_on, summary, and annotations
// on the manifest lines, 50 per request as GitHub requires.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { annotationsFor, conclusionFor } from "../../src/github/check-run.js";
import { publishToGitHub } from "../../src/github/publish-to-github.js";
import { type GitHubEmulator, startGitHubEmulator } from "../emulators/github.js";
import { failing, passing, recordingLog, reportWith, runContext, settings, WRITE_TOKEN } from "./github-fixtures.js";

describe("conclusion", () => {
  it.each([
    ["pass", "error", "success"],
    ["fail", "error", "failure"],
    ["fail", "warning", "failure"],
    ["fail", "never", "neutral"],
    // The gate could not decide: fail closed, as the exit status does (neutral would satisfy branch protection).
    ["error", "error", "failure"],
    ["error", "never", "failure"],
  ] as const)("%s with fail_on %s is %s", (result, failOn, conclusion) => {
    expect(conclusionFor(result, failOn)).toBe(conclusion);
  });
});

describe("annotations", () => {
  it("point at manifest lines inside the workspace, for problems only", () => {
    const report = reportWith("fail", [
      {
        id: "env.missing",
        status: "fail",
        message: "A is missing",
        hint: "set A",
        location: { file: "/work/repo/.github/deploy-gate.yml", line: 4 },
      },
      { id: "jwt.weak", status: "warn", message: "short", location: { file: ".github/deploy-gate.yml", line: 9 } },
      { id: "env.ok", status: "pass", message: "B is set", location: { file: ".github/deploy-gate.yml", line: 5 } },
      { id: "outside", status: "fail", message: "x", location: { file: "/elsewhere/m.yml", line: 1 } },
    ]);
    expect(annotationsFor(report, "/work/repo")).toEqual([
      {
        path: ".github/deploy-gate.yml",
        start_line: 4,
        end_line: 4,
        annotation_level: "failure",
        title: "backend-staging: env.missing",
        message: "A is missing\nFix: set A",
      },
      {
        path: ".github/deploy-gate.yml",
        start_line: 9,
        end_line: 9,
        annotation_level: "warning",
        title: "backend-staging: jwt.weak",
        message: "short",
      },
    ]);
  });
});

describe("check run on the emulator", () => {
  let github: GitHubEmulator;
  beforeAll(async () => {
    github = await startGitHubEmulator();
    github.writeTokens.add(WRITE_TOKEN);
  });
  afterAll(() => github.close());
  beforeEach(() => github.reset());

  it("creates a completed check on the PR head commit with the report as summary", async () => {
    await publishToGitHub(
      failing,
      runContext(github.url, { headSha: "head1" }),
      settings({ comment: "never", checkName: "deploy gate" }),
      recordingLog(),
    );
    const [run] = github.checkRuns;
    expect(run).toMatchObject({ name: "deploy gate", head_sha: "head1", status: "completed", conclusion: "failure" });
    expect(run?.output.title).toBe("Fail: 1 problem, do not ship this revision");
    expect(run?.output.summary).toContain("`JWT_SECRET_STAGING`");
    expect(run?.annotations).toHaveLength(1);
  });

  it("a pass concludes success", async () => {
    await publishToGitHub(passing, runContext(github.url), settings({ comment: "never", checkName: "gate" }), recordingLog());
    expect(github.checkRuns[0]?.conclusion).toBe("success");
  });

  it("sends 120 annotations as 50 + 50 + 20", async () => {
    const many = reportWith(
      "fail",
      Array.from({ length: 120 }, (_, index) => ({
        id: "env.missing",
        status: "fail" as const,
        message: `VAR_${index} is missing`,
        location: { file: ".github/deploy-gate.yml", line: index + 1 },
      })),
    );
    await publishToGitHub(many, runContext(github.url), settings({ comment: "never", checkName: "gate" }), recordingLog());

    expect(github.checkRuns).toHaveLength(1);
    expect(github.checkRuns[0]?.annotations).toHaveLength(120);
    const writes = github.requests.filter((request) => request.path.includes("check-runs")).map((request) => request.method);
    expect(writes).toEqual(["POST", "PATCH", "PATCH"]);
  });
});
