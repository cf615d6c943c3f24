// deploy-cloudrun v3 builds `gcloud run deploy SERVICE [its flags] --format json --region R
// --project P [flags input]` (src/main.ts), and gcloud's argparse keeps the last value of a
// plain flag: a --region or --project in `flags` moves the deploy to another service.
import { describe, expect, it } from "vitest";
import { candidateFromDeployInputs, type DeployInputs } from "../../src/candidate/deploy-inputs.js";
import { InputError } from "../../src/errors.js";

const base: DeployInputs = {
  project: "chat-staging",
  region: "us-central1",
  service: "backend-staging",
  envVarsUpdateStrategy: "merge",
  secretsUpdateStrategy: "merge",
  firstDeploy: true,
};
const run = (args: Partial<DeployInputs>) => candidateFromDeployInputs({ ...base, ...args });

describe("--region / --project in flags", () => {
  it.each([
    ["--region=europe-west1"],
    ["--region europe-west1"],
    ['"--region=europe-west1"'],
    ["--region=us-central1 --region=europe-west1"],
    ["--project=chat-production"],
  ])("%s: the deploy goes elsewhere than the gate looked, an error", (flags) => {
    expect(() => run({ flags, envVars: "A=1" })).toThrow(InputError);
    expect(() => run({ flags, envVars: "A=1" })).toThrow(/sends the deploy to another (region|project)/);
  });

  it.each([["--region=us-central1"], ["--project=chat-staging --region us-central1"], ["--max-instances=3"]])(
    "%s: the same service, fine",
    (flags) => {
      expect(run({ flags, envVars: "A=1" }).env).toEqual([{ name: "A", container: "", value: "1" }]);
    },
  );
});
