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
  return selected.map((selector) => {
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
}
