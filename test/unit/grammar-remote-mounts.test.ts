// Secret files from another project (projects/NUMBER/secrets/NAME) in `secrets` / --update-secrets,
// as gcloud 578 mounts them (config_changes.py _UpdateManagedVolumes, secrets_mapping.py
// _GetOrCreateAlias): such a volume is named by an alias, which gcloud reuses only for version
// latest, and it compares a directory's later files with the first one's secretName (the alias).
import type { run_v2 } from "@googleapis/run/build/v2.js";
import { describe, expect, it } from "vitest";
import { candidateFromDeployInputs, type DeployInputs } from "../../src/candidate/deploy-inputs.js";
import { InputError } from "../../src/errors.js";
import { revisionConfig } from "../../src/gcp/cloud-run.js";

const target = { project: "chat-staging", region: "us-central1", service: "backend-staging" };
const base: DeployInputs = { ...target, envVarsUpdateStrategy: "merge", secretsUpdateStrategy: "merge" };
const run = (args: Partial<DeployInputs>) => candidateFromDeployInputs({ ...base, firstDeploy: true, ...args });

/** A live service with /secrets/cfg/a = projects/123/secrets/cfg version 1. */
const live = revisionConfig(
  target,
  {
    name: "projects/chat-staging/locations/us-central1/services/backend-staging/revisions/backend-staging-00001-abc",
    containers: [{ image: "img", ports: [{ containerPort: 8080 }], volumeMounts: [{ name: "cfg-vol", mountPath: "/secrets/cfg" }] }],
    volumes: [{ name: "cfg-vol", secret: { secret: "projects/123/secrets/cfg", items: [{ path: "a", version: "1" }] } }],
  } satisfies run_v2.Schema$GoogleCloudRunV2Revision,
  undefined,
);

describe("two files in one directory", () => {
  it("two versions of one local secret: one volume, both files", () => {
    const candidate = run({ secrets: "/secrets/cfg/a=cfg:1\n/secrets/cfg/b=cfg:2" });
    expect(candidate.secretVolumes.map((volume) => `${volume.path}:${volume.ref.version}`)).toEqual(["a:1", "b:2"]);
  });

  // "Cannot update secret at [/secrets/cfg/b] because a different secret is already mounted in the same directory."
  it("two versions of one secret from another project: gcloud refuses the second", () => {
    expect(() => run({ secrets: "/secrets/cfg/a=projects/123/secrets/cfg:1\n/secrets/cfg/b=projects/123/secrets/cfg:2" })).toThrow(
      /a different secret is already mounted in the same directory/,
    );
    expect(() =>
      run({ secrets: "/secrets/cfg/a=projects/123/secrets/cfg:latest\n/secrets/cfg/b=projects/123/secrets/cfg:latest" }),
    ).toThrow(InputError);
  });
});

describe("a file added next to a live file of a secret from another project", () => {
  // A new alias for version 2: another secretName, and /secrets/cfg/a is not given again, so
  // "Multiple secrets are specified for directory [/secrets/cfg]".
  it("another version: refused", () => {
    expect(() => run({ firstDeploy: false, live, secrets: "/secrets/cfg/b=projects/123/secrets/cfg:2" })).toThrow(
      /Multiple secrets are specified for directory \[\/secrets\/cfg\]/,
    );
  });

  it("version latest reuses the alias: merged into the live volume", () => {
    const candidate = run({ firstDeploy: false, live, secrets: "/secrets/cfg/b=projects/123/secrets/cfg:latest" });
    expect(candidate.secretVolumes.map((volume) => `${volume.path}:${volume.ref.version}`)).toEqual(["a:1", "b:latest"]);
  });

  it("the same file again with another version replaces it", () => {
    const candidate = run({ firstDeploy: false, live, secrets: "/secrets/cfg/a=projects/123/secrets/cfg:2" });
    expect(candidate.secretVolumes.map((volume) => `${volume.path}:${volume.ref.version}`)).toEqual(["a:2"]);
  });
});

describe("--remove-secrets", () => {
  /** A live volume without items: Cloud Run mounts the latest version as a file named after the secret. */
  const itemless = revisionConfig(
    target,
    {
      name: "projects/chat-staging/locations/us-central1/services/backend-staging/revisions/backend-staging-00002-abc",
      containers: [{ image: "img", ports: [{ containerPort: 8080 }], volumeMounts: [{ name: "key-vol", mountPath: "/secrets/api" }] }],
      volumes: [{ name: "key-vol", secret: { secret: "api-key" } }],
    } satisfies run_v2.Schema$GoogleCloudRunV2Revision,
    undefined,
  );

  // config_changes.py _PruneManagedVolumeMapping: no item is left, so the mount goes.
  it("of any file in a directory whose volume has no items unmounts the directory", () => {
    expect(itemless.secretVolumes).toHaveLength(1);
    expect(run({ firstDeploy: false, live: itemless, flags: "--remove-secrets=/secrets/api/api-key" }).secretVolumes).toEqual([]);
    expect(run({ firstDeploy: false, live: itemless, flags: "--remove-secrets=/secrets/api/other" }).secretVolumes).toEqual([]);
    expect(run({ firstDeploy: false, live: itemless, flags: "--remove-secrets=/secrets/other/x" }).secretVolumes).toHaveLength(1);
  });

  it("of one file of a volume with items keeps the others", () => {
    const candidate = run({ firstDeploy: false, live, flags: "--remove-secrets=/secrets/cfg/b" });
    expect(candidate.secretVolumes.map((volume) => volume.path)).toEqual(["a"]);
    expect(run({ firstDeploy: false, live, flags: "--remove-secrets=/secrets/cfg/a" }).secretVolumes).toEqual([]);
  });
});
