// The checks on containers: a named container exists, a name is defined once
// per container, and what to say when a variable is on the wrong container
// (the lookups themselves are in ../containers.ts). Pure.
import type { TargetContainer } from "../containers.js";
import type { ServiceRequirement } from "../manifest/load.js";
import type { EnvEntry, Finding, RevisionConfig } from "../model.js";
import { describeRevision } from "./describe.js";

/** "X is set on sidecar "proxy", not on the ingress container "app" of …", or undefined when no other container has it. */
export function elsewhereMessage(config: RevisionConfig, name: string, target: TargetContainer, elsewhere: string[]): string | undefined {
  if (elsewhere.length === 0) return undefined;
  const kind = target.named ? "container" : "sidecar";
  const others = elsewhere.map((label) => `${kind} ${JSON.stringify(label)}`).join(", ");
  return `${name} is set on ${others}, not on ${target.description} of ${describeRevision(config)}: env is per container, so the app there does not see it`;
}

/** The `--container=` flag gcloud needs to edit one container of a multi-container service. */
export function containerFlag(target: TargetContainer): string {
  return target.label ? `--container=${target.label} ` : "";
}

/** A container the manifest names must exist: otherwise every requirement would be judged against nothing. */
export function checkContainer(config: RevisionConfig, requirement: ServiceRequirement): Finding[] {
  const named = requirement.container;
  if (named === undefined || config.containers.includes(named)) return [];
  return [
    {
      id: "container.not_found",
      status: "fail",
      subject: named,
      location: requirement.location,
      message: `${describeRevision(config)} has no container ${JSON.stringify(named)} (it has ${config.containers.map((label) => JSON.stringify(label)).join(", ")}); the manifest's requirements apply to that container`,
      hint: "fix services.<service>.container in the manifest, or remove it to check the ingress container",
    },
  ];
}

/**
 * The same name twice in one container. Cloud Run's documentation does not say which entry the
 * container sees; a Kubernetes container spec (which Cloud Run's follows) resolves to the last. Values
 * are never shown: only whether the entries agree.
 */
export function checkDuplicateEnv(config: RevisionConfig): Finding[] {
  const groups = new Map<string, EnvEntry[]>();
  for (const entry of config.env) {
    const key = JSON.stringify([entry.container, entry.name]);
    groups.set(key, [...(groups.get(key) ?? []), entry]);
  }
  return [...groups.values()]
    .filter((entries) => entries.length > 1)
    .map((entries) => {
      const [first] = entries as [EnvEntry, ...EnvEntry[]];
      const agree = new Set(entries.map(sourceOf)).size === 1;
      const where = first.container === "" ? "the container" : `container ${JSON.stringify(first.container)}`;
      return {
        id: "env.duplicate",
        status: agree ? ("warn" as const) : ("fail" as const),
        subject: first.name,
        message:
          `${first.name} is defined ${entries.length} times in ${where} of ${describeRevision(config)}` +
          `${agree ? " (all with the same value)" : " with different values"}: Cloud Run does not document which one the container sees` +
          " (a Kubernetes container spec uses the last); the gate checked the last",
        hint: "keep one entry per name (gcloud run services describe … --format=export, remove the extra, services replace)",
      };
    });
}

function sourceOf(entry: EnvEntry): string {
  return entry.secret
    ? JSON.stringify(["secret", entry.secret.project ?? "", entry.secret.secret, entry.secret.version])
    : JSON.stringify(["value", entry.value ?? ""]);
}
