// A run cut by its deadline publishes the services that had finished by then. A service the
// deadline left running may still finish while the report is being published (its aborted
// calls become findings): it must not slip into some outputs and not others. The outputs, the
// summary, the report file and the outcome the CLI shows are one report.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Deps, run } from "../../src/main.js";
import { redactor } from "../../src/redact.js";
import type { Report } from "../../src/model.js";
import { incident2 } from "../incidents/incident-2.js";
import { startIncident, type World } from "./world.js";

function deps(env: Record<string, string>, dir: string) {
  const outputs: Record<string, string> = {};
  const summaries: string[] = [];
  const files = new Map<string, string>();
  const secrets = redactor();
  const value: Deps = {
    env,
    readFile: (path) => readFile(path, "utf8"),
    writeFile: async (path, text) => {
      files.set(path, [...text].join(""));
    },
    setOutput: (name, text) => {
      outputs[name] = text;
    },
    // A slow disk: the services the deadline left running get time to finish meanwhile.
    writeSummary: async (markdown) => {
      await new Promise((done) => setTimeout(done, 300));
      summaries.push(markdown);
    },
    log: { info: () => undefined, warning: () => undefined, error: () => undefined },
    redact: secrets.redact,
    mask: (secret) => void secrets.add(secret),
    setFailed: () => undefined,
  };
  return { deps: value, outputs, summaries, files, reportFile: join(dir, "deploy-gate-report.json") };
}

describe("a report cut by the deadline is one snapshot", () => {
  let world: World;
  let manifest: string;

  beforeAll(async () => {
    ({ world, manifest } = await startIncident(incident2));
    incident2.fixed(world);
  });
  afterAll(() => world.close());

  it("a service finishing after the deadline is in none of the published forms, or in all of them", async () => {
    // One service's /health answers after the deadline: its probe is aborted, and that service finishes, late.
    world.backends.get("auth-staging")!.behaviour.healthDelayMs = 60_000;
    const inputs = world.inputs(manifest, { timeout: "3", mode: "live" });
    const env = {
      ...Object.fromEntries(Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value])),
      RUNNER_TEMP: world.dir,
    };
    const io = deps(env, world.dir);

    const outcome = await run(io.deps);
    // Whatever the late service does after the run returned must not change what it returned either.
    const returned = JSON.stringify(outcome.report.services.map((service) => service.service));
    await new Promise((done) => setTimeout(done, 500));

    expect(outcome.result).toBe("error");
    const fromOutput = (JSON.parse(io.outputs.report ?? "{}") as Report).services.map((service) => service.service);
    const fromFile = (JSON.parse(io.files.get(io.reportFile) ?? "{}") as Report).services.map((service) => service.service);
    expect(fromFile).toEqual(fromOutput);
    expect(outcome.report.services.map((service) => service.service)).toEqual(fromOutput);
    expect(JSON.stringify(outcome.report.services.map((service) => service.service))).toBe(returned);
    world.backends.get("auth-staging")!.behaviour.healthDelayMs = 0;
  });
});
