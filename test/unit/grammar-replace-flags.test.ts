// deploy-cloudrun v3 with `metadata:` runs `gcloud run services replace FILE --format json
// --region R [--project P] [flags]` (src/main.ts). replace (surface/run/services/replace.py, gcloud
// 578) takes only --async, --dry-run, --namespace, --client-name/-version, the platform flags and
// gcloud's global flags: any `gcloud run deploy` flag stops it at "unrecognized arguments".
import { describe, expect, it } from "vitest";
import { refuseDeployFlagsWithServiceYaml } from "../../src/candidate/replace-flags.js";
import { InputError } from "../../src/errors.js";

describe("flags with service_yaml", () => {
  it.each([
    ["--allow-unauthenticated"],
    ["--no-allow-unauthenticated"],
    ["--max-instances=3"],
    ["--min-instances 1"],
    ["--vpc-connector=projects/p/locations/r/connectors/c"],
    ["--add-cloudsql-instances=p:r:i"],
    ["--update-labels=team=chat"],
    ["--labels=team=chat"],
    ["--concurrency=80"],
    ["--execution-environment=gen2"],
    ["--ingress=internal"],
    ["--cpu-boost"],
    ["--no-cpu-throttling"],
    ['--region=us-central1 "--set-cloudsql-instances=p:r:i"'],
  ])("%s: refused, as replace refuses it", (flags) => {
    expect(() => refuseDeployFlagsWithServiceYaml(flags)).toThrow(InputError);
    expect(() => refuseDeployFlagsWithServiceYaml(flags)).toThrow(/unrecognized arguments/);
  });

  it.each([
    ["--region=europe-west1"],
    ["--platform=managed --async"],
    ["--dry-run"],
    ["--project=chat-staging --quiet --verbosity=debug"],
    ["--impersonate-service-account=deployer@p.iam.gserviceaccount.com"],
    ["--log-http --billing-project=p"],
    [""],
  ])("%s: accepted by replace", (flags) => {
    expect(() => refuseDeployFlagsWithServiceYaml(flags)).not.toThrow();
  });
});
