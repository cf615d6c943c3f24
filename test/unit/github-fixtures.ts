// Shared pieces for the GitHub publishing tests: reports, a run context and a
// logger that records what a person would see in the step log.
import type { RunContext } from "../../src/github/context.js";
import type { GitHubSettings } from "../../src/github/publish-to-github.js";
import type { Finding, Report } from "../../src/model.js";
import { type GitHubEmulator, startGitHubEmulator } from "../emulators/github.js";
import { settleCuts } from "../../src/cut.js";

export const WRITE_TOKEN = "ghs_writeTokenForTests0123456789";
export const READ_TOKEN = "ghs_readOnlyForkToken0123456789";

export function reportWith(result: Report["result"], checks: Finding[]): Report {
  return {
    result,
    services: [
      {
        service: "backend-staging",
        revision: "projects/p/locations/us-central1/services/backend-staging/revisions/backend-staging-00002-abc",
        checks,
      },
    ],
    started_at: "2025-01-01T00:00:00.000Z",
    duration_ms: 1234,
  };
}

export const failing = reportWith("fail", [
  {
    id: "secret.missing",
    status: "fail",
    message: "JWT_SECRET_STAGING is not set on backend-staging revision backend-staging-00002-abc",
    hint: "deploy with --set-secrets=JWT_SECRET_STAGING=jwt-secret-staging:latest",
    location: { file: ".github/deploy-gate.yml", line: 7 },
    subject: "JWT_SECRET_STAGING",
    expected: "Secret Manager ref to jwt-secret-staging",
    found: "missing",
  },
]);

export const passing = reportWith("pass", [
  { id: "secret.ok", status: "pass", message: "JWT_SECRET_STAGING comes from jwt-secret-staging:latest", subject: "JWT_SECRET_STAGING" },
]);

export function runContext(apiUrl: string, overrides: Partial<RunContext> = {}): RunContext {
  return {
    owner: "owner",
    repo: "repo",
    eventName: "pull_request",
    headSha: "abc123",
    pullRequest: 7,
    headRepository: undefined,
    reportId: "deploy/gate",
    apiUrl,
    workspace: "/work/repo",
    ...overrides,
  };
}

export function settings(overrides: Partial<GitHubSettings> = {}): GitHubSettings {
  return {
    token: WRITE_TOKEN,
    comment: "always",
    checkName: undefined,
    failOn: "error",
    budgetMs: 20_000,
    requestTimeoutMs: 5_000,
    reportFile: "/tmp/deploy-gate-report.json",
    ...overrides,
  };
}

/** The log publishToGitHub writes to, seen as the run's log shows it (src/publish.ts redacts, which settles deferred cuts). */
export function recordingLog() {
  const lines: { level: "info" | "warning"; text: string }[] = [];
  return {
    lines,
    warnings: () => lines.filter((line) => line.level === "warning").map((line) => line.text),
    log: {
      info: (text: string) => lines.push({ level: "info", text: settleCuts(text, []) }),
      warning: (text: string) => lines.push({ level: "warning", text: settleCuts(text, []) }),
    },
  };
}

/** A GitHub emulator that knows the write token and the fork's read-only one. */
export async function startGitHub(): Promise<GitHubEmulator> {
  const github = await startGitHubEmulator();
  github.writeTokens.add(WRITE_TOKEN);
  github.readOnlyTokens.add(READ_TOKEN);
  return github;
}
