// gcloud run services replace reads the service YAML as YAML 1.1 (googlecloudsdk/core/yaml.py,
// `version=VERSION_1_1`, vendored ruamel.yaml) and converts it with apitools' DictToMessage, which
// refuses a non-string in a string field. Every expectation below was checked by running gcloud
// 578's own code (ruamel's SafeLoader at 1.1 + apitools + run_v1_messages) on the same text.
import { describe, expect, it } from "vitest";
import { candidateFromServiceYaml } from "../../src/candidate/service-yaml.js";
import { resolvePlain11, type Yaml11Kind } from "../../src/candidate/yaml11.js";
import type { RevisionConfig } from "../../src/model.js";

const defaults = { project: "chat-staging", region: "us-central1" };
const ids = (config: RevisionConfig) => (config.notes ?? []).map((finding) => `${finding.id}:${finding.status}`);

/** A Service whose only container has these extra lines (indented under `- image: x`). */
const withContainer = (lines: string, annotations = "") => `apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: svc
spec:
  template:
    metadata:
      annotations:
        run.googleapis.com/execution-environment: gen2${annotations}
    spec:
      containers:
      - image: x
${lines
  .split("\n")
  .map((line) => `        ${line}`)
  .join("\n")}
`;
const read = (text: string) => candidateFromServiceYaml(text, "service.yaml", defaults);

describe("YAML 1.1 scalars, as ruamel's 1.1 resolver types them", () => {
  const cases: [text: string, kind: Yaml11Kind][] = [
    ["8080", "int"],
    ["+12", "int"],
    ["017", "int"], // octal 15
    ["0_7", "int"],
    ["1_000", "int"],
    ["1_", "int"],
    ["0x1F", "int"],
    ["0b101", "int"],
    ["1:30", "int"], // sexagesimal 90
    ["190:20:30", "int"],
    ["yes", "bool"],
    ["y", "bool"],
    ["N", "bool"],
    ["off", "bool"],
    ["ON", "bool"],
    [".5", "float"],
    ["1.", "float"],
    ["0.", "float"],
    ["1e3", "float"],
    ["1.e5", "float"],
    ["1_0.5", "float"],
    [".inf", "float"],
    ["2024-01-01", "timestamp"],
    ["2024-01-01T10:00:00Z", "timestamp"],
    ["2024-01-01 10:00:00", "timestamp"],
    ["=", "unloadable"],
    ["~", "null"],
    ["NULL", "null"],
    ["", "null"],
    // strings to gcloud, whatever they look like
    ["oN", "string"],
    ["09", "string"],
    ["08", "string"],
    ["0o17", "string"], // an int in YAML 1.2, not in 1.1
    ["1:60", "string"],
    ["1e", "string"],
    ["+.5", "string"],
    ["_1", "string"],
    ["-", "string"],
    ["2024-1-1", "string"],
    ["staging", "string"],
    ["latest", "string"],
  ];
  it.each(cases)("%j is %s", (text, kind) => {
    expect(resolvePlain11(text)).toBe(kind);
  });
});

describe("service YAML values gcloud refuses for their type", () => {
  const cases: [name: string, lines: string, expected: string[]][] = [
    // "Expected type <class 'str'> for field value, found True (type <class 'bool'>)"
    ["env value yes", "env:\n- {name: DEBUG, value: yes}", ["candidate.env_value_not_string:fail"]],
    ["env value off", "env:\n- {name: DEBUG, value: off}", ["candidate.env_value_not_string:fail"]],
    ["env value 1_000", "env:\n- {name: NUM, value: 1_000}", ["candidate.env_value_not_string:fail"]],
    ["env value 8080", "env:\n- {name: NUM, value: 8080}", ["candidate.env_value_not_string:fail"]],
    // "TypeError: Object of type date is not JSON serializable"
    ["env value a date", "env:\n- {name: SINCE, value: 2024-01-01}", ["candidate.env_value_not_string:fail"]],
    ["env value quoted", "env:\n- {name: DEBUG, value: 'yes'}", []],
    ["env value !!str", "env:\n- {name: NUM, value: !!str 8080}", []],
    ["env value 0o17 (a string to gcloud)", "env:\n- {name: NUM, value: 0o17}", []],
    ["env value 09 (a string to gcloud)", "env:\n- {name: NUM, value: 09}", []],
    // "Expected type <class 'str'> for field key, found 2 (type <class 'int'>)"
    ["secret version as a bare int", "env:\n- name: K\n  valueFrom: {secretKeyRef: {name: s, key: 2}}", ["candidate.field_type:fail"]],
    ["secret version quoted", "env:\n- name: K\n  valueFrom: {secretKeyRef: {name: s, key: '2'}}", []],
    ["cpu limit as a bare int", "resources: {limits: {cpu: 1, memory: 512Mi}}", ["candidate.field_type:fail"]],
    ["cpu limit 1000m", "resources: {limits: {cpu: 1000m, memory: 512Mi}}", []],
    ["args with a number", "args: [--port, 8080]", ["candidate.field_type:fail"]],
    ["args quoted", "args: [--port, '8080']", []],
    // an integer field takes what Python's int() reads from a string
    ["containerPort http", "ports: [{containerPort: http}]", ["candidate.port_not_integer:fail"]],
    ["containerPort ' 8_080 '", "ports: [{containerPort: ' 8_080 '}]", ["candidate.port_not_integer:warn"]],
    ["probe port http", "startupProbe: {tcpSocket: {port: http}}", ["candidate.field_type:fail"]],
    // apitools skips [] for a field that is not a list, but not as a list element or map value
    ["env value []", "env:\n- {name: NUM, value: []}", ["candidate.env_without_value:warn"]],
    ["containerPort []", "ports: [{containerPort: []}]", []],
    ["args with a null", "args: [a, ~]", ["candidate.field_type:fail"]],
    ["args with []", "args: [a, []]", ["candidate.field_type:fail"]],
    ["cpu limit []", "resources: {limits: {cpu: []}}", ["candidate.field_type:fail"]],
    ["cpu limit null", "resources: {limits: {cpu: null}}", []],
    // a string an integer field gets goes through int(): 0o17 is a string to YAML 1.1, and int() refuses it
    ["probe timeout 0o17", "startupProbe: {timeoutSeconds: 0o17}", ["candidate.field_type:fail"]],
    // a Python bool is an int: gcloud sends port 1
    ["containerPort yes", "ports: [{containerPort: yes}]", ["candidate.port_not_integer:warn"]],
  ];
  it.each(cases)("%s", (_name, lines, expected) => {
    expect(ids(read(withContainer(lines)))).toEqual(expected);
  });

  it("an annotation written as a bare number (autoscaling.knative.dev/maxScale: 10) is refused, with its line", () => {
    const config = read(withContainer("env: []", "\n        autoscaling.knative.dev/maxScale: 10"));
    expect(ids(config)).toEqual(["candidate.field_type:fail"]);
    expect(config.notes?.[0]?.location).toEqual({ file: "service.yaml", line: 10 });
    expect(config.notes?.[0]?.message).toContain('spec.template.metadata.annotations["autoscaling.knative.dev/maxScale"]');
    expect(read(withContainer("env: []", "\n        autoscaling.knative.dev/maxScale: '10'")).notes).toEqual([]);
  });

  it("timeoutSeconds: 300s is not an integer to gcloud; '300' is", () => {
    const spec = (timeout: string) => withContainer("env: []").replace("    spec:\n", `    spec:\n      timeoutSeconds: ${timeout}\n`);
    expect(ids(read(spec("300s")))).toEqual(["candidate.field_type:fail"]);
    expect(ids(read(spec("'300'")))).toEqual([]);
    expect(ids(read(spec("300")))).toEqual([]);
  });

  it("terminationGracePeriodSeconds is a field gcloud knows (run_v1_messages since gcloud 576)", () => {
    const text = withContainer("env: []").replace("    spec:\n", "    spec:\n      terminationGracePeriodSeconds: 30\n");
    expect(ids(read(text))).toEqual([]);
  });

  it("never quotes the refused value", () => {
    const config = read(
      withContainer("env:\n- {name: FLAG, value: 2024-05-06}\n- name: K\n  valueFrom: {secretKeyRef: {name: s, key: 31337}}"),
    );
    const text = JSON.stringify(config.notes);
    expect(text).not.toContain("2024-05-06");
    expect(text).not.toContain("31337");
  });

  it("the namespace may be a bare project number (gcloud turns it into a string before converting)", () => {
    const text = withContainer("env: []").replace("  name: svc\n", "  name: svc\n  namespace: 123456789012\n");
    expect(ids(read(text))).toEqual([]);
  });
});

describe("what apitools lets through", () => {
  it("a null or an empty list where a string map or a string belongs", () => {
    expect(ids(read(withContainer("resources:\n  limits:\n  requests: []\nworkingDir: []\nenv:\n- {name: A, value: ''}")))).toEqual([]);
  });
});

describe("values gcloud deploys as strings that YAML 1.2 reads as numbers", () => {
  it("0o17 and +.5 are deployed as written", () => {
    const config = read(withContainer("env:\n- {name: OCTAL, value: 0o17}\n- {name: HALF, value: +.5}"));
    expect(config.env.map((entry) => entry.value)).toEqual(["0o17", "+.5"]);
    expect(config.notes).toEqual([]);
  });
});

describe("YAML merge keys", () => {
  // gcloud's YAML 1.1 SafeLoader merges `<<: *e` (checked with gcloud 578's ruamel): not an unknown field.
  it("are refused as unread by the gate, not as a field gcloud does not know", () => {
    const text = withContainer("env:\n- &e {name: A, value: b}\n- <<: *e\n  name: B");
    expect(() => read(text)).toThrow(/merge key \(<<\).*gcloud merges it/);
    expect(() => read(withContainer("env:\n- {name: A, '<<': b}"))).toThrow(/unknown field/);
  });
});
