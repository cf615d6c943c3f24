// Read the revision config each target will be judged on: live from Cloud Run,
// or, before a deploy, the candidate the deploy step is about to apply.
import type { AuthClient } from "google-auth-library";
import { InputError } from "../errors.js";
import { cloudRun } from "../gcp/cloud-run.js";
import type { Inputs } from "../inputs.js";
import type { ServiceRequirement } from "../manifest/load.js";
import type { RevisionConfig } from "../model.js";
import type { Target } from "./targets.js";

export interface ConfigUnderTest {
  requirement: ServiceRequirement;
  config: RevisionConfig;
  /** The previous ready revision, for before/after (live mode, single revision selectors). */
  previous?: RevisionConfig;
}

/** How to read the config(s) one target is judged on, for this run's mode. */
export function configReader(
  inputs: Inputs,
  auth: AuthClient,
  _readFile: (path: string) => Promise<string>,
  signal: AbortSignal,
): (target: Target) => Promise<ConfigUnderTest[]> {
  if (inputs.mode === "candidate") throw new InputError("mode: candidate is not available in this build", "use mode: live");
  const api = cloudRun(auth, inputs.endpoints.cloudRun);
  return async (target) => {
    const revisions = await api.readRevisions(target, inputs.revision, signal);
    return revisions.map((revision) => ({ requirement: target.requirement, ...revision }));
  };
}
