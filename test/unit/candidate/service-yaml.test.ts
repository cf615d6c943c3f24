import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { candidateFromServiceYaml } from "../../../src/candidate/service-yaml.js";
import { InputError } from "../../../src/errors.js";
import type { RevisionConfig } from "../../../src/model.js";

const defaults = { project: "chat-staging", region: "us-central1" };
const fixture = (name: string) => readFileSync(new URL(`../../fixtures/candidate/${name}`, import.meta.url), "utf8");
const load = (name: string) => candidateFromServiceYaml(fixture(name), name, defaults);
const ids = (config: RevisionConfig) => (config.notes ?? []).map((finding) => `${finding.id}:${finding.status}`);

/** A minimal Service around the given template spec lines (indented 4 spaces). */
const service = (spec: string, annotations = "") =>
  `apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: svc
spec:
  template:
    metadata:
      annotations:
        x: "y"${annotations}
    spec:
${spec
  .split("\n")
  .map((line) => `      ${line}`)
  .join("\n")}
`;
const read = (text: string) => candidateFromServiceYaml(text, "service.yaml", defaults);

describe("fixtures", () => {
  it("backend-staging: incident 2's four secrets and the plain URL", () => {
    const candidate = load("backend-staging.yaml");
    expect(candidate).toMatchObject({
      source: "candidate",
      project: "chat-staging",
      region: "us-central1",
      service: "backend-staging",
      revision: "candidate",
      serviceAccount: "backend-staging@chat-staging.iam.gserviceaccount.com",
      containers: [""],
      secretVolumes: [],
      notes: [],
    });
    expect(candidate.env).toEqual([
      { name: "AUTH_SERVICE_URL", container: "", value: "https://auth-staging-abcdefghij-uc.a.run.app" },
      { name: "ENVIRONMENT", container: "", value: "staging" },
      { name: "SERVICE_SECRET", container: "", secret: { secret: "service-secret-staging", version: "latest" } },
      { name: "JWT_SECRET_KEY", container: "", secret: { secret: "jwt-secret-staging", version: "3" } },
      { name: "SERVICE_ID", container: "", secret: { secret: "service-id-staging", version: "2" } },
      { name: "SECRET_KEY", container: "", secret: { secret: "secret-key-staging", version: "1" } },
    ]);
  });

  it("cross-project-aliases: aliases resolve to project + secret, in env and volumes", () => {
    const candidate = load("cross-project-aliases.yaml");
    expect(candidate.region).toBe("europe-west1");
    expect(candidate.notes).toEqual([]);
    expect(candidate.env).toEqual([
      { name: "JWT_SECRET_KEY", container: "auth", secret: { secret: "jwt-secret-shared", project: "987654321098", version: "latest" } },
      { name: "SERVICE_ID", container: "auth", secret: { secret: "service-id-staging", version: "4" } },
      { name: "SECRET_KEY", container: "auth", secret: { secret: "secret-key-staging", version: "latest" } },
    ]);
    expect(candidate.secretVolumes).toEqual([
      {
        volume: "service-secret",
        mounts: [{ container: "auth", mountPath: "/secrets/service" }],
        ref: { secret: "service-secret-shared", project: "987654321098", version: "7" },
        path: "service_secret",
      },
    ]);
  });

  it("sidecar-secrets: secrets on the sidecar, emptyDir ignored, a warning", () => {
    const candidate = load("sidecar-secrets.yaml");
    expect(candidate.containers).toEqual(["app", "proxy"]);
    expect(candidate.env.filter((entry) => entry.secret)).toEqual([
      { name: "PROXY_CLIENT_SECRET", container: "proxy", secret: { secret: "proxy-client-secret", version: "latest" } },
    ]);
    expect(candidate.secretVolumes).toEqual([
      {
        volume: "proxy-tls",
        mounts: [{ container: "proxy", mountPath: "/etc/proxy/tls" }],
        ref: { secret: "proxy-tls-key", version: "2" },
        path: "tls.key",
      },
      {
        volume: "proxy-tls",
        mounts: [{ container: "proxy", mountPath: "/etc/proxy/tls" }],
        ref: { secret: "proxy-tls-key", version: "latest" },
        path: "tls.key.next",
      },
    ]);
    expect(ids(candidate)).toEqual(["candidate.secrets_only_on_sidecar:warn"]);
    expect(candidate.notes?.[0]?.message).toContain('"proxy"');
  });

  it("broken-percent-placeholder: InputError with file:line and a render hint", () => {
    let caught: unknown;
    try {
      load("broken-percent-placeholder.yaml");
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InputError);
    const error = caught as InputError;
    expect(error.code).toBe("CANDIDATE_INVALID");
    expect(error.message).toMatch(/^broken-percent-placeholder\.yaml:10: this file is a template: render it before the gate/);
    expect(error.message).toContain("%NAME%");
    expect(error.hint).toMatch(/render/);
  });

  it("quirks: each quirk is a located finding", () => {
    const candidate = load("quirks.yaml");
    expect(candidate.containers).toEqual([""]);
    expect(ids(candidate)).toEqual([
      "candidate.port_not_integer:warn",
      "candidate.env_without_value:warn",
      // gcloud reads `value: 4` as an int and refuses the file (grammar-yaml11.test.ts).
      "candidate.env_value_not_string:fail",
    ]);
    const lines = Object.fromEntries((candidate.notes ?? []).map((finding) => [finding.id, finding.location]));
    expect(lines).toEqual({
      "candidate.port_not_integer": { file: "quirks.yaml", line: 15 },
      "candidate.env_without_value": { file: "quirks.yaml", line: 17 },
      "candidate.env_value_not_string": { file: "quirks.yaml", line: 18 },
    });
    expect(candidate.env).toEqual([
      { name: "LOG_LEVEL", container: "", value: "" },
      { name: "MAX_WORKERS", container: "", value: "4" },
      { name: "DATABASE_PASSWORD", container: "", secret: { secret: "db-password", version: "latest" } },
    ]);
  });
});

describe("document-level errors", () => {
  const cases: [name: string, text: string, pattern: RegExp][] = [
    ["empty file", "", /expected a Cloud Run Service/],
    ["a list", "- 1\n- 2\n", /expected a Cloud Run Service/],
    ["a Job", "apiVersion: run.googleapis.com/v1\nkind: Job\nmetadata: {name: j}\n", /found "run.googleapis.com\/v1" \/ "Job"/],
    ["a Deployment", "apiVersion: apps/v1\nkind: Deployment\n", /expected a Cloud Run Service/],
    ["old apiVersion", "apiVersion: serving.knative.dev/v1alpha1\nkind: Service\n", /expected a Cloud Run Service/],
    ["no name", "apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata: {}\n", /metadata.name is missing/],
    ["no containers", service("containers: []"), /containers is missing or empty/],
    [
      "duplicate keys",
      "apiVersion: serving.knative.dev/v1\nkind: Service\nkind: Service\n",
      /service.yaml:3: not valid YAML \(DUPLICATE_KEY\)/,
    ],
    ["bad indent", "apiVersion: serving.knative.dev/v1\nkind: [\n", /not valid YAML/],
    ["% directive line", "%NAME%\napiVersion: serving.knative.dev/v1\n", /%NAME% placeholder/],
    [
      "bad alias annotation",
      service("containers: [{image: x}]", "\n        run.googleapis.com/secrets: 'a:projects/My_Proj/secrets/s'"),
      /alias:projects\/PROJECT/,
    ],
    [
      "alias without colon",
      service("containers: [{image: x}]", "\n        run.googleapis.com/secrets: projects/1/secrets/s"),
      /annotation/,
    ],
    ["too large", `# ${"x".repeat(1024 * 1024)}\n`, /larger than 1 MiB/],
  ];
  it.each(cases)("%s", (_name, text, pattern) => {
    expect(() => read(text)).toThrow(pattern);
    expect(() => read(text)).toThrow(InputError);
  });
});

describe("template quirks", () => {
  const cases: [name: string, spec: string, expected: string[]][] = [
    ["clean single container", "containers:\n- image: x\n  env:\n  - {name: A, value: '1'}", []],
    [
      "two containers, one unnamed",
      "containers:\n- image: x\n  ports: [{containerPort: 8080}]\n- name: side\n  image: z",
      ["candidate.container_unnamed:fail"],
    ],
    ["env without name", "containers:\n- image: x\n  env:\n  - value: '1'", ["candidate.env_without_name:fail"]],
    ["env with value: (null)", "containers:\n- image: x\n  env:\n  - name: A\n    value:", ["candidate.env_without_value:warn"]],
    ["env value is a map", "containers:\n- image: x\n  env:\n  - name: A\n    value: {b: 1}", ["candidate.env_value_not_string:fail"]],
    [
      "value and valueFrom",
      "containers:\n- image: x\n  env:\n  - name: A\n    value: x\n    valueFrom: {secretKeyRef: {name: s, key: latest}}",
      ["candidate.env_value_and_secret:fail"],
    ],
    [
      "configMapKeyRef",
      "containers:\n- image: x\n  env:\n  - name: A\n    valueFrom: {configMapKeyRef: {name: c, key: k}}",
      ["candidate.env_value_source_unsupported:fail"],
    ],
    [
      "secret without key",
      "containers:\n- image: x\n  env:\n  - name: A\n    valueFrom: {secretKeyRef: {name: s}}",
      ["candidate.secret_version_missing:fail"],
    ],
    [
      "secret with bad key",
      "containers:\n- image: x\n  env:\n  - name: A\n    valueFrom: {secretKeyRef: {name: s, key: '../1'}}",
      ["candidate.secret_version_invalid:fail"],
    ],
    [
      "unknown alias / bad name",
      "containers:\n- image: x\n  env:\n  - name: A\n    valueFrom: {secretKeyRef: {name: 'a/b', key: '1'}}",
      ["candidate.secret_name_invalid:fail"],
    ],
    ["reserved PORT", "containers:\n- image: x\n  env:\n  - {name: PORT, value: '8080'}", ["candidate.reserved_env_name:fail"]],
    // gcloud runs int() on the string and refuses the file (grammar-yaml11.test.ts).
    ["port not a number", "containers:\n- image: x\n  ports: [{containerPort: http}]", ["candidate.port_not_integer:fail"]],
    [
      "mount of an undefined volume",
      "containers:\n- image: x\n  volumeMounts: [{name: nope, mountPath: /s}]",
      ["candidate.volume_missing:fail"],
    ],
    [
      "mount under /proc",
      "containers:\n- image: x\n  volumeMounts: [{name: v, mountPath: /proc/s}]\nvolumes:\n- name: v\n  secret: {secretName: s}",
      ["candidate.mount_path_reserved:fail"],
    ],
    [
      "unmounted secret volume",
      "containers:\n- image: x\nvolumes:\n- name: v\n  secret: {secretName: s}",
      ["candidate.volume_unmounted:warn"],
    ],
    ["csi volume ignored", "containers:\n- image: x\nvolumes:\n- name: v\n  csi: {driver: gcsfuse.run.googleapis.com}", []],
    ["aliases in YAML resolve", "containers:\n- image: x\n  env:\n  - &e {name: A, value: '1'}\n  - *e", ["candidate.duplicate_env:warn"]],
  ];
  it.each(cases)("%s", (_name, spec, expected) => {
    expect(ids(read(service(spec)))).toEqual(expected);
  });

  it("a volume without items mounts latest, named after the secret", () => {
    const candidate = read(
      service("containers:\n- image: x\n  volumeMounts: [{name: v, mountPath: /s}]\nvolumes:\n- name: v\n  secret: {secretName: api-key}"),
    );
    expect(candidate.secretVolumes).toEqual([
      { volume: "v", mounts: [{ container: "", mountPath: "/s" }], ref: { secret: "api-key", version: "latest" }, path: "api-key" },
    ]);
  });

  it("reads versions given as bare int, quoted string or latest", () => {
    const env = (key: string) => `containers:\n- image: x\n  env:\n  - name: A\n    valueFrom: {secretKeyRef: {name: s, key: ${key}}}`;
    expect(read(service(env("7"))).env[0]?.secret?.version).toBe("7");
    expect(read(service(env("'7'"))).env[0]?.secret?.version).toBe("7");
    expect(read(service(env('"7"'))).env[0]?.secret?.version).toBe("7");
    expect(read(service(env("latest"))).env[0]?.secret?.version).toBe("latest");
  });

  it("never echoes an env value in notes", () => {
    const candidate = read(
      service(
        "containers:\n- image: x\n  env:\n  - {name: A, value: 'hunter2'}\n  - {name: A, value: 'hunter3'}\n  - name: C\n    value: 12345",
      ),
    );
    const text = JSON.stringify(candidate.notes);
    expect(text).not.toContain("hunter2");
    expect(text).not.toContain("12345");
  });
});

describe("properties", () => {
  it("arbitrary text throws nothing but InputError", () => {
    const alphabet = fc.constantFrom(
      "a",
      ":",
      " ",
      "\n",
      "-",
      "%",
      "$",
      "{",
      "}",
      "[",
      "]",
      "'",
      '"',
      "&",
      "*",
      "!",
      "#",
      "kind: Service\n",
      "apiVersion: serving.knative.dev/v1\n",
    );
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: alphabet })), (text) => {
        try {
          read(text);
        } catch (error) {
          expect(error).toBeInstanceOf(InputError);
        }
      }),
      { numRuns: 1500 },
    );
  });

  it("arbitrary values anywhere in a Service throw nothing but InputError", () => {
    const value = fc.oneof(fc.jsonValue(), fc.constant(null));
    const shaped = fc.record({
      env: fc.array(
        fc.record({
          name: fc.oneof(fc.string(), value),
          value,
          valueFrom: fc.oneof(value, fc.record({ secretKeyRef: fc.record({ name: value, key: value }) })),
        }),
        {
          maxLength: 3,
        },
      ),
      ports: fc.oneof(value, fc.array(fc.record({ containerPort: value }))),
      volumeMounts: fc.oneof(value, fc.array(fc.record({ name: value, mountPath: value }))),
      name: value,
    });
    const spec = fc.record({
      containers: fc.oneof(value, fc.array(shaped, { maxLength: 3 })),
      volumes: fc.oneof(
        value,
        fc.array(fc.record({ name: value, secret: fc.oneof(value, fc.record({ secretName: value, items: value })) })),
      ),
      serviceAccountName: value,
    });
    fc.assert(
      fc.property(spec, value, (templateSpec, annotation) => {
        const doc = {
          apiVersion: "serving.knative.dev/v1",
          kind: "Service",
          metadata: { name: "svc", labels: { "cloud.googleapis.com/location": annotation } },
          spec: { template: { metadata: { annotations: { "run.googleapis.com/secrets": annotation } }, spec: templateSpec } },
        };
        try {
          read(stringify(doc));
        } catch (error) {
          expect(error).toBeInstanceOf(InputError);
        }
      }),
      { numRuns: 500 },
    );
  });
});
