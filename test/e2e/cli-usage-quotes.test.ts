// A usage error quotes what it refuses only where that cannot be a secret. A token pasted where
// no flag takes it (`--timeout 30 "$TOKEN"`, a quoting slip that splits a value in two) is a
// stray argument: the error says where it was, never what it was. Exit 2, no stack.
import { describe, expect, it } from "vitest";
import { runCli } from "./cli-run.js";

const TOKEN = "ya29.a0AfH6SMBq3Zk9Lm2Vn7Wx4Ry8Tp1Qs6Ud0Ef5Gh";
const PASSWORD = "correct-horse-battery-staple-41";

describe("CLI usage errors never echo a stray argument", () => {
  it.each([
    ["a token after a flag's value", ["--timeout", "30", TOKEN], TOKEN, /3rd argument \(it follows --timeout and its value\)/],
    ["a password as the first argument", [PASSWORD], PASSWORD, /the 1st argument/],
    ["an unknown option shaped like a token", [`--${TOKEN}`], TOKEN, /unknown option/i],
  ])("%s: exit 2, one line that says where", async (_name, args, secret, where) => {
    const run = await runCli(args);

    expect(run.exitCode).toBe(2);
    expect(run.stdout + run.stderr).not.toContain(secret);
    expect(run.stdout + run.stderr).not.toContain(secret.slice(0, 12));
    expect(run.stderr).toMatch(where);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it("a typo'd flag is still named", async () => {
    const run = await runCli(["--manfest", "x.yml"]);

    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain("--manfest");
  });
});
