// Read the revision config each target will be judged on: live from Cloud Run,
// or, before a deploy, the candidate the deploy step is about to apply.
import type { AuthClient } from "google-auth-library";
import { candidateFromDeployInputs, envVarsFilePath } from "../candidate/deploy-inputs.js";
import { parseKVString } from "../candidate/kv-string.js";
import { note } from "../candidate/notes.js";
import { refuseDeployFlagsWithServiceYaml } from "../candidate/replace-flags.js";
import { candidateFromServiceYaml } from "../candidate/service-yaml.js";
import { CandidateError, InputError } from "../errors.js";
import { cloudRun } from "../gcp/cloud-run.js";
import { readServiceTemplate } from "../gcp/service-template.js";
import type { Inputs } from "../inputs.js";
import type { ServiceRequirement } from "../manifest/load.js";
import type { RevisionConfig } from "../model.js";
import { readFailure } from "../read-file.js";
import type { Target } from "./targets.js";

export interface ConfigUnderTest {
  requirement: ServiceRequirement;
  config: RevisionConfig;
  /** The previous ready revision, for before/after (live mode, single revision selectors). */
  previous?: RevisionConfig;
}

export type ConfigReader = (target: Target) => Promise<ConfigUnderTest[]>;

/** How to read the config(s) one target is judged on, for this run's mode. */
export async function configReader(
  inputs: Inputs,
  targets: Target[],
  auth: AuthClient,
  readFile: (path: string) => Promise<string>,
  signal: AbortSignal,
): Promise<ConfigReader> {
  const api = cloudRun(auth, inputs.endpoints.cloudRun, targets);
  if (inputs.mode === "live") {
    return async (target) => {
      const revisions = await api.readRevisions(target, inputs.revision, signal);
      return revisions.map((revision) => ({ requirement: target.requirement, ...revision }));
    };
  }
  if (inputs.serviceYaml) return serviceYamlReader(inputs, inputs.serviceYaml, targets, readFile);
  return deployInputsReader(inputs, targets, (target) => readServiceTemplate(auth, inputs.endpoints.cloudRun, target, signal), readFile);
}

/** `gcloud run services replace` / deploy-cloudrun `metadata`: the YAML is the whole truth. */
async function serviceYamlReader(
  inputs: Pick<Inputs, "envVars" | "secrets" | "flags">,
  path: string,
  targets: Target[],
  readFile: (path: string) => Promise<string>,
): Promise<ConfigReader> {
  if (inputs.flags !== undefined) refuseDeployFlagsWithServiceYaml(inputs.flags);
  let text: string;
  try {
    text = await readFile(path);
  } catch (error) {
    throw new CandidateError(`cannot read service_yaml ${path}: ${readFailure(error)}`, {
      hint: "check the path (relative to the workspace) and that the job ran actions/checkout",
    });
  }
  const first = targets[0];
  if (!first) throw new InputError("no service to check", { hint: "list the service under services: in the manifest" });
  const config = candidateFromServiceYaml(text, path, { project: first.project, region: first.region });
  const target = targets.find((candidate) => candidate.service === config.service);
  if (!target) {
    throw new CandidateError(`service_yaml ${path} deploys service "${config.service}", which the manifest does not list`, {
      hint: `add ${config.service} under services: in the manifest, or fix metadata.name`,
    });
  }
  // deploy-cloudrun parses `secrets` (not `env_vars`) before it looks at `metadata` (its main.ts
  // run()), so a secrets input it cannot parse fails the deploy step even though it is then dropped.
  if (inputs.secrets !== undefined) parseKVString(inputs.secrets, "secrets");
  const ignored = [inputs.envVars !== undefined && "env_vars", inputs.secrets !== undefined && "secrets"].filter(Boolean);
  if (ignored.length > 0) {
    config.notes = config.notes ?? [];
    config.notes.push(
      note(
        "ignored_with_service_yaml",
        "warn",
        `${ignored.join(" and ")} ${ignored.length === 1 ? "is" : "are"} ignored with service_yaml: deploy-cloudrun deploys metadata with "gcloud run services replace" and drops ${ignored.length === 1 ? "it" : "them"}, so the gate judges the YAML alone`,
        "put these variables and secrets in the service YAML, or deploy without metadata",
      ),
    );
  }
  return async (candidate) =>
    candidate === target
      ? [{ requirement: target.requirement, config: { ...config, project: target.project, region: target.region } }]
      : [];
}

/**
 * deploy-cloudrun `env_vars` / `secrets` / `flags`: the live service template plus these changes.
 * The template is read whatever the strategies: even `overwrite` of both replaces only the
 * ingress container's env and secrets, and gcloud keeps the runtime service account, the
 * sidecars and everything else.
 */
function deployInputsReader(
  inputs: Inputs,
  targets: Target[],
  /** undefined: the service does not exist yet (any other failure throws). */
  readLive: (target: Target) => Promise<RevisionConfig | undefined>,
  readFile: (path: string) => Promise<string>,
): ConfigReader {
  if (targets.length !== 1) {
    throw new InputError(`mode: candidate with env_vars/secrets checks one service, but ${targets.length} are selected`, {
      hint: "set services: to the service deploy-cloudrun deploys",
    });
  }
  return async (target) => {
    const live = await readLive(target);
    // gcloud reads --env-vars-file from the deploy step's working directory; a file written
    // between the gate and the deploy cannot be read here (candidateFromDeployInputs says so).
    const envFile = envVarsFilePath(inputs.flags);
    const envVarsFileText = envFile === undefined ? undefined : await readFile(envFile).catch(() => undefined);
    const config = candidateFromDeployInputs({
      service: target.service,
      project: target.project,
      region: target.region,
      envVarsUpdateStrategy: inputs.envVarsUpdateStrategy,
      secretsUpdateStrategy: inputs.secretsUpdateStrategy,
      ...(inputs.envVars !== undefined ? { envVars: inputs.envVars } : {}),
      ...(inputs.secrets !== undefined ? { secrets: inputs.secrets } : {}),
      ...(inputs.flags !== undefined ? { flags: inputs.flags } : {}),
      ...(live ? { live } : { firstDeploy: true }),
      ...(envVarsFileText !== undefined ? { envVarsFileText } : {}),
    });
    return [{ requirement: target.requirement, config }];
  };
}
