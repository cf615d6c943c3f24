// The report as a reviewer reads it, rendered from real runs of incidents 1-4:
// the verdict that follows the diagnosis first, one row per service, one
// merged fix per failing service, nothing wider than a PR comment, and one
// problem count on every surface. The golden files come from the same runs
// (scripts/golden-incidents.ts writes them; this compares).
import { readFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { renderHuman, style } from "../../src/cli/render.js";
import { checkRunTitle } from "../../src/github/check-run.js";
import { problemCount } from "../../src/report/problems.js";
import { incident1 } from "../incidents/incident-1.js";
import { runAction } from "./harness.js";
import { GOLDEN_LINKS, goldenMarkdown, type IncidentReports, runIncidents } from "./report-golden.js";
import { startIncident } from "./world.js";

const GOLDEN = join(import.meta.dirname, "../golden");
let runs: IncidentReports[];
const byId = (id: string) => runs.find((run) => run.incident.id === id) as IncidentReports;

beforeAll(async () => {
  runs = await runIncidents();
}, 120_000);

/** The first table: the lines after the headline up to the first blank line after it. */
function serviceRows(markdown: string): string[] {
  const lines = markdown.split("\n");
  const start = lines.findIndex((line) => line.startsWith("| | Service |"));
  const end = lines.findIndex((line, index) => index > start && line === "");
  return lines.slice(start + 2, end);
}

function shBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```sh\n([\s\S]*?)\n```$/gm)].map((match) => match[1] ?? "");
}

/** What a reader sees of a cell: link targets and entities do not take width. */
const visible = (cell: string) => cell.replace(/\]\([^)]*\)/g, "]").replace(/&#\d+;/g, "x");

describe("the report of a real run", () => {
  it("leads with the verdict that follows the diagnosis", () => {
    expect(goldenMarkdown(byId("incident-3").broken).split("\n")[0]).toBe(
      "## ❌ Cloud Run deploy gate: the tests sign with the wrong secret; the deployed revision is fine",
    );
    expect(goldenMarkdown(byId("incident-1").broken).split("\n")[0]).toMatch(
      /^## ❌ Cloud Run deploy gate: fail, do not ship backend-staging: JWT_SECRET_STAGING/,
    );
    expect(goldenMarkdown(byId("incident-2").broken).split("\n")[0]).toBe(
      "## ❌ Cloud Run deploy gate: fail, do not ship: 9 problems in backend-staging, auth-staging",
    );
    // The summary the action itself wrote says the same.
    expect(byId("incident-3").brokenSummary.split("\n")[0]).toBe(goldenMarkdown(byId("incident-3").broken).split("\n")[0]);
  });

  it("has one row per service, with its likely cause", () => {
    for (const { broken } of runs) {
      const rows = serviceRows(goldenMarkdown(broken));
      expect(rows).toHaveLength(broken.services.length);
      for (const [index, service] of broken.services.entries()) expect(rows[index]).toContain(`\`${service.service}\``);
    }
    expect(serviceRows(goldenMarkdown(byId("incident-2").broken))[0]).toContain("incomplete config");
  });

  it("states a missing secret once: symptoms are folded, not counted", () => {
    const markdown = goldenMarkdown(byId("incident-1").broken);
    const visibleText = markdown.replace(/<details>[\s\S]*?<\/details>/g, "");
    expect(visibleText).not.toContain("jwt.secret_missing");
    expect(visibleText).not.toContain("ws.rejected");
    expect(markdown).toContain("2 findings caused by the above");
    const incident2 = goldenMarkdown(byId("incident-2").broken);
    expect(incident2).toContain("2 checks not verifiable, caused by the missing config above");
    expect(incident2.replace(/<details>[\s\S]*?<\/details>/g, "")).not.toContain("consistent.unverifiable");
  });

  it("gives one sh block per failing service, its flags merged into one command", () => {
    const blocks = shBlocks(goldenMarkdown(byId("incident-2").broken));
    expect(blocks).toHaveLength(2);
    const [backend, auth] = blocks as [string, string];
    expect(backend.match(/gcloud run services update/g)).toHaveLength(1);
    expect(backend).toMatch(/^gcloud run services update backend-staging /);
    for (const name of ["AUTH_SERVICE_URL=", "SERVICE_SECRET=service-secret:latest", "JWT_SECRET_KEY=", "SERVICE_ID=", "SECRET_KEY="]) {
      expect(backend).toContain(name);
    }
    expect(backend).toContain("--update-env-vars=AUTH_SERVICE_URL=VALUE");
    expect(auth).toMatch(/^gcloud run services update auth-staging /);
    // Copyable: every line but the last continues the command; no flag is cut in two.
    for (const block of blocks) {
      const lines = block.split("\n");
      for (const line of lines.slice(0, -1)) expect(line).toMatch(/ \\$/);
      for (const line of lines.slice(1)) expect(line).toMatch(/^ {2}--[a-z-]+=\S+( \\)?$/);
    }
    expect(shBlocks(goldenMarkdown(byId("incident-1").broken))).toHaveLength(1);
    // Incident 3's fix is in the tests, not a gcloud command on the service.
    expect(shBlocks(goldenMarkdown(byId("incident-3").broken))).toHaveLength(0);
  });

  it("fits a PR comment: no wide table cell, no fenced line over 100 characters", () => {
    for (const { broken, fixed } of runs) {
      for (const markdown of [goldenMarkdown(broken), goldenMarkdown(fixed)]) {
        for (const line of markdown.split("\n").filter((text) => text.startsWith("|"))) {
          for (const cell of line.split(/(?<!\\)\|/)) expect(visible(cell).trim().length).toBeLessThanOrEqual(130);
        }
        for (const block of markdown.matchAll(/^```\w*\n([\s\S]*?)\n```$/gm)) {
          for (const line of (block[1] ?? "").split("\n")) expect(line.length).toBeLessThanOrEqual(100);
        }
      }
    }
  });

  it("keeps a pass short: one line, the details folded", () => {
    for (const { fixed } of runs) {
      const outside = goldenMarkdown(fixed)
        .replace(/<details>[\s\S]*?<\/details>\n/g, "")
        .split("\n")
        .filter(Boolean);
      expect(outside[0]).toMatch(/^## ✅ Cloud Run deploy gate: pass, /);
      expect(outside).toHaveLength(2); // the verdict and the footer
    }
  });

  it("ends with the commit, the workflow run and the duration", () => {
    const lines = goldenMarkdown(byId("incident-1").broken).trimEnd().split("\n");
    expect(lines.at(-1)).toBe("<sub>commit `0123456789ab` · [workflow run](https://github.com/acme/chat/actions/runs/4242) · 4.2 s</sub>");
    expect(goldenMarkdown(byId("incident-1").broken)).toContain(
      "(https://github.com/acme/chat/blob/0123456789abcdef0123456789abcdef01234567/.github/deploy-gate.yml#L8)",
    );
  });

  it("counts problems the same in the comment, the check-run title and the CLI", () => {
    for (const { broken } of runs) {
      const count = problemCount(broken);
      const title = checkRunTitle(broken);
      expect(title).toContain(`${count} problem${count === 1 ? "" : "s"}`);
      expect(renderHuman(broken, 1, style(false))).toContain(`${count} problem${count === 1 ? "" : "s"}`);
    }
    expect(problemCount(byId("incident-2").broken)).toBe(9);
    // The title follows the diagnosis, as the headline does: incident 3's deploy is fine.
    expect(checkRunTitle(byId("incident-3").broken)).toBe(
      "Fail: 1 problem, the tests sign with the wrong secret; the deployed revision is fine",
    );
    expect(problemCount(byId("incident-1").broken)).toBe(1);
  });

  it("matches the golden Markdown of incidents 1-4 (scripts/golden-incidents.ts)", async () => {
    for (const { incident, broken, fixed } of runs) {
      expect(goldenMarkdown(broken)).toBe(await readFile(join(GOLDEN, `${incident.id}.md`), "utf8"));
      expect(goldenMarkdown(fixed)).toBe(await readFile(join(GOLDEN, `${incident.id}-fixed.md`), "utf8"));
    }
  });

  it("the job summary the action writes links the manifest line at the commit and the run, from the runner's variables", async () => {
    const { world, manifest } = await startIncident(incident1);
    try {
      incident1.broken(world);
      const run = await runAction(world.inputs(manifest), {
        GITHUB_SERVER_URL: "https://github.com",
        GITHUB_REPOSITORY: "acme/chat",
        GITHUB_SHA: GOLDEN_LINKS.sha,
        GITHUB_RUN_ID: "4242",
        GITHUB_WORKSPACE: dirname(manifest),
      });
      expect(run.summary).toContain(`(https://github.com/acme/chat/blob/${GOLDEN_LINKS.sha}/${basename(manifest)}#L8)`);
      expect(run.summary).toContain("[workflow run](https://github.com/acme/chat/actions/runs/4242)");
      expect(run.summary).toContain(`commit \`${GOLDEN_LINKS.sha.slice(0, 12)}\``);
      // The PR comment (as the report file carries it for the fork pattern) has the same links.
      const comment: string = JSON.parse(await readFile(run.outputs.report_file ?? "", "utf8")).github.comment;
      expect(comment).toContain(`(https://github.com/acme/chat/blob/${GOLDEN_LINKS.sha}/${basename(manifest)}#L8)`);
      expect(comment).toContain("[workflow run](https://github.com/acme/chat/actions/runs/4242)");
    } finally {
      await world.close();
    }
  });
});
