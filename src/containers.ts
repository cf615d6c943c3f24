// Which container a service's requirements apply to, and what one container
// sees. Env is per container: the app in the ingress container (the one with
// the port) never sees a sidecar's variables, so a sidecar cannot satisfy a
// requirement. collect/ (which values to read), checks/ and the signing
// secret all select the same way. Pure.
import type { EnvEntry, RevisionConfig } from "./model.js";

/** The manifest's `services.<s>.container`: undefined means the ingress container. */
export interface ContainerChoice {
  readonly container?: string | undefined;
}

export interface TargetContainer {
  /** The label its env entries carry; undefined when the revision has one container (every entry is its). */
  label: string | undefined;
  /** Named in the manifest (`services.<s>.container`) rather than the ingress container by default. */
  named: boolean;
  /** How messages name it: `the ingress container "app"`, `container "proxy"`. */
  description: string;
}

export function targetContainer(config: RevisionConfig, requirement?: ContainerChoice): TargetContainer {
  if (requirement?.container !== undefined) {
    return { label: requirement.container, named: true, description: `container ${JSON.stringify(requirement.container)}` };
  }
  if (config.containers.length <= 1) return { label: undefined, named: false, description: "the container" };
  // Cloud Run requires exactly one container with a port when there are several; without that fact, the first listed.
  const ingress = config.ingressContainer ?? config.containers[0] ?? "";
  return { label: ingress, named: false, description: `the ingress container ${JSON.stringify(ingress)}` };
}

export interface EnvLookup {
  /** What the target container sees; of duplicates the last, as a Kubernetes container spec resolves them. */
  entry: EnvEntry | undefined;
  /** Other containers that define the name (labels, in listing order). */
  elsewhere: string[];
}

export function lookupEnv(config: RevisionConfig, name: string, target: TargetContainer): EnvLookup {
  const all = config.env.filter((entry) => entry.name === name);
  const own = target.label === undefined ? all : all.filter((entry) => entry.container === target.label);
  const elsewhere = [...new Set(all.filter((entry) => !own.includes(entry)).map((entry) => entry.container))];
  return { entry: own.at(-1), elsewhere };
}

/** The entry the container the requirements apply to sees (the ingress container unless the manifest names one). */
export function findEnv(config: RevisionConfig, name: string, requirement?: ContainerChoice): EnvEntry | undefined {
  return lookupEnv(config, name, targetContainer(config, requirement)).entry;
}
