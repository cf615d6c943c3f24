// deploy-cloudrun with `metadata:` runs `gcloud run services replace FILE` and still appends
// the `flags` input (its main.ts); `env_vars`, `secrets`, `image`, `tag`, `no_traffic` and
// `suffix` are dropped without a word. `services replace` takes the YAML as the whole truth:
// it has none of `gcloud run deploy`'s config flags, so gcloud stops at "unrecognized
// arguments" and nothing is deployed. The gate says so before the deploy step does.
import { CandidateError } from "../errors.js";
import { splitFlagWords } from "./flags.js";

// The `gcloud run deploy` flags a workflow passes to change what gets deployed. `services
// replace` takes only the file plus --region/--platform/--project/--async/--dry-run and gcloud's
// global flags.
const DEPLOY_ONLY =
  /^--(?:(?:set|update|remove|clear)-(?:env-vars|secrets|labels)|env-vars-file|service-account|image|source|container|port|no-traffic|tag|revision-suffix|command|args|memory|cpu|timeout)$/;

/** Throws when `flags` holds a `gcloud run deploy` flag that `gcloud run services replace` refuses. */
export function refuseDeployFlagsWithServiceYaml(flags: string): void {
  const refused = [
    ...new Set(
      splitFlagWords(flags)
        .map((word) => word.split("=", 1)[0] as string)
        .filter((name) => DEPLOY_ONLY.test(name)),
    ),
  ];
  if (refused.length === 0) return;
  throw new CandidateError(
    `flags ${refused.join(", ")} with service_yaml: deploy-cloudrun deploys metadata with "gcloud run services replace", which refuses ${refused.length === 1 ? "this flag" : "these flags"} ("unrecognized arguments"), so the deploy would fail`,
    {
      hint: "put the change in the service YAML itself (env, volumes, serviceAccountName, image), and keep only --region/--project/--async in flags",
    },
  );
}
