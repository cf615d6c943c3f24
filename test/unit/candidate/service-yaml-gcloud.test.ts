// Service YAML read as `gcloud run services replace` reads it: unknown fields refused,
// templates refused with the line, PORT reserved on the ingress container only, the
// secrets alias map with a project id or number, mount paths joined without "//".
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the tests are about literal ${NAME} placeholders
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { candidateFromServiceYaml } from "../../../src/candidate/service-yaml.js";
import { InputError } from "../../../src/errors.js";
import type { RevisionConfig } from "../../../src/model.js";

const defaults = { project: "chat-staging", region: "us-central1" };
const read = (text: string, file = "service.yaml") => candidateFromServiceYaml(text, file, defaults);
const ids = (config: RevisionConfig) => (config.notes ?? []).map((finding) => `${finding.id}:${finding.status}`);
const errorOf = (text: string): InputError => {
  try {
    read(text);
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error("expected an InputError");
};

/** A Service whose first container continues with `spec` (lines indented by 6: "  x" is a container field). */
const service = (spec: string, { name = "svc", image = "us-docker.pkg.dev/p/r/app:v1" } = {}) => `apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: ${name}
spec:
  template:
    spec:
      containers:
      - image: ${image}
${spec
  .split("\n")
  .map((line) => `      ${line}`)
  .join("\n")}
`;

describe("unknown fields are refused, as gcloud run services replace refuses them", () => {
  it.each([
    ["valie: instead of value:", "  env:\n  - name: LOG_LEVEL\n    valie: debug", 12, "valie"],
    ["a typo in a container field", "  volumeMount: []", 10, "volumeMount"],
    ["a typo in secretKeyRef", "  env:\n  - name: A\n    valueFrom:\n      secretKeyRef: {name: s, version: latest}", 13, "version"],
    ["a typo in the template spec", "serviceAcountName: sa@p.iam.gserviceaccount.com", 10, "serviceAcountName"],
  ])("%s", (_name, spec, line, field) => {
    const error = errorOf(service(spec));
    expect(error.message).toMatch(new RegExp(`^service\\.yaml:${line}: `));
    expect(error.message).toContain(`unknown field "${field}"`);
    expect(error.code).toBe("CANDIDATE_INVALID");
  });

  it("every field of the Knative Service the Cloud Run API knows is accepted", () => {
    const candidate = read(
      service(
        [
          "  name: app",
          "  command: [/bin/sh]",
          "  args: ['-c', 'exec app --port $PORT']",
          "  workingDir: /app",
          "  ports: [{name: http1, containerPort: 8080, protocol: TCP}]",
          "  resources: {limits: {cpu: '1', memory: 512Mi}}",
          "  startupProbe: {httpGet: {path: /healthz, port: 8080}, failureThreshold: 3}",
          "  livenessProbe: {grpc: {port: 8080, service: health}}",
          "  volumeMounts: [{name: tmp, mountPath: /tmp, readOnly: false}]",
          "containerConcurrency: 80",
          "timeoutSeconds: 300",
          "serviceAccountName: sa@p.iam.gserviceaccount.com",
          "volumes: [{name: tmp, emptyDir: {medium: Memory, sizeLimit: 64Mi}}]",
        ].join("\n"),
      ).replace("spec:\n  template:", "spec:\n  traffic: [{percent: 100, latestRevision: true}]\n  template:"),
    );
    expect(ids(candidate)).toEqual([]);
  });

  it("labels and annotations take any key", () => {
    const text = service("  env: [{name: A, value: '1'}]").replace(
      "  name: svc\n",
      "  name: svc\n  labels: {team: chat, cloud.googleapis.com/location: us-central1}\n  annotations: {anything.example/key: v}\n",
    );
    expect(ids(read(text))).toEqual([]);
  });
});

describe("an unrendered template gets 'render it before the gate', with the line", () => {
  it.each([
    ["${IMAGE} as the image", service("", { image: "${IMAGE}" }), 9],
    ["$IMAGE_TAG in the image", service("", { image: "us-docker.pkg.dev/p/r/app:$IMAGE_TAG" }), 9],
    ["__IMAGE__ as the image", service("", { image: "__IMAGE__" }), 9],
    ["MC_SERVICE_NAME as the service name", service("", { name: "MC_SERVICE_NAME" }), 4],
    ["${NAME} as the service name", service("", { name: "${SERVICE}" }), 4],
    [
      "a placeholder service account",
      service("").replace("    spec:\n      containers", "    spec:\n      serviceAccountName: __SA__\n      containers"),
      8,
    ],
    ["a placeholder secret ref", service("  env:\n  - name: A\n    valueFrom:\n      secretKeyRef: {name: '${SECRET}', key: latest}"), 13],
    ["a placeholder env value", service("  env:\n  - {name: DB_HOST, value: '${DB_HOST}'}"), 11],
    ["%NAME% inside a value", service("  env:\n  - {name: A, value: 'pre-%A_VALUE%'}"), 11],
  ])("%s", (_name, text, line) => {
    const error = errorOf(text);
    expect(error.message).toMatch(new RegExp(`^service\\.yaml:${line}: this file is a template: render it before the gate`));
    expect(error.hint).toMatch(/envsubst|render/);
  });

  it("%NAME% that breaks the YAML says the same, with its line", () => {
    const text = readFileSync(new URL("../../fixtures/candidate/broken-percent-placeholder.yaml", import.meta.url), "utf8");
    expect(() => read(text, "broken.yaml")).toThrow(/^broken\.yaml:10: this file is a template: render it before the gate/);
  });

  it("does not quote an env value, which may be secret", () => {
    const error = errorOf(service("  env:\n  - {name: DB_PASSWORD, value: 'hunter2-${SUFFIX}'}"));
    expect(`${error.message} ${error.hint}`).not.toContain("hunter2");
  });

  it("$X and ${X} in command and args are shell, not placeholders", () => {
    const candidate = read(service("  command: [/bin/sh, -c]\n  args: ['exec app --port $PORT --name ${K_SERVICE}']"));
    expect(ids(candidate)).toEqual([]);
  });

  it("a lowercase $ in a value (a bcrypt hash) is not a placeholder", () => {
    expect(ids(read(service("  env:\n  - {name: HASH, value: '$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi'}")))).toEqual([]);
  });
});

describe("PORT is reserved on the ingress container only", () => {
  it("Google's multi-container sample: the sidecar sets PORT, the ingress is listed second, the alias uses a project id", () => {
    const candidate = read(
      readFileSync(new URL("../../fixtures/candidate/multi-container-sample.yaml", import.meta.url), "utf8"),
      "multi-container-sample.yaml",
    );
    expect(ids(candidate)).toEqual(["candidate.secrets_only_on_sidecar:warn"]);
    expect(candidate.ingressContainer).toBe("app");
    expect(candidate.secretVolumes).toEqual([
      {
        volume: "config",
        mounts: [{ container: "collector", mountPath: "/etc/rungmp" }],
        ref: { secret: "run-gmp-config", project: "my-gmp-project", version: "latest" },
        path: "config.yaml",
      },
    ]);
  });

  it("PORT on the ingress container is refused even when it is listed second", () => {
    const text = service("  name: side\n- name: app\n  image: app\n  ports: [{containerPort: 8080}]\n  env: [{name: PORT, value: '8080'}]");
    expect(ids(read(text))).toEqual(["candidate.reserved_env_name:fail"]);
  });

  it("K_SERVICE is refused on any container", () => {
    const text = service("  name: side\n  env: [{name: K_SERVICE, value: x}]\n- name: app\n  image: app\n  ports: [{containerPort: 8080}]");
    expect(ids(read(text))).toEqual(["candidate.reserved_env_name:fail"]);
  });
});

describe("the run.googleapis.com/secrets alias map", () => {
  const withAlias = (entry: string) =>
    service("  env:\n  - name: A\n    valueFrom: {secretKeyRef: {name: shared, key: '2'}}").replace(
      "  template:\n",
      `  template:\n    metadata:\n      annotations:\n        run.googleapis.com/secrets: '${entry}'\n`,
    );
  it.each([
    ["a project number", "shared:projects/987654321098/secrets/jwt", "987654321098"],
    ["a project id", "shared:projects/chat-prod-1/secrets/jwt", "chat-prod-1"],
  ])("accepts %s", (_name, entry, project) => {
    expect(read(withAlias(entry)).env[0]?.secret).toEqual({ secret: "jwt", project, version: "2" });
  });
  it.each(["shared:projects/Chat_Prod/secrets/jwt", "shared=projects/1/secrets/jwt", "shared:projects/p/secrets/a/b"])(
    "refuses %s",
    (entry) => {
      expect(() => read(withAlias(entry))).toThrow(/run\.googleapis\.com\/secrets/);
    },
  );
});

describe("with sidecars, exactly one container has ports (the ingress)", () => {
  it.each([
    ["none", "  name: a\n- name: b\n  image: b"],
    ["two", "  name: a\n  ports: [{containerPort: 8080}]\n- name: b\n  image: b\n  ports: [{containerPort: 8081}]"],
  ])("%s is refused by Cloud Run", (_name, spec) => {
    expect(ids(read(service(spec)))).toEqual(["candidate.ingress_container:fail"]);
  });
});

describe("the field check stays linear", () => {
  it("does not expand nested aliases (a billion-laughs shape)", () => {
    const levels = Array.from({ length: 12 }, (_, i) => `  l${i + 1}: &l${i + 1} [${Array(10).fill(`*l${i}`).join(", ")}]`).join("\n");
    // The anchors sit under status (not checked); the alias lands where fields are checked.
    const text = `apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: svc
status:
  l0: &l0 [{name: v}]
${levels}
spec:
  template:
    spec:
      containers: [{image: x}]
      volumes: *l12
`;
    const started = performance.now();
    // Refused before any walk: the bounded parser caps aliases (src/parse-yaml.ts).
    expect(() => read(text)).toThrow(/more than 100 YAML aliases/);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
