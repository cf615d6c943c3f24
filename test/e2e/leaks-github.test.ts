// What the gate sends GitHub (the PR comment, the check run and its
// annotations) and what it logs of GitHub's answers: a hostile backend's body
// and log line carry the deployed secret (whole, encoded, its first and last
// characters), and GitHub's own error message echoes the token and the secret.
// None of it may be in any request body the GitHub emulator received, nor in
// the run's output. Through dist/index.js.
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GitHubEmulator, githubFault, startGitHubEmulator } from "../emulators/github.js";
import { revisionLog } from "../emulators/logging.js";
import { addSecret, deploy } from "../emulators/scenario.js";
import { runAction } from "./harness.js";
import { startWorld, type World } from "./world.js";

const SECRET = "QZXVw8Lr2mTq9sKp4dYh7nBf3cJg6xVe1aMu5tRz0kWo/+=";
const TOKEN = "ghs_leaksWriteToken0123456789abcdefXYZ";
const PR = 7;

describe("GitHub: the comment, the check run and GitHub's answers", () => {
  let world: World;
  let github: GitHubEmulator;
  const service = "backend-staging";

  beforeAll(async () => {
    world = await startWorld({ [service]: { jwtSecretEnv: "JWT_SECRET_STAGING" } });
    addSecret(world.scenario, "jwt-secret-staging", SECRET);
    github = await startGitHubEmulator();
    github.writeTokens.add(TOKEN);
  });
  afterAll(async () => {
    await world.close();
    await github.close();
  });

  it("no secret, fragment or token in what GitHub received or what the run printed", async () => {
    const backend = world.backends.get(service);
    if (!backend) throw new Error("no backend");
    deploy(world.scenario, service, { url: backend.url, secrets: { JWT_SECRET_STAGING: "jwt-secret-staging:latest" } });
    backend.behaviour.healthAnswer = (env) => {
      const value = env.get("JWT_SECRET_STAGING") ?? "";
      return {
        status: 500,
        body: `dump ${value} | ${encodeURIComponent(value)} | ${Buffer.from(value).toString("base64")} | head ${value.slice(0, 12)} | tail ${value.slice(-10)}`,
      };
    };
    const revision = world.scenario.services.get(service)?.service.latestReadyRevision?.split("/").pop() ?? "";
    world.logging.entries.length = 0;
    world.logging.entries.push(revisionLog(world.scenario, service, revision, "ERROR", `bad key ${SECRET.slice(0, 20)}…`));
    // GitHub refuses the check run with a message that echoes what it was sent.
    github.faults.push({ match: /check-runs$/, fault: { ...githubFault(422, `Validation failed for ${TOKEN}: ${SECRET}`), times: 5 } });
    const manifest = await world.writeManifest(`region: us-central1
services:
  ${service}:
    secrets:
      JWT_SECRET_STAGING: { secret: jwt-secret-staging, min_bytes: 32 }
    health: { retries: 0 }
    logs: { max_errors: 0 }
`);
    const events = await mkdtemp(join(tmpdir(), "gate-events-"));
    const eventPath = join(events, "pull_request.json");
    await writeFile(
      eventPath,
      JSON.stringify({ action: "synchronize", number: PR, pull_request: { number: PR, head: { sha: "feedface" } } }),
    );
    const run = await runAction(world.inputs(manifest, { github_token: TOKEN, check_name: "deploy gate", timeout: "15" }), {
      GITHUB_API_URL: github.url,
      GITHUB_REPOSITORY: "owner/repo",
      GITHUB_EVENT_NAME: "pull_request",
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_SHA: "mergecommit",
      GITHUB_WORKSPACE: world.dir,
    });
    expect(run.outputs.result).toBe("fail");
    const comments = github.comments.get(PR) ?? [];
    expect(comments).toHaveLength(1);
    const sent = github.requests.map((request) => request.body).join("\n");
    expect(sent).toContain("health.status");
    const parts = [
      SECRET,
      SECRET.slice(0, 8),
      SECRET.slice(-8),
      encodeURIComponent(SECRET).slice(10, 30),
      Buffer.from(SECRET).toString("base64").slice(4, 30),
      TOKEN,
    ];
    for (const [where, text] of Object.entries({ "GitHub's requests": sent, "the run's output": run.everything })) {
      for (const part of parts) {
        const at = text.indexOf(part);
        expect(at, `${where}: ${JSON.stringify(text.slice(Math.max(0, at - 40), at + 40))}`).toBe(-1);
      }
    }
    for (const request of github.requests) {
      const headers = JSON.stringify(request.headers);
      // The token rides only in its Authorization header.
      expect(headers.replace(`token ${TOKEN}`, "").replace(`Bearer ${TOKEN}`, "")).not.toContain(TOKEN);
    }
  });
});
