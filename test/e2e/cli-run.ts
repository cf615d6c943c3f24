// The CLI as a terminal user runs it: `node dist/cli.js` with flags, and the
// token in an env var, never on the command line. Shared by the CLI suites.
import { spawn } from "node:child_process";
import { resolve } from "node:path";

export const CLI = resolve(import.meta.dirname, "../../dist/cli.js");

export interface CliRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs dist/cli.js with only PATH and `env` in its environment. */
export function runCli(args: readonly string[], env: Record<string, string> = {}): Promise<CliRun> {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  return new Promise((done) => child.on("close", (code) => done({ exitCode: code ?? -1, stdout, stderr })));
}

/** The flags and env that reach the world whose action inputs these are (`World.inputs`): the token goes in GATE_TOKEN. */
export function cliArgs(
  inputs: Record<string, string>,
  extra: readonly string[] = [],
  timeout = "30",
): { args: string[]; env: Record<string, string> } {
  return {
    args: [
      "--manifest",
      inputs.manifest ?? "",
      "--project",
      inputs.project_id ?? "",
      "--cloud-run-endpoint",
      inputs.cloud_run_endpoint ?? "",
      "--secret-manager-endpoint",
      inputs.secret_manager_endpoint ?? "",
      "--resource-manager-endpoint",
      inputs.resource_manager_endpoint ?? "",
      "--timeout",
      timeout,
      "--access-token-env",
      "GATE_TOKEN",
      ...extra,
    ],
    env: { GATE_TOKEN: inputs.access_token ?? "" },
  };
}
