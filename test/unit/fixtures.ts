// Small builders for unit tests: a revision config and a parsed manifest.
import { parseManifest } from "../../src/manifest/load.js";
import type { EnvEntry, RevisionConfig } from "../../src/model.js";

export function revision(env: Omit<EnvEntry, "container">[], overrides: Partial<RevisionConfig> = {}): RevisionConfig {
  return {
    source: "live",
    project: "chat-staging",
    region: "us-central1",
    service: "backend-staging",
    revision: "projects/chat-staging/locations/us-central1/services/backend-staging/revisions/backend-staging-00007-abc",
    containers: ["app"],
    env: env.map((entry) => ({ container: "app", ...entry })),
    secretVolumes: [],
    ...overrides,
  };
}

export function requirementOf(serviceYaml: string, name = "backend-staging") {
  const manifest = parseManifest(`region: us-central1\nservices:\n  ${name}:\n${serviceYaml.replace(/^/gm, "    ")}\n`, "gate.yml");
  return manifest.services[0]!;
}
