// Predicts the revision `gcloud run services replace` (or deploy-cloudrun `metadata:`)
// will create from a Knative serving.knative.dev/v1 Service YAML. Files in the wild are
// hand-edited copies of `services describe --format export`, so every quirk met there
// becomes a finding with a line number, or an InputError; never a crash.
import { isScalar, LineCounter } from "yaml";
import { CandidateError, type InputError } from "../errors.js";
import type { Finding, RevisionConfig } from "../model.js";
import { parseBoundedYaml } from "../parse-yaml.js";
import { parseRemoteSecretPath } from "./secret-ref.js";
import { refuseUnknownFields } from "./service-yaml-fields.js";
import { refuseTemplate, TEMPLATE_HINT, TEMPLATE_MESSAGE } from "./service-yaml-template-check.js";
import { readContainers, type SecretAliases, sidecarSecretsNote } from "./service-yaml-template.js";
import { readSecretVolumes } from "./service-yaml-volumes.js";
import { at, entries, locate, text, type YamlContext } from "./yaml-nodes.js";

const MAX_SERVICE_YAML_BYTES = 1024 * 1024;
const SECRETS_ANNOTATION = "run.googleapis.com/secrets";
const LOCATION_LABEL = "cloud.googleapis.com/location";
const PERCENT_PLACEHOLDER = /%[A-Za-z_][A-Za-z0-9_]*%/;
const SERVICE_NAME = /^[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?$/;

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
  // A template first: its placeholders explain an unknown field or a bad name better than either error would.
  refuseTemplate(ctx, at(ctx, root, "metadata", "name"));
  const typeNotes = refuseUnknownFields(ctx);
  if (!SERVICE_NAME.test(name)) {
    throw invalid(
      `${file}:${locate(ctx, at(ctx, root, "metadata", "name")).line ?? 1}: metadata.name is not a valid Cloud Run service name`,
      "service names use lower-case letters, digits and '-', start with a letter and have at most 63 characters",
    );
  }

  const notes: Finding[] = [];
  const template = at(ctx, root, "spec", "template");
  const aliases = readAliases(ctx, at(ctx, template, "metadata", "annotations", SECRETS_ANNOTATION));
  const spec = at(ctx, template, "spec");
  const containers = readContainers(ctx, spec, aliases, notes);
  const secretVolumes = readSecretVolumes(ctx, spec, containers, aliases, notes);
  const sidecarNote = sidecarSecretsNote(containers, secretVolumes);
  if (sidecarNote) notes.push(sidecarNote);
  notes.push(...typeNotes);
  const ingress = containers.find((container) => container.serving);

  const candidate: RevisionConfig = {
    source: "candidate",
    project: defaults.project,
    region: textAt(ctx, root, "metadata", "labels", LOCATION_LABEL) || defaults.region,
    service: name,
    revision: "candidate",
    containers: containers.map((container) => container.name),
    ...(ingress ? { ingressContainer: ingress.name } : {}),
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
  const doc = parseBoundedYaml(source, lineCounter, { label: `service YAML ${file}`, error: CandidateError });
  const error = doc.errors[0];
  if (error) {
    const line = lineCounter.linePos(error.pos[0]).line;
    const lineText = source.split(/\r\n|\r|\n/)[line - 1] ?? "";
    const placeholder = PERCENT_PLACEHOLDER.test(lineText) || (error.code === "MISSING_CHAR" && PERCENT_PLACEHOLDER.test(source));
    if (placeholder) {
      throw invalid(`${file}:${line}: ${TEMPLATE_MESSAGE} (an unrendered %NAME% placeholder makes it invalid YAML)`, TEMPLATE_HINT);
    }
    throw invalid(`${file}:${line}: not valid YAML (${error.code})`, "check indentation and quoting at that line");
  }
  return { doc, lineCounter, file };
}

/** `alias:projects/PROJECT/secrets/NAME[,alias2:…]`, read as gcloud's ParseAnnotation does; PROJECT is an id or a number. */
function readAliases(ctx: YamlContext, node: unknown): SecretAliases {
  const aliases: SecretAliases = new Map();
  const value = text(node);
  if (!value) return aliases;
  for (const item of value.split(",")) {
    const parts = item.split(":");
    const remote = parts.length === 2 ? parseRemoteSecretPath(parts[1] as string) : undefined;
    if (!remote || !parts[0]) {
      throw invalid(
        `${ctx.file}:${locate(ctx, node).line ?? "?"}: the ${SECRETS_ANNOTATION} annotation has an entry that is not alias:projects/PROJECT/secrets/NAME`,
        "write each entry as alias:projects/<project id or number>/secrets/<secret id>, separated by commas",
      );
    }
    aliases.set(parts[0] as string, remote);
  }
  return aliases;
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
  return new CandidateError(message, { hint: hint });
}
