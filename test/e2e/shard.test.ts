// shard: K/N and mode: aggregate through dist/index.js, as a matrix runs them:
// three shard jobs against the emulators, their report files laid out as
// actions/download-artifact leaves them, and one aggregate job that owns the
// PR comment and the check run. A hole in the set of shards is never a pass.
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Report } from "../../src/model.js";
import { type GitHubEmulator, startGitHubEmulator } from "../emulators/github.js";
import { addSecret, deploy } from "../emulators/scenario.js";
import { type ActionRun, reportOf, runAction } from "./harness.js";
import { startWorld, type World } from "./world.js";

const TOKEN = "ghs_e2eShardWriteToken00000000000000";
const PR = 7;
const SHA = "c0ffee0000000000000000000000000000000001";
const SERVICES = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf"];

describe("sharded gate: 3 shard jobs and one aggregate job", () => {
  let world: World;
  let manifest: string;
  let github: GitHubEmulator;
  let events: string;
  let single: ActionRun;
  let shards: ActionRun[];
  let layout: string;

  const githubEnv = async (sha = SHA): Promise<Record<string, string>> => {
    const eventPath = join(events, `pr-${Math.random().toString(36).slice(2)}.json`);
    await writeFile(eventPath, JSON.stringify({ number: PR, pull_request: { number: PR, head: { sha } } }));
    return {
      GITHUB_API_URL: github.url,
      GITHUB_REPOSITORY: "owner/repo",
      GITHUB_EVENT_NAME: "pull_request",
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_SHA: sha,
      GITHUB_WORKFLOW: "deploy",
      GITHUB_JOB: "gate",
    };
  };
  const shardRun = async (spec: string, sha = SHA) =>
    runAction(world.inputs(manifest, { shard: spec, github_token: TOKEN }), await githubEnv(sha));
  const aggregateRun = async (reports: string, extra: Record<string, string> = {}) =>
    runAction({ mode: "aggregate", reports, github_token: TOKEN, check_name: "deploy gate", ...extra }, await githubEnv());

  /** The shard report files as download-artifact leaves them: one folder per artifact. */
  async function lay(runs: { run: ActionRun; artifact: string }[]): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), "gate-reports-"));
    for (const { run, artifact } of runs) {
      await mkdir(join(dir, artifact), { recursive: true });
      await cp(run.outputs.report_file ?? "", join(dir, artifact, "deploy-gate-report.json"));
    }
    return dir;
  }
  const names = (report: Report) => report.services.map((service) => service.service).sort();
  const errorsOf = (run: ActionRun) => (reportOf(run.outputs).checks ?? []).filter((check) => check.status === "error");

  beforeAll(async () => {
    world = await startWorld();
    github = await startGitHubEmulator();
    github.writeTokens.add(TOKEN);
    events = await mkdtemp(join(tmpdir(), "gate-events-"));
    for (const name of SERVICES) {
      addSecret(world.scenario, `${name}-key`, `value-of-${name}-0123456789abcdef`);
      // golf's secret is missing: the deploy is bad, in one shard only.
      deploy(world.scenario, name, { secrets: name === "golf" ? {} : { API_KEY: `${name}-key:latest` } });
    }
    addSecret(world.scenario, "shared-jwt", "shared-jwt-value-0123456789abcdef0123");
    deploy(world.scenario, "hotel", { secrets: { JWT_KEY: "shared-jwt:latest" } });
    deploy(world.scenario, "india", { secrets: { JWT_KEY: "shared-jwt:latest" } });
    manifest = await world.writeManifest(
      [
        "region: us-central1",
        "services:",
        ...SERVICES.map((name) => `  ${name}:\n    secrets: { API_KEY: { min_bytes: 16 } }`),
        "  hotel:\n    secrets: { JWT_KEY: {} }",
        "  india:\n    secrets: { JWT_KEY: {} }",
        "consistent:",
        "  - [hotel.JWT_KEY, india.JWT_KEY]",
        "",
      ].join("\n"),
    );
    single = await runAction(world.inputs(manifest));
    github.reset();
    shards = await Promise.all(["1/3", "2/3", "3/3"].map((spec) => shardRun(spec)));
    layout = await lay(shards.map((run, index) => ({ run, artifact: `deploy-gate-shard-${index + 1}` })));
  });
  afterAll(async () => {
    await world.close();
    await github.close();
  });
  beforeEach(() => github.reset());

  it("the shards split the services, together exactly the single run's, and publish nothing to the PR", async () => {
    expect(single.outputs.result).toBe("fail");
    const parts = shards.map((run) => names(reportOf(run.outputs)));
    expect(parts.flat().sort()).toEqual(names(reportOf(single.outputs)));
    for (const part of parts) expect(part.length).toBeGreaterThanOrEqual(2);
    // hotel and india are compared by fingerprint in one run: one shard holds both and the group.
    const holder = shards.find((run) => names(reportOf(run.outputs)).includes("hotel"));
    expect(names(reportOf(holder?.outputs ?? {}))).toContain("india");
    const groupFindings = shards.flatMap((run) => reportOf(run.outputs).checks ?? []);
    expect(groupFindings.map((check) => check.id)).toEqual(["consistent.match"]);
    for (const [index, run] of shards.entries()) {
      expect(reportOf(run.outputs)).toMatchObject({ schema_version: 1, commit: SHA, shard: { index: index + 1, total: 3 } });
      expect(run.outputs.report_file).toMatch(/deploy-gate-report\.json$/);
      expect(run.outputs.comment_url).toBe("");
      // The shard's file carries no comment body: the aggregate job renders the one comment.
      expect(JSON.parse(await readFile(run.outputs.report_file ?? "", "utf8")).github.comment).toBeNull();
    }
  });

  it("more shards than services: an empty shard passes with no services (the aggregate checks the set)", async () => {
    const run = await runAction(world.inputs(manifest, { shard: "10/10" }));
    expect(run.outputs.result).toBe("pass");
    expect(reportOf(run.outputs)).toMatchObject({ services: [], shard: { index: 10, total: 10 } });
  });

  it("a shard job asked for a check run names it after its shard, never the required check's name", async () => {
    const run = await runAction(
      world.inputs(manifest, { shard: "1/3", github_token: TOKEN, check_name: "deploy gate" }),
      await githubEnv(),
    );
    expect(github.checkRuns.map((check) => check.name)).toEqual(["deploy gate (shard 1/3)"]);
    expect(github.comments.get(PR) ?? []).toHaveLength(0);
    expect(run.outputs.comment_url).toBe("");
  });

  it("the aggregate publishes one comment and one check run with the single run's verdict, services and totals", async () => {
    const run = await aggregateRun(layout);
    const merged = reportOf(run.outputs);
    expect(run.outputs.result).toBe("fail");
    expect(run.exitCode).toBe(1);
    expect(names(merged)).toEqual(names(reportOf(single.outputs)));
    expect(run.outputs.failed_checks).toBe(single.outputs.failed_checks);
    expect(merged.shards?.map((shard) => [shard.index, shard.total])).toEqual([
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
    expect(merged.checks?.find((check) => check.id === "aggregate.shards")?.message).toMatch(/3 shard reports merged, 9 services/);
    const comments = github.comments.get(PR) ?? [];
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toContain("golf");
    expect(run.outputs.comment_url).toBe(comments[0]?.html_url);
    expect(github.checkRuns).toMatchObject([{ name: "deploy gate", head_sha: SHA, conclusion: "failure" }]);
    expect(run.summary).toContain("golf");
    // Its log lists the problems; the passing checks are in the shard jobs' logs.
    expect(run.stdout).toMatch(/golf: \[fail\] secret\.missing/);
    expect(run.stdout).not.toMatch(/alpha: \[pass\]/);
    expect(shards.map((shard) => shard.stdout).join("\n")).toMatch(/alpha: \[pass\]/);
    // No Google API is read: the aggregate was given no credentials or endpoints at all.
    expect(run.everything).not.toMatch(/credentials|access token/i);
  });

  it("a glob finds the same reports", async () => {
    const run = await aggregateRun(join(layout, "*", "*.json"));
    expect(names(reportOf(run.outputs))).toEqual(names(reportOf(single.outputs)));
  });

  it("a missing shard is an error naming it, never a pass with a hole", async () => {
    const dir = await lay([
      { run: shards[0] as ActionRun, artifact: "deploy-gate-shard-1" },
      { run: shards[2] as ActionRun, artifact: "deploy-gate-shard-3" },
    ]);
    const run = await aggregateRun(dir, { fail_on: "never" });
    expect(run.outputs.result).toBe("error");
    expect(run.exitCode).toBe(1);
    expect(errorsOf(run)).toMatchObject([{ id: "aggregate.shard_missing", subject: "shard 2/3" }]);
    expect(run.stdout).toMatch(/::error::.*shard 2\/3/);
    expect(run.stdout).toMatch(/::error::cloud-run-deploy-gate could not decide: shard 2\/3 has no report/);
  });

  it("a duplicated shard is an error naming it, and its services are merged once", async () => {
    const dir = await lay([
      ...shards.map((run, index) => ({ run, artifact: `s${index + 1}` })),
      { run: shards[1] as ActionRun, artifact: "s2-again" },
    ]);
    const run = await aggregateRun(dir);
    expect(run.outputs.result).toBe("error"); // a hole outranks golf's failure: `error` fails the job whatever fail_on says
    expect(run.outputs.failed_checks).toContain("secret.missing");
    expect(errorsOf(run)).toMatchObject([{ id: "aggregate.shard_duplicate", subject: "shard 2/3" }]);
    expect(names(reportOf(run.outputs))).toEqual(names(reportOf(single.outputs)));
  });

  it("a stale shard (another commit) is an error naming it, its findings left out", async () => {
    const stale = await shardRun("2/3", "0ld0000000000000000000000000000000000000");
    const dir = await lay([
      { run: shards[0] as ActionRun, artifact: "s1" },
      { run: stale, artifact: "s2" },
      { run: shards[2] as ActionRun, artifact: "s3" },
    ]);
    const run = await aggregateRun(dir, { fail_on: "never" });
    expect(errorsOf(run)).toMatchObject([{ id: "aggregate.shard_stale", subject: "shard 2/3" }]);
    expect(errorsOf(run)[0]?.message).toContain("0ld0000");
    expect(reportOf(run.outputs).services.length).toBe(reportOf(single.outputs).services.length - reportOf(stale.outputs).services.length);
  });

  it.each([
    ["truncated JSON", (text: string) => text.slice(0, text.length / 2), /not JSON/, "s2/deploy-gate-report.json"],
    ["a wrong shape", (text: string) => text.replace('"checks": [', '"checks": 42, "x": ['), /services|checks/, "shard 2/3"],
    [
      "a newer schema",
      (text: string) => text.replace('"schema_version": 1', '"schema_version": 9'),
      /schema_version 9 is newer/,
      "shard 2/3",
    ],
  ])("an unreadable shard report (%s) is an error naming it", async (_, corrupt, why, named) => {
    const dir = await lay(shards.map((run, index) => ({ run, artifact: `s${index + 1}` })));
    const file = join(dir, "s2", "deploy-gate-report.json");
    await writeFile(file, corrupt(await readFile(file, "utf8")));
    const run = await aggregateRun(dir, { fail_on: "never" });
    expect(run.outputs.result).toBe("error");
    const unreadable = errorsOf(run).find((check) => check.id === "aggregate.report_unreadable");
    expect(unreadable?.message).toMatch(why);
    expect(unreadable?.subject).toContain(named);
    expect(
      errorsOf(run)
        .map((check) => check.subject)
        .join(" "),
    ).toContain(named === "shard 2/3" ? named : "shard 2/3");
  });

  it("a symlink or an empty folder is refused, not followed or passed", async () => {
    const dir = await lay(shards.map((run, index) => ({ run, artifact: `s${index + 1}` })));
    await rm(join(dir, "s3"), { recursive: true });
    await mkdir(join(dir, "s3"));
    await symlink(shards[2]?.outputs.report_file ?? "", join(dir, "s3", "deploy-gate-report.json"));
    const linked = await aggregateRun(dir);
    expect(errorsOf(linked)).toMatchObject([{ id: "aggregate.shard_missing", subject: "shard 3/3" }]);

    const empty = await aggregateRun(await mkdtemp(join(tmpdir(), "gate-none-")));
    expect(empty.outputs.result).toBe("error");
    expect(errorsOf(empty)).toMatchObject([{ id: "aggregate.no_reports" }]);
  });
});
