// Reads the containers, env and secret volumes of a Knative revision template
// (`spec.template.spec`), turning each quirk of hand-edited files into a finding.
import { isSeq } from "yaml";
import { CandidateError } from "../errors.js";
import type { EnvEntry, Finding, SecretRef, SecretVolume } from "../model.js";
import { note, reservedEnvNote } from "./notes.js";
import { isValidSecretVersion, SECRET_NAME } from "./secret-ref.js";
import { describeKind, gcloudKind, pythonIntParses } from "./yaml11.js";
import { child, isNullish, items, locate, text, type YamlContext } from "./yaml-nodes.js";

export type SecretAliases = Map<string, { project: string; secret: string }>;

export interface ContainerInfo {
  name: string;
  env: EnvEntry[];
  mounts: { volume: string; mountPath: string; node: unknown }[];
  serving: boolean;
}

export function readContainers(ctx: YamlContext, spec: unknown, aliases: SecretAliases, notes: Finding[]): ContainerInfo[] {
  const nodes = items(ctx, child(ctx, spec, "containers"));
  if (nodes.length === 0) {
    throw new CandidateError(`${ctx.file}: spec.template.spec.containers is missing or empty`, {
      hint: "the Service needs at least one container under spec.template.spec.containers",
    });
  }
  // The ingress container is the one with ports, wherever it is listed; a lone container is it.
  const hasPorts = (node: unknown) => items(ctx, child(ctx, node, "ports")).length > 0;
  const ingressIndex = nodes.length === 1 ? 0 : nodes.findIndex(hasPorts);
  const withPorts = nodes.filter(hasPorts).length;
  if (nodes.length > 1 && withPorts !== 1) {
    notes.push(
      note(
        "ingress_container",
        "fail",
        `${withPorts === 0 ? "no container has" : `${withPorts} containers have`} ports; with sidecars Cloud Run requires exactly one container with ports (the ingress container)`,
        "give ports: [{containerPort: …}] to the container that serves requests, and to no other",
        { location: locate(ctx, child(ctx, spec, "containers")) },
      ),
    );
  }
  const containers = nodes.map((node, index) => {
    const name = text(child(ctx, node, "name")) ?? "";
    // Cloud Run names a lone container itself; with sidecars every container needs a name.
    if (name === "" && nodes.length > 1) {
      notes.push(
        note(
          "container_unnamed",
          "fail",
          "a container has no name; with more than one container Cloud Run requires names",
          "add name: to every container",
          {
            location: locate(ctx, node),
          },
        ),
      );
    }
    const ports = items(ctx, child(ctx, node, "ports"));
    for (const port of ports) checkPort(ctx, port, notes);
    const mounts = items(ctx, child(ctx, node, "volumeMounts")).map((mount) => ({
      volume: text(child(ctx, mount, "name")) ?? "",
      mountPath: normaliseMountPath(text(child(ctx, mount, "mountPath")) ?? ""),
      node: mount,
    }));
    const ingress = index === ingressIndex;
    return { name, env: readEnv(ctx, node, name, ingress, aliases, notes), mounts, serving: ingress };
  });
  return containers;
}

/** Env is per container: secrets only on a sidecar usually means they were put on the wrong one. */
export function sidecarSecretsNote(containers: ContainerInfo[], volumes: SecretVolume[]): Finding | undefined {
  const serving = containers.find((container) => container.serving) ?? containers[0];
  if (!serving || containers.length < 2) return undefined;
  const hasSecrets = (container: ContainerInfo) =>
    container.env.some((entry) => entry.secret) ||
    volumes.some((volume) => volume.mounts.some((mount) => mount.container === container.name));
  const sidecars = containers.filter((container) => container !== serving && hasSecrets(container));
  if (hasSecrets(serving) || sidecars.length === 0) return undefined;
  return note(
    "secrets_only_on_sidecar",
    "warn",
    `secrets are set only on sidecar ${sidecars.map((c) => JSON.stringify(c.name)).join(", ")}, not on the serving container ${JSON.stringify(serving.name)}`,
    "if the app in the serving container needs them, move the env entries or volume mounts to that container; env is per container",
    { subject: serving.name },
  );
}

/** `/etc/app/` and `/etc/app` are one directory; without this a file in it would read `/etc/app//key`. */
export function normaliseMountPath(mountPath: string): string {
  const trimmed = mountPath.replace(/\/+$/, "");
  return trimmed === "" && mountPath.startsWith("/") ? "/" : trimmed;
}

function readEnv(
  ctx: YamlContext,
  containerNode: unknown,
  container: string,
  ingress: boolean,
  aliases: SecretAliases,
  notes: Finding[],
): EnvEntry[] {
  const env: EnvEntry[] = [];
  for (const node of items(ctx, child(ctx, containerNode, "env"))) {
    const location = locate(ctx, node);
    const name = text(child(ctx, node, "name"));
    if (!name) {
      notes.push(
        note("env_without_name", "fail", `${where(location)}: an env entry has no name`, "give every env entry a name:", { location }),
      );
      continue;
    }
    // Cloud Run sets PORT on the ingress container only; a sidecar may set its own.
    const reserved = reservedEnvNote(name, location, ingress);
    if (reserved) notes.push(reserved);
    if (env.some((entry) => entry.name === name)) {
      notes.push(
        note(
          "duplicate_env",
          "warn",
          `${where(location)}: ${name} is listed twice in container ${JSON.stringify(container)}`,
          "keep one entry per name",
          {
            subject: name,
            location,
          },
        ),
      );
    }
    const given = child(ctx, node, "value");
    // apitools skips an empty list given for a field that is not a list: no value, as for null.
    const valueNode = isSeq(given) && given.items.length === 0 ? undefined : given;
    const valueFrom = child(ctx, node, "valueFrom");
    if (!isNullish(valueNode) && !isNullish(valueFrom)) {
      notes.push(
        note("env_value_and_secret", "fail", `${name} has both value and valueFrom; Cloud Run refuses the revision`, "keep one of them", {
          subject: name,
          location,
        }),
      );
    }
    if (!isNullish(valueFrom)) {
      const secret = readSecretKeyRef(ctx, child(ctx, valueFrom, "secretKeyRef"), name, aliases, notes);
      if (secret) env.push({ name, container, secret });
      continue;
    }
    if (isNullish(valueNode)) {
      notes.push(
        note(
          "env_without_value",
          "warn",
          `${name} has neither value nor valueFrom, so it will be set to the empty string`,
          "add value: or valueFrom.secretKeyRef; a misspelt key (e.g. `valeu:`) leads here",
          { subject: name, location },
        ),
      );
      env.push({ name, container, value: "" });
      continue;
    }
    const value = text(valueNode);
    if (value === undefined) {
      notes.push(
        note("env_value_not_string", "fail", `${name}: value is not a plain string`, "write value: as a quoted string", {
          subject: name,
          location,
        }),
      );
      continue;
    }
    // gcloud reads the file as YAML 1.1 (yaml11.ts): `8080`, `yes`, `off`, `1_000` or a date there
    // is no string, and apitools refuses it ("Expected type <class 'str'> for field value").
    const kind = gcloudKind(valueNode);
    if (kind !== "string") {
      notes.push(
        note(
          "env_value_not_string",
          "fail",
          `${name}: value is ${describeKind(kind ?? "unloadable")} for gcloud, which reads the file as YAML 1.1; gcloud run services replace refuses the file ("Expected type <class 'str'> for field value")`,
          "quote it, e.g. value: '8080' or value: 'yes'",
          { subject: name, location },
        ),
      );
    }
    env.push({ name, container, value });
  }
  return env;
}

function readSecretKeyRef(
  ctx: YamlContext,
  ref: unknown,
  envName: string,
  aliases: SecretAliases,
  notes: Finding[],
): SecretRef | undefined {
  const location = locate(ctx, ref);
  if (isNullish(ref)) {
    notes.push(
      note(
        "env_value_source_unsupported",
        "fail",
        `${envName}: valueFrom has no secretKeyRef; Cloud Run supports only Secret Manager references there`,
        "use valueFrom.secretKeyRef {name: SECRET, key: VERSION}",
        { subject: envName, location },
      ),
    );
    return undefined;
  }
  return resolveSecret(text(child(ctx, ref, "name")), text(child(ctx, ref, "key")), envName, location, aliases, notes);
}

export function resolveSecret(
  name: string | undefined,
  version: string | undefined,
  subject: string,
  location: ReturnType<typeof locate>,
  aliases: SecretAliases,
  notes: Finding[],
): SecretRef | undefined {
  const alias = name === undefined ? undefined : aliases.get(name);
  if (!alias && (name === undefined || !SECRET_NAME.test(name))) {
    notes.push(
      note(
        "secret_name_invalid",
        "fail",
        `${subject}: the secret name is missing or is neither a Secret Manager id nor an alias from the run.googleapis.com/secrets annotation`,
        "use the secret id, or add alias:projects/NUMBER/secrets/NAME to spec.template.metadata.annotations run.googleapis.com/secrets",
        { subject, location },
      ),
    );
    return undefined;
  }
  if (version === undefined) {
    notes.push(
      note("secret_version_missing", "fail", `${subject}: the secret has no version (key:)`, "add key: latest or a version number", {
        subject,
        location,
      }),
    );
    return undefined;
  }
  if (!isValidSecretVersion(version)) {
    notes.push(
      note(
        "secret_version_invalid",
        "fail",
        `${subject}: the secret version (key:) is not "latest" or a version number`,
        "write key: latest or key: '3'",
        {
          subject,
          location,
        },
      ),
    );
    return undefined;
  }
  return alias ? { secret: alias.secret, project: alias.project, version } : { secret: name as string, version };
}

function checkPort(ctx: YamlContext, port: unknown, notes: Finding[]): void {
  const portNode = child(ctx, port, "containerPort");
  const kind = gcloudKind(portNode);
  // apitools skips a null, and an empty list given for a field that is not a list.
  if (portNode === undefined || kind === "null" || kind === "int" || (isSeq(portNode) && portNode.items.length === 0)) return;
  const location = locate(ctx, portNode);
  // apitools runs int() on a string given for an integer field: "8080" deploys, "http" does not.
  // A YAML 1.1 boolean passes too (Python's bool is an int), as port 1 or 0.
  const accepted = (kind === "string" && pythonIntParses(text(portNode) ?? "")) || kind === "bool";
  notes.push(
    note(
      "port_not_integer",
      accepted ? "warn" : "fail",
      accepted
        ? `${where(location)}: containerPort is ${kind === "bool" ? "a YAML 1.1 boolean, which gcloud sends as port 1 or 0" : "a string"}`
        : `${where(location)}: containerPort is not an integer; gcloud run services replace refuses the file ("Expected type (<class 'int'>,) for field containerPort")`,
      "write containerPort: 8080 without quotes",
      {
        location,
      },
    ),
  );
}

export function where(location: { file: string; line?: number }): string {
  return location.line ? `${location.file}:${location.line}` : location.file;
}
