// The GitHub Actions runner as the gate's I/O: inputs from INPUT_*, outputs
// to GITHUB_OUTPUT, the summary to GITHUB_STEP_SUMMARY, masking via ::add-mask::,
// the report file under RUNNER_TEMP.
import * as core from "@actions/core";
import type { Deps } from "./main.js";
import { readRegularFile, writeRegularFile } from "./read-file.js";
import { redactor } from "./redact.js";
import { escapeLog } from "./report/escape.js";

export function runnerDeps(): Deps {
  const secrets = redactor();
  // Every line the step prints passes here: redacted, then unable to issue a workflow command
  // (`::x::` or `##[x]`), whatever the caller did before.
  const line = (text: string) => escapeLog(secrets.redact(text));
  return {
    env: process.env,
    readFile: readRegularFile,
    // Never through a symlink planted at the fixed path (src/read-file.ts).
    writeFile: writeRegularFile,
    mask: (value) => {
      if (!secrets.add(value)) return;
      core.setSecret(value);
      // The runner masks an ::add-mask:: value exactly as registered, in lines that never hold a newline:
      // a value read with its trailing newline (`echo … | gcloud secrets create --data-file=-`) or spaces
      // masks nothing in a later step unless registered without them. A PEM key's lines one by one too.
      const trimmed = value.trim();
      if (trimmed !== value) core.setSecret(trimmed);
      for (const line of value.split(/\r?\n/)) if (line.trim().length >= 8 && line.trim() !== trimmed) core.setSecret(line.trim());
    },
    redact: secrets.redact,
    setFailed: (message) => core.setFailed(line(message)),
    setOutput: (name, value) => core.setOutput(name, value),
    writeSummary: async (markdown) => {
      // No extra end of line: the Markdown ends with one, and GitHub's 1 MiB limit is on the file, byte for byte.
      if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(markdown).write();
    },
    log: {
      info: (text) => core.info(line(text)),
      warning: (text) => core.warning(line(text)),
      error: (text) => core.error(line(text)),
    },
  };
}
