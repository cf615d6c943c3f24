// Which services this run checks, and in which project and region: inputs
// first, then the manifest, then the credentials' own project.
import { InputError } from "../errors.js";
import type { ServiceTarget } from "../gcp/cloud-run.js";
import type { Inputs } from "../inputs.js";
import type { Manifest, ServiceRequirement } from "../manifest/load.js";

export interface Target extends ServiceTarget {
  requirement: ServiceRequirement;
}

export function resolveTargets(inputs: Inputs, manifest: Manifest, credentialsProject: string | undefined): Target[] {
  const selected =
    inputs.services.length > 0
      ? inputs.services
      : manifest.services.map((service) => ({ name: service.name, region: undefined, project: undefined }));
  const targets = selected.map((selector) => {
    const requirement = manifest.services.find((service) => service.name === selector.name);
    if (!requirement) {
      throw new InputError(`services: "${selector.name}" is not in the manifest ${manifest.file}`, {
        hint: `add it under services: in ${manifest.file} (known: ${manifest.services.map((service) => service.name).join(", ")})`,
      });
    }
    const region = selector.region ?? inputs.region ?? requirement.region;
    if (!region)
      throw new InputError(`no region for service ${selector.name}`, { hint: "set the region input, or region: in the manifest" });
    const project = selector.project ?? inputs.projectId ?? manifest.projectId ?? credentialsProject;
    if (!project)
      throw new InputError("no project id", {
        hint: "set the project_id input, project_id: in the manifest, or CLOUDSDK_CORE_PROJECT (google-github-actions/auth sets it)",
      });
    return { project, region, service: selector.name, requirement };
  });
  refuseSharedUrl(inputs, targets);
  return targets;
}

/**
 * `url` is one service's address. Probing several services there sent each one's tokens (signed
 * with its own deployed secret) to that one origin, and judged each by another's answers.
 */
function refuseSharedUrl(inputs: Inputs, targets: readonly Target[]): void {
  if (inputs.url === undefined || inputs.mode !== "live") return;
  const probed = targets.filter(({ requirement }) => requirement.health || requirement.websocket || requirement.http?.length);
  if (probed.length < 2) return;
  const names = [...new Set(probed.map((target) => target.service))];
  throw new InputError(
    `url is one service's address, and ${probed.length} services with probes are selected (${names.slice(0, 5).join(", ")}${names.length > 5 ? ", …" : ""}): each one's tokens would go to that one URL`,
    {
      hint: "select the service url belongs to with the services input (one gate step per url), or drop url to probe each service at its own URL",
    },
  );
}
