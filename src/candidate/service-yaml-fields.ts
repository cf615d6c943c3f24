// The fields of a Knative serving.knative.dev/v1 Service that the Cloud Run Admin API v1
// knows (taken from the generated client's Schema$ types, @googleapis/run v1). gcloud run
// services replace converts the YAML into those messages and refuses any other field, so a
// typo such as `valie:` fails the deploy: the gate refuses it too, with the line.
import { isAlias, isMap, isScalar, isSeq } from "yaml";
import { CandidateError } from "../errors.js";
import { locate, type YamlContext } from "./yaml-nodes.js";

/** A message's fields; `ANY` is a free-form map or a part the gate does not model. */
interface Fields {
  [field: string]: Fields | typeof ANY;
}
const ANY = "any";

const fields = (names: string, nested: Fields = {}): Fields =>
  Object.fromEntries([
    ...names
      .split(" ")
      .filter(Boolean)
      .map((name): [string, typeof ANY] => [name, ANY]),
    ...Object.entries(nested),
  ]);

const objectMeta = fields(
  "annotations clusterName creationTimestamp deletionGracePeriodSeconds deletionTimestamp finalizers generateName generation labels name namespace ownerReferences resourceVersion selfLink uid",
);
const localRef = fields("name");
const keySelector = fields("key name optional", { localObjectReference: localRef });
const keyToPath = fields("key mode path");
const probe = fields("failureThreshold initialDelaySeconds periodSeconds successThreshold timeoutSeconds", {
  exec: fields("command"),
  grpc: fields("port service"),
  httpGet: fields("host path port scheme", { httpHeaders: fields("name value") }),
  tcpSocket: fields("host port"),
});
const container = fields(
  "args command image imagePullPolicy name sandboxLauncher terminationMessagePath terminationMessagePolicy workingDir",
  {
    env: fields("name value", { valueFrom: fields("", { configMapKeyRef: keySelector, secretKeyRef: keySelector }) }),
    envFrom: fields("prefix", {
      configMapRef: fields("name optional", { localObjectReference: localRef }),
      secretRef: fields("name optional", { localObjectReference: localRef }),
    }),
    livenessProbe: probe,
    ports: fields("containerPort name protocol"),
    readinessProbe: probe,
    resources: fields("limits requests"),
    securityContext: fields("runAsUser"),
    startupProbe: probe,
    volumeMounts: fields("mountPath name readOnly subPath"),
  },
);
const volume = fields("name", {
  configMap: fields("defaultMode name optional", { items: keyToPath }),
  csi: fields("driver readOnly volumeAttributes"),
  emptyDir: fields("medium sizeLimit"),
  nfs: fields("path readOnly server"),
  secret: fields("defaultMode optional secretName", { items: keyToPath }),
});
const SERVICE: Fields = fields("apiVersion kind status", {
  metadata: objectMeta,
  spec: fields("", {
    template: fields("", {
      metadata: objectMeta,
      spec: fields(
        "containerConcurrency enableServiceLinks imagePullSecrets nodeSelector runtimeClassName serviceAccountName timeoutSeconds",
        {
          containers: container,
          volumes: volume,
        },
      ),
    }),
    traffic: fields("configurationName latestRevision percent revisionName tag url"),
  }),
});

/** Throws at the first field the Cloud Run API does not know, naming it and its path. */
export function refuseUnknownFields(ctx: YamlContext): void {
  walk(ctx, ctx.doc.contents, SERVICE, "");
}

function walk(ctx: YamlContext, value: unknown, schema: Fields, path: string): void {
  // An alias is checked where its anchor is defined: following aliases here would expand an
  // alias bomb exponentially.
  if (isAlias(value)) return;
  // A list holds messages of the field's type (containers, env, volumes…).
  if (isSeq(value)) {
    for (const item of value.items) walk(ctx, item, schema, path);
    return;
  }
  if (!isMap(value)) return; // wrong types are reported where the value is read
  for (const pair of value.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
    const known = key === undefined || key === "" ? undefined : Object.hasOwn(schema, key) ? schema[key] : undefined;
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
    if (known !== ANY) walk(ctx, pair.value, known, path ? `${path}.${key}` : (key as string));
  }
}
