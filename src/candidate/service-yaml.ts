// Predicts the revision `gcloud run services replace` (or deploy-cloudrun `metadata:`)
// will create from a Knative serving.knative.dev/v1 Service YAML. Files in the wild are
// hand-edited copies of `services describe --format export`, so every quirk met there
// becomes a finding with a line number, or an InputError; never a crash.
import { isScalar, LineCounter, visit } from "yaml";
import { InputError } from "../errors.js";
import type { Finding, RevisionConfig } from "../model.js";
import { parseBoundedYaml } from "../parse-yaml.js";
import { note } from "./notes.js";
import { parseRemoteSecretPath } from "./secret-ref.js";
import { readContainers, type SecretAliases, sidecarSecretsNote } from "./service-yaml-template.js";
import { readSecretVolumes } from "./service-yaml-volumes.js";
import { at, entries, locate, text, type YamlContext } from "./yaml-nodes.js";

const MAX_SERVICE_YAML_BYTES = 1024 * 1024;
const SECRETS_ANNOTATION = "run.googleapis.com/secrets";
const LOCATION_LABEL = "cloud.googleapis.com/location";
const PERCENT_PLACEHOLDER = /%[A-Za-z_][A-Za-z0-9_]*%/;
const PLACEHOLDERS = /\$\{[^}\s]{0,100}\}|%[A-Za-z_][A-Za-z0-9_]{0,100}%/g;

export function candidateFromServiceYaml(text: string, file: string, defaults: { project: string; region: string }): RevisionConfig {
  if (Buffer.byteLength(text) > MAX_SERVICE_YAML_BYTES) {
    throw invalid(`service YAML ${file} is larger than 1 MiB`, "point service_yaml at the rendered Service file");
  }
  const ctx = parse(text, file);
  const root = ctx.doc.contents;
  const apiVersion = textAt(ctx, root, "apiVersion");
  const kind = textAt(ctx, root, "kind");
  if (kind !== "Service" || apiVersion !== "serving.knative.dev/v1") {
    throw invalid(
      `${file}:${locate(ctx, root).line ?? 1}: expected a Cloud Run Service (apiVersion serving.knative.dev/v1, kind Service), found ${describe(apiVersion)} / ${describe(kind)}`,
      "candidate mode reads the YAML of `gcloud run services describe SERVICE --format export`; jobs and Kubernetes manifests are not supported",
    );
  }
  const name = textAt(ctx, root, "metadata", "name");
  if (!name) {
    throw invalid(`${file}: metadata.name is missing`, "set metadata.name to the service name; deploy-cloudrun needs it too");
  }

  const notes: Finding[] = [];
  const template = at(ctx, root, "spec", "template");
  const aliases = readAliases(ctx, at(ctx, template, "metadata", "annotations", SECRETS_ANNOTATION));
  const spec = at(ctx, template, "spec");
  const containers = readContainers(ctx, spec, aliases, notes);
  const secretVolumes = readSecretVolumes(ctx, spec, containers, aliases, notes);
  const sidecarNote = sidecarSecretsNote(containers, secretVolumes);
  if (sidecarNote) notes.push(sidecarNote);
  notes.push(...placeholderNotes(ctx));

  const candidate: RevisionConfig = {
    source: "candidate",
    project: defaults.project,
    region: textAt(ctx, root, "metadata", "labels", LOCATION_LABEL) || defaults.region,
    service: name,
    revision: "candidate",
    containers: containers.map((container) => container.name),
    env: containers.flatMap((container) => container.env),
    secretVolumes,
    notes,
  };
  const serviceAccount = textAt(ctx, spec, "serviceAccountName");
  if (serviceAccount) candidate.serviceAccount = serviceAccount;
  return candidate;
}

function parse(source: string, file: string): YamlContext {
  const lineCounter = new LineCounter();
  const doc = parseBoundedYaml(source, lineCounter, { label: `service YAML ${file}`, code: "CANDIDATE_INVALID" });
  const error = doc.errors[0];
  if (error) {
    const line = lineCounter.linePos(error.pos[0]).line;
    const lineText = source.split(/\r\n|\r|\n/)[line - 1] ?? "";
    const placeholder = PERCENT_PLACEHOLDER.test(lineText) || (error.code === "MISSING_CHAR" && PERCENT_PLACEHOLDER.test(source));
    throw invalid(
      `${file}:${line}: not valid YAML (${error.code})${placeholder ? "; the line holds an unrendered %NAME% placeholder" : ""}`,
      placeholder
        ? "render the template before the gate reads it (e.g. with envsubst or sed), or quote the value"
        : "check indentation and quoting at that line",
    );
  }
  return { doc, lineCounter, file };
}

/** `alias:projects/NUM/secrets/NAME[,alias2:…]`, read as gcloud's ParseAnnotation does. */
function readAliases(ctx: YamlContext, node: unknown): SecretAliases {
  const aliases: SecretAliases = new Map();
  const value = text(node);
  if (!value) return aliases;
  for (const item of value.split(",")) {
    const parts = item.split(":");
    const remote = parts.length === 2 ? parseRemoteSecretPath(parts[1] as string) : undefined;
    if (!remote || !parts[0]) {
      throw invalid(
        `${ctx.file}:${locate(ctx, node).line ?? "?"}: the ${SECRETS_ANNOTATION} annotation has an entry that is not alias:projects/NUMBER/secrets/NAME`,
        "write each entry as alias:projects/<project number>/secrets/<secret id>, separated by commas",
      );
    }
    aliases.set(parts[0] as string, remote);
  }
  return aliases;
}

/** `${X}` survives YAML parsing (and `%X%` inside a longer scalar): the file was not rendered. */
function placeholderNotes(ctx: YamlContext): Finding[] {
  const found: Finding[] = [];
  const seen = new Set<string>();
  visit(ctx.doc, {
    Scalar(_key, node) {
      if (typeof node.value !== "string") return;
      for (const match of node.value.matchAll(PLACEHOLDERS)) {
        const location = locate(ctx, node);
        const dedupe = `${location.line}:${match[0]}`;
        if (seen.has(dedupe)) continue;
        seen.add(dedupe);
        found.push(
          note(
            "unrendered_placeholder",
            "warn",
            `${ctx.file}${location.line ? `:${location.line}` : ""} still contains the placeholder ${match[0]}; Cloud Run will receive it literally`,
            "render the template before the gate reads it (envsubst, sed, or your templating step) and point service_yaml at the result",
            { subject: match[0], location },
          ),
        );
      }
    },
  });
  return found;
}

function textAt(ctx: YamlContext, node: unknown, ...path: string[]): string | undefined {
  const last = path.at(-1) as string;
  const parent = at(ctx, node, ...path.slice(0, -1));
  // Label and annotation keys contain dots and slashes, so look them up as whole keys.
  const match = entries(ctx, parent).find(([key]) => key === last);
  return match && isScalar(match[1]) ? text(match[1]) : undefined;
}

function describe(value: string | undefined): string {
  if (value === undefined) return "nothing";
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
}

function invalid(message: string, hint: string): InputError {
  return new InputError(message, hint, "CANDIDATE_INVALID");
}
