// Requirements apply to the ingress container (the one with the port) unless
// the manifest names one; a sidecar's env does not satisfy them. Duplicate
// names in one container are reported.
import { describe, expect, it } from "vitest";
import { candidateFromServiceYaml } from "../../src/candidate/service-yaml.js";
import { checkContainer, checkDuplicateEnv } from "../../src/checks/containers.js";
import { checkEnv } from "../../src/checks/env.js";
import { checkJwtSecret } from "../../src/checks/jwt-secret.js";
import { checkOtherSecretRefs, checkSecrets } from "../../src/checks/secrets.js";
import type { EnvEntry, RevisionConfig } from "../../src/model.js";
import { requirementOf, revision } from "./fixtures.js";

/** A revision with an ingress container `app` and a sidecar `proxy`; each entry names its container. */
function withContainers(env: EnvEntry[], overrides: Partial<RevisionConfig> = {}): RevisionConfig {
  return revision(env, { containers: ["app", "proxy"], ingressContainer: "app", ...overrides });
}
const secret = (id: string) => ({ secret: id, version: "latest" });
const ok = new Map([["chat-staging/service-secret@latest", { state: { status: "ok" as const } }]]);
const brief = (findings: { subject?: string; id: string; status: string }[]) => findings.map((f) => `${f.subject} ${f.id} ${f.status}`);

describe("requirements and sidecars", () => {
  const onSidecar = withContainers([
    { name: "ENVIRONMENT", container: "app", value: "staging" },
    { name: "AUTH_SERVICE_URL", container: "proxy", value: "https://auth" },
    { name: "SERVICE_SECRET", container: "proxy", secret: secret("service-secret") },
    { name: "JWT_SECRET", container: "proxy", secret: secret("jwt") },
  ]);
  const requirement = requirementOf(
    "env:\n  ENVIRONMENT: { equals: staging }\n  AUTH_SERVICE_URL: {}\nsecrets:\n  SERVICE_SECRET: {}\njwt: { secret_env: JWT_SECRET }",
  );

  it("a variable only on a sidecar fails, naming the sidecar and the ingress container", () => {
    const env = checkEnv(onSidecar, requirement);
    expect(brief(env)).toEqual(["ENVIRONMENT env.present pass", "AUTH_SERVICE_URL env.missing fail"]);
    expect(env[1]?.message).toContain('on sidecar "proxy", not on the ingress container "app"');
    const secrets = checkSecrets(onSidecar, requirement, ok);
    expect(brief(secrets)).toEqual(["SERVICE_SECRET secret.missing fail"]);
    expect(secrets[0]?.message).toContain('on sidecar "proxy", not on the ingress container "app"');
    const jwt = checkJwtSecret(onSidecar, requirement, undefined);
    expect(brief(jwt)).toEqual(["JWT_SECRET jwt.secret_missing fail"]);
    expect(jwt[0]?.message).toContain('sidecar "proxy"');
  });

  it("a listed name's ref on a sidecar is still checked as the sidecar's own ref (Cloud Run resolves it at start-up)", () => {
    const facts = new Map([["chat-staging/service-secret@latest", { state: { status: "not_found" as const } }]]);
    const findings = checkOtherSecretRefs(onSidecar, requirement, facts);
    expect(brief(findings)).toEqual(["SERVICE_SECRET secret.not_found fail"]);
  });

  it("the ingress container is the one with the port, wherever it is listed", () => {
    const config = withContainers(
      [
        { name: "AUTH_SERVICE_URL", container: "app", value: "https://auth" },
        { name: "ENVIRONMENT", container: "proxy", value: "staging" },
      ],
      { containers: ["proxy", "app"], ingressContainer: "app" },
    );
    expect(brief(checkEnv(config, requirement))).toEqual(["ENVIRONMENT env.missing fail", "AUTH_SERVICE_URL env.present pass"]);
  });

  it("services.<s>.container names the container the requirements apply to", () => {
    const named = requirementOf("container: proxy\nenv:\n  AUTH_SERVICE_URL: {}\n  ENVIRONMENT: {}");
    expect(named.container).toBe("proxy");
    expect(brief(checkEnv(onSidecar, named))).toEqual(["AUTH_SERVICE_URL env.present pass", "ENVIRONMENT env.missing fail"]);
    expect(checkEnv(onSidecar, named)[1]?.message).toContain('not on container "proxy"');
    expect(checkContainer(onSidecar, named)).toEqual([]);
  });

  it("a named container the revision does not have is a failure", () => {
    const named = requirementOf("container: worker\nenv:\n  AUTH_SERVICE_URL: {}");
    const [finding] = checkContainer(onSidecar, named);
    expect([finding?.id, finding?.status]).toEqual(["container.not_found", "fail"]);
    expect(finding?.message).toContain('"worker"');
    expect(finding?.message).toContain('"app", "proxy"');
    expect(finding?.location?.line).toBe(3); // the service the manifest names it for
  });

  it("a single container is the ingress one, however the reader labels it", () => {
    const { ingressContainer: _, ...single } = withContainers([{ name: "AUTH_SERVICE_URL", container: "", value: "https://auth" }], {
      containers: ["#0"],
    });
    expect(brief(checkEnv(single, requirementOf("env:\n  AUTH_SERVICE_URL: {}")))).toEqual(["AUTH_SERVICE_URL env.present pass"]);
  });
});

describe("a candidate service YAML", () => {
  it("takes the container with ports as the ingress one, wherever it is listed", () => {
    const yaml = `apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: backend-staging
spec:
  template:
    spec:
      containers:
        - name: proxy
          image: envoy
          env:
            - { name: AUTH_SERVICE_URL, value: "https://auth" }
        - name: app
          image: app
          ports: [{ containerPort: 8080 }]
          env:
            - { name: ENVIRONMENT, value: staging }
`;
    const candidate = candidateFromServiceYaml(yaml, "service.yaml", { project: "chat-staging", region: "us-central1" });
    expect(candidate.ingressContainer).toBe("app");
    const findings = checkEnv(candidate, requirementOf("env:\n  AUTH_SERVICE_URL: {}\n  ENVIRONMENT: {}"));
    expect(brief(findings)).toEqual(["AUTH_SERVICE_URL env.missing fail", "ENVIRONMENT env.present pass"]);
    expect(findings[0]?.message).toContain('on sidecar "proxy", not on the ingress container "app"');
  });
});

describe("checkDuplicateEnv", () => {
  it.each([
    ["the same value twice: a warning", [{ value: "a" }, { value: "a" }], "warn"],
    ["two different values: a failure", [{ value: "a" }, { value: "b" }], "fail"],
    ["a value and a secret ref: a failure", [{ value: "a" }, { secret: secret("s") }], "fail"],
  ] as const)("%s", (_name, entries, status) => {
    const config = withContainers([
      ...entries.map((entry) => ({ name: "FEATURE_FLAG", container: "app", ...entry })),
      { name: "FEATURE_FLAG", container: "proxy", value: "c" }, // another container: its own env, not a duplicate
    ]);
    const findings = checkDuplicateEnv(config);
    expect(brief(findings)).toEqual([`FEATURE_FLAG env.duplicate ${status}`]);
    expect(findings[0]?.message).toContain('2 times in container "app"');
    expect(findings[0]?.message).toContain("Cloud Run");
    expect(JSON.stringify(findings)).not.toMatch(/"a"|"b"|"c"/);
  });

  it("no duplicates, no finding", () => {
    expect(checkDuplicateEnv(withContainers([{ name: "A", container: "app", value: "1" }]))).toEqual([]);
  });

  it("requirements read the last of the duplicates (the Kubernetes container contract)", () => {
    const config = withContainers([
      { name: "ENVIRONMENT", container: "app", value: "production" },
      { name: "ENVIRONMENT", container: "app", value: "staging" },
    ]);
    expect(brief(checkEnv(config, requirementOf("env:\n  ENVIRONMENT: { equals: staging }")))).toEqual(["ENVIRONMENT env.present pass"]);
  });
});
