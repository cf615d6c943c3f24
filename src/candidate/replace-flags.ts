// deploy-cloudrun with `metadata:` runs `gcloud run services replace FILE` and still appends
// the `flags` input (its main.ts); `env_vars`, `secrets`, `image`, `tag`, `no_traffic` and
// `suffix` are dropped without a word. `services replace` takes the YAML as the whole truth:
// it has none of `gcloud run deploy`'s config flags, so gcloud stops at "unrecognized
// arguments" and nothing is deployed. The gate says so before the deploy step does.
import { CandidateError } from "../errors.js";
import { splitFlagWords } from "./flags.js";

// The flags of gcloud's `run` commands (command_lib/run/flags.py, surface/run/deploy.py, gcloud
// 578) that `services replace` does not take: it has only FILE, --async, --dry-run, --namespace,
// --client-name/--client-version, the platform flags (--platform, --region, --cluster,
// --cluster-location, --kubeconfig, --context) and gcloud's global flags. A flag named here
// reaches replace as "unrecognized arguments"; flags the gate does not know are let through.
const RUN_ONLY = new Set(
  (
    "abandoned allow-unauthenticated allow-unencrypted-build ambient-networking args automatic-updates base-image " +
    "binary-authorization breakglass broker build-env-vars-file build-service-account build-worker-pool cancelled " +
    "cleanup command completed concurrency connectivity container cpu cpu-boost cpu-throttling custom-type debug " +
    "default-url delay-execution delegate-builds depends-on deploy-health-check description dev domain " +
    "encryption-key-shutdown-hours env-vars-file execute-now execution-environment failed function functional-type " +
    "gpu gpu-type gpu-zonal-redundancy iap identity identity-certificate identity-type image ingress instance " +
    "instances invoker-iam-check job key labels liveness-probe local-build max max-instances max-retries memory mesh " +
    "mesh-dataplane min min-instances network network-tags overflow-scaling parallelism pending port " +
    "post-key-revocation-action-type preset public readiness-probe regions restart-policy revision revision-suffix " +
    "run-upload running runtime sandbox-launcher scaling scaling-concurrency-target scaling-cpu-target " +
    "scaling-pubsub-subscription scaling-pubsub-target service service-account service-max-instances " +
    "service-min-instances session-affinity source ssh started startup-probe subnet succeeded tag task-timeout tasks " +
    "timeout to-latest to-revisions to-tags token traffic trigger-filters use-http2 vpc-connector vpc-egress wait " +
    "workdir worker worker-pool"
  ).split(" "),
);

/** `--set-env-vars`, `--update-labels`, `--add-cloudsql-instances`, `--no-allow-unauthenticated`…: none is a replace flag. */
function refusedByReplace(name: string): boolean {
  if (!name.startsWith("--")) return false;
  const bare = name.slice(2);
  if (/^(?:set|update|remove|clear|add)-[a-z0-9-]+$/.test(bare)) return true;
  return RUN_ONLY.has(bare) || (bare.startsWith("no-") && RUN_ONLY.has(bare.slice(3)));
}

/** Throws when `flags` holds a `gcloud run deploy` flag that `gcloud run services replace` refuses. */
export function refuseDeployFlagsWithServiceYaml(flags: string): void {
  const refused = [
    ...new Set(
      splitFlagWords(flags)
        .map((word) => word.split("=", 1)[0] as string)
        .filter(refusedByReplace),
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
