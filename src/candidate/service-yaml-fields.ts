// The fields of a Knative serving.knative.dev/v1 Service that the Cloud Run Admin API v1
// knows, with their types (gcloud's generated run_v1_messages.py; gcloud 576 added
// terminationGracePeriodSeconds). gcloud run services replace converts the YAML into those
// messages and refuses any other field, so a typo such as `valie:` fails the deploy: the gate
// refuses it too, with the line. It also refuses a value of the wrong type, and it reads the
// file as YAML 1.1 (yaml11.ts), so an unquoted `8080` or `yes` in a string field fails too.
import { isAlias, isMap, isScalar, isSeq } from "yaml";
import { CandidateError } from "../errors.js";
import type { Finding } from "../model.js";
import { note } from "./notes.js";
import { describeKind, gcloudKind, pythonIntParses } from "./yaml11.js";
import { locate, text, type YamlContext } from "./yaml-nodes.js";

/**
 * A leaf's type: `str`, `int` and `bool` fields, `strs` (a list of strings), `strmap` (a map of
 * strings: annotations, labels, limits), or `any`: a part the gate does not type (status, which
 * gcloud drops; namespace, which gcloud turns into a string itself).
 */
type Leaf = "str" | "int" | "bool" | "strs" | "strmap" | "any";
interface Fields {
  [field: string]: Fields | Leaf;
}

const fields = (leaves: Partial<Record<Leaf, string>>, nested: Fields = {}): Fields =>
  Object.fromEntries([
    ...Object.entries(leaves).flatMap(([leaf, names]) =>
      (names ?? "")
        .split(" ")
        .filter(Boolean)
        .map((name): [string, Leaf] => [name, leaf as Leaf]),
    ),
    ...Object.entries(nested),
  ]);

const objectMeta = fields(
  {
    str: "clusterName creationTimestamp deletionTimestamp generateName name resourceVersion selfLink uid",
    int: "deletionGracePeriodSeconds generation",
    strs: "finalizers",
    strmap: "annotations labels",
    any: "namespace",
  },
  {
    ownerReferences: fields({ str: "apiVersion kind name uid", bool: "blockOwnerDeletion controller" }),
  },
);
const localRef = fields({ str: "name" });
const keySelector = fields({ str: "key name", bool: "optional" }, { localObjectReference: localRef });
const keyToPath = fields({ str: "key path", int: "mode" });
const probe = fields(
  { int: "failureThreshold initialDelaySeconds periodSeconds successThreshold timeoutSeconds" },
  {
    exec: fields({ strs: "command" }),
    grpc: fields({ int: "port", str: "service" }),
    httpGet: fields({ str: "host path scheme", int: "port" }, { httpHeaders: fields({ str: "name value" }) }),
    tcpSocket: fields({ str: "host", int: "port" }),
  },
);
const envSource = fields({ str: "name", bool: "optional" }, { localObjectReference: localRef });
const container = fields(
  {
    strs: "args command",
    str: "image imagePullPolicy name terminationMessagePath terminationMessagePolicy workingDir",
    bool: "sandboxLauncher",
  },
  {
    env: fields({ str: "name value" }, { valueFrom: fields({}, { configMapKeyRef: keySelector, secretKeyRef: keySelector }) }),
    envFrom: fields({ str: "prefix" }, { configMapRef: envSource, secretRef: envSource }),
    livenessProbe: probe,
    ports: fields({ int: "containerPort", str: "name protocol" }),
    readinessProbe: probe,
    resources: fields({ strmap: "limits requests" }),
    securityContext: fields({ int: "runAsUser" }),
    startupProbe: probe,
    volumeMounts: fields({ str: "mountPath name subPath", bool: "readOnly" }),
  },
);
const volume = fields(
  { str: "name" },
  {
    configMap: fields({ int: "defaultMode", str: "name", bool: "optional" }, { items: keyToPath }),
    csi: fields({ str: "driver", bool: "readOnly", strmap: "volumeAttributes" }),
    emptyDir: fields({ str: "medium sizeLimit" }),
    nfs: fields({ str: "path server", bool: "readOnly" }),
    secret: fields({ int: "defaultMode", str: "secretName", bool: "optional" }, { items: keyToPath }),
  },
);
const SERVICE: Fields = fields(
  { str: "apiVersion kind", any: "status" },
  {
    metadata: objectMeta,
    spec: fields(
      {},
      {
        template: fields(
          {},
          {
            metadata: objectMeta,
            spec: fields(
              {
                int: "containerConcurrency terminationGracePeriodSeconds timeoutSeconds",
                bool: "enableServiceLinks",
                str: "runtimeClassName serviceAccountName",
                strmap: "nodeSelector",
              },
              { containers: container, volumes: volume, imagePullSecrets: localRef },
            ),
          },
        ),
        traffic: fields({ str: "configurationName revisionName tag url", bool: "latestRevision", int: "percent" }),
      },
    ),
  },
);

/**
 * Throws at the first field the Cloud Run API does not know, naming it and its path. Returns a
 * finding for each value gcloud would refuse for its type (see yaml11.ts), with its line; env
 * values and container ports are left to the env and port readers, which name the variable.
 */
export function refuseUnknownFields(ctx: YamlContext): Finding[] {
  const found: Finding[] = [];
  walk(ctx, ctx.doc.contents, SERVICE, "", found);
  return found;
}

const READ_ELSEWHERE = new Set(["spec.template.spec.containers.env.value", "spec.template.spec.containers.ports.containerPort"]);

function walk(ctx: YamlContext, value: unknown, schema: Fields, path: string, found: Finding[]): void {
  // An alias is checked where its anchor is defined: following aliases here would expand an
  // alias bomb exponentially.
  if (isAlias(value)) return;
  // A list holds messages of the field's type (containers, env, volumes…).
  if (isSeq(value)) {
    for (const item of value.items) walk(ctx, item, schema, path, found);
    return;
  }
  if (!isMap(value)) return; // wrong types are reported where the value is read
  for (const pair of value.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
    const known = key === undefined || key === "" ? undefined : Object.hasOwn(schema, key) ? schema[key] : undefined;
    if (key === "<<" && isScalar(pair.key) && pair.key.type === "PLAIN") {
      // gcloud's YAML 1.1 loader merges `<<: *anchor` into the map; the gate's reader does not.
      const where = locate(ctx, pair.key);
      throw new CandidateError(
        `${ctx.file}${where.line ? `:${where.line}` : ""}: a YAML merge key (<<)${path ? ` in ${path}` : ""}; gcloud merges it, but the gate does not read merge keys, so it cannot tell what this file deploys`,
        { hint: "write the merged fields out instead of <<: *anchor" },
      );
    }
    if (known === undefined) {
      const where = locate(ctx, pair.key ?? pair.value ?? value);
      const shown = key !== undefined && /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/.test(key) ? `"${key}"` : "(a key that is not a field name)";
      throw new CandidateError(
        `${ctx.file}${where.line ? `:${where.line}` : ""}: unknown field ${shown}${path ? ` in ${path}` : ""}; gcloud run services replace refuses fields the Cloud Run API does not know`,
        {
          hint: "fix the spelling (e.g. value:, valueFrom:, secretKeyRef: {name, key}); compare with `gcloud run services describe SERVICE --format export`",
        },
      );
    }
    const fieldPath = path ? `${path}.${key}` : (key as string);
    if (typeof known !== "string") walk(ctx, pair.value, known, fieldPath, found);
    else if (!READ_ELSEWHERE.has(fieldPath)) checkLeaf(ctx, pair.value, known, fieldPath, found);
  }
}

/** apitools' DictToMessage: a string field takes only a string, an integer field an int (or a string int() reads), a boolean field a boolean. */
function checkLeaf(ctx: YamlContext, value: unknown, leaf: Leaf, path: string, found: Finding[], element = false): void {
  if (leaf === "any" || isAlias(value) || value === null || value === undefined) return;
  // apitools skips a field given null, or an empty list for a field that is not a list; a null or
  // a list as an element of a list or map is refused like any other wrong type.
  if (!element && (gcloudKind(value) === "null" || (leaf !== "strs" && isSeq(value) && value.items.length === 0))) return;
  if (leaf === "strs") {
    for (const item of isSeq(value) ? value.items : [value]) checkLeaf(ctx, item, "str", path, found, true);
    return;
  }
  if (leaf === "strmap") {
    if (!isMap(value)) {
      refused(ctx, value, path, "a map of strings", "not a map", found);
      return;
    }
    for (const pair of value.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : "";
      const shown = /^[A-Za-z0-9_./-]{1,100}$/.test(key) ? `${path}["${key}"]` : `a key of ${path}`;
      checkLeaf(ctx, pair.value, "str", shown, found, gcloudKind(pair.value) !== "null");
    }
    return;
  }
  const kind = gcloudKind(value);
  if (kind === undefined) {
    const wanted = leaf === "str" ? "a string" : leaf === "int" ? "an integer" : "a boolean";
    refused(ctx, value, path, wanted, isMap(value) ? "a map" : "a list", found);
    return;
  }
  if (kind === "null" && !element) return;
  const ok =
    leaf === "str"
      ? kind === "string"
      : leaf === "int"
        ? kind === "int" || kind === "bool" || (kind === "string" && pythonIntParses(text(value) ?? ""))
        : kind === "bool";
  if (ok) return;
  const wanted = leaf === "str" ? "a string" : leaf === "int" ? "an integer" : "a boolean";
  refused(ctx, value, path, wanted, kind === "string" ? "a string" : describeKind(kind), found);
}

function refused(ctx: YamlContext, node: unknown, path: string, wanted: string, got: string, found: Finding[]): void {
  const location = locate(ctx, node);
  // The value itself is never quoted: an env value or annotation may be secret.
  found.push(
    note(
      "field_type",
      "fail",
      `${location.line ? `${ctx.file}:${location.line}` : ctx.file}: ${path} takes ${wanted}, and gcloud (which reads the file as YAML 1.1) finds ${got}; gcloud run services replace refuses the file ("Expected type … for field …")`,
      wanted === "a string" || wanted === "a map of strings"
        ? "quote the value, e.g. key: '2' or autoscaling.knative.dev/maxScale: '10'; unquoted numbers, dates and yes/no/on/off are not strings to gcloud"
        : `write ${wanted} there`,
      { subject: path, location },
    ),
  );
}
