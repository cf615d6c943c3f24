// One fix per service: the gcloud commands the findings' hints carry, merged
// into one `run services update` (and each other command once), broken only
// between flags; and the links a manifest line gets.
import { describe, expect, it } from "vitest";
import type { Finding } from "../../src/model.js";
import { MAX_FIX_LINE, mergedFix, proseHints } from "../../src/report/fix.js";
import { locationLink, runLinks } from "../../src/report/links.js";

const update = (flag: string) => `gcloud run services update api --region=us-central1 --project=p ${flag}`;
const finding = (hint: string): Finding => ({ id: "secret.missing", status: "fail", message: "m", hint });
const grant =
  "gcloud secrets add-iam-policy-binding s1 --project=p --member=serviceAccount:sa@p.iam.gserviceaccount.com --role=roles/secretmanager.secretAccessor";

describe("mergedFix", () => {
  it("merges env vars and secrets of one service into one command, and a grant appears once", () => {
    const commands = mergedFix([
      finding(`set it: ${update("--update-env-vars=A=VALUE")}`),
      finding(`reference it: ${update("--update-secrets=S1=s1:latest")}; the runtime service account needs access`),
      finding(`reference it: ${update("--set-secrets=S2=s2:3")}`),
      finding(grant),
      finding(grant),
    ]);
    expect(commands).toHaveLength(2);
    const [run, iam] = commands as [string, string];
    expect(run.match(/gcloud/g)).toHaveLength(1);
    expect(run).toContain("--update-env-vars=A=VALUE");
    // --set-secrets would drop every other secret: merged pairs are updates.
    expect(run).toContain("--update-secrets=S1=s1:latest,S2=s2:3");
    expect(run).not.toContain("--set-secrets");
    expect(iam.replace(/ \\\n\s+/g, " ")).toBe(grant);
  });

  it("keeps one command per service", () => {
    const commands = mergedFix([
      finding(update("--update-env-vars=A=1")),
      finding(update("--update-env-vars=A=1").replace(" api ", " web ")),
    ]);
    expect(commands).toHaveLength(2);
  });

  it("breaks long commands between flags only, each line under the limit, a `\\` on all but the last", () => {
    const hints = Array.from({ length: 30 }, (_, index) =>
      finding(update(`--update-secrets=SECRET_NUMBER_${index}=secret-number-${index}:latest`)),
    );
    const [command] = mergedFix(hints) as [string];
    const lines = command.split("\n");
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(MAX_FIX_LINE);
    for (const line of lines.slice(0, -1)) expect(line).toMatch(/ \\$/);
    for (const line of lines.slice(1)) expect(line).toMatch(/^ {2}--update-secrets=(SECRET_NUMBER_\d+=secret-number-\d+:latest,?)+( \\)?$/);
    for (let index = 0; index < 30; index++) expect(command).toContain(`SECRET_NUMBER_${index}=secret-number-${index}:latest`);
  });

  it("says what no command does once, in words", () => {
    const hints = [
      finding(`reference it: ${update("--update-secrets=S1=s1:latest")}; needs access`),
      finding(`x: ${update("--update-secrets=S2=s2:latest")}; needs access`),
    ];
    expect(proseHints(hints)).toEqual(["needs access"]);
    expect(mergedFix([finding("make the tests read the same secret")])).toEqual([]);
  });
});

describe("links", () => {
  const env = {
    GITHUB_SERVER_URL: "https://github.com",
    GITHUB_REPOSITORY: "acme/chat",
    GITHUB_SHA: "0123456789abcdef0123456789abcdef01234567",
    GITHUB_RUN_ID: "42",
    GITHUB_RUN_ATTEMPT: "2",
    GITHUB_WORKSPACE: "/home/runner/work/chat/chat",
  };

  it("points a manifest line at the file at the commit, and the footer at the run", () => {
    const links = runLinks(env);
    expect(links.runUrl).toBe("https://github.com/acme/chat/actions/runs/42/attempts/2");
    expect(locationLink({ file: "/home/runner/work/chat/chat/.github/deploy-gate.yml", line: 8 }, links)).toEqual({
      text: ".github/deploy-gate.yml:8",
      url: "https://github.com/acme/chat/blob/0123456789abcdef0123456789abcdef01234567/.github/deploy-gate.yml#L8",
    });
  });

  it("leaves it plain text when a part is unknown or not what it claims", () => {
    expect(locationLink({ file: "/elsewhere/deploy-gate.yml", line: 3 }, runLinks(env)).url).toBeUndefined();
    expect(
      locationLink({ file: "deploy-gate.yml", line: 3 }, runLinks({ ...env, GITHUB_REPOSITORY: "acme/chat)(javascript:x" })).url,
    ).toBeUndefined();
    expect(locationLink({ file: "deploy-gate.yml", line: 3 }, runLinks({ ...env, GITHUB_SHA: "main" })).url).toBeUndefined();
    expect(runLinks({ ...env, GITHUB_SERVER_URL: "javascript:alert(1)" }).runUrl).toBeUndefined();
    expect(locationLink({ file: "a b/(x).yml", line: 1 }, runLinks(env)).url).toContain("/a%20b/%28x%29.yml#L1");
  });
});
