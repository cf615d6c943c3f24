// A credentials file's credential_source.file (an external_account file, as an identity
// provider writes it) is read like every other file the gate reads: a regular file, at most
// 1 MiB. google-auth-library reads it whole (a 700 MB file: 4 s, 800 MB of memory, then
// "network error ERR_STRING_TOO_LONG"), and says "request failed" for a FIFO or a device.
import { execFileSync } from "node:child_process";
import { mkdtemp, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reportOf, runAction } from "./harness.js";

describe("bounds: credential_source.file", () => {
  let dir: string;
  let manifest: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "gate-bounds-credentials-"));
    manifest = join(dir, "deploy-gate.yml");
    await writeFile(manifest, "region: us-central1\nservices:\n  web: {}\n");
    execFileSync("mkfifo", [join(dir, "fifo")]);
    await writeFile(join(dir, "huge"), "");
    await truncate(join(dir, "huge"), 700 * 1024 * 1024);
  });
  afterAll(async () => {
    await truncate(join(dir, "huge"), 0).catch(() => undefined);
  });

  const credentials = async (file: string) => {
    const path = join(dir, `credentials-${Math.random().toString(36).slice(2)}.json`);
    await writeFile(
      path,
      JSON.stringify({
        type: "external_account",
        audience: "//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/providers/x",
        subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
        token_url: "https://sts.googleapis.com/v1/token",
        credential_source: { file },
      }),
    );
    return path;
  };

  it.each([
    ["a FIFO", () => join(dir, "fifo"), "it is a named pipe (FIFO), not a regular file"],
    ["/dev/zero", () => "/dev/zero", "it is a device, not a regular file"],
    ["a 700 MB file", () => join(dir, "huge"), "it is larger than 1 MiB"],
    ["a file that does not exist", () => join(dir, "missing"), "it does not exist"],
  ])("%s: an auth error naming the file and why, at once", async (_name, file, why) => {
    const started = Date.now();
    const run = await runAction(
      { manifest, project_id: "my-project-123", sts_endpoint: "http://127.0.0.1:9", timeout: "20" },
      { GOOGLE_APPLICATION_CREDENTIALS: await credentials(file()) },
    );
    expect(run.outputs.result).toBe("error");
    const message = reportOf(run.outputs).checks?.[0]?.message ?? "";
    expect(message).toContain(`credential_source.file ${file()} cannot be read: ${why}`);
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});
