// Reads the template a `gcloud run deploy` of an existing service starts from.
// gcloud GETs the service and edits its spec.template in place (config_changes.py),
// so a candidate merged onto anything else (the latest *ready* revision, say, after a
// failed rollout) would not be what the deploy creates. The template also carries the
// runtime service account, which gcloud keeps unless --service-account changes it.
import type { run_v2 } from "@googleapis/run/build/v2.js";
import type { AuthClient } from "google-auth-library";
import { GcpError } from "../errors.js";
import type { RevisionConfig } from "../model.js";
import { apiError } from "./api-error.js";
import { type ServiceTarget, revisionConfig } from "./cloud-run.js";
import { assertSafeSegments } from "./request.js";
import { googleRest } from "./rest.js";

type Service = run_v2.Schema$GoogleCloudRunV2Service;

/** The service's template as a RevisionConfig; undefined when the service does not exist yet (a first deploy). */
export async function readServiceTemplate(
  auth: AuthClient,
  endpoint: string | undefined,
  target: ServiceTarget,
  signal: AbortSignal,
): Promise<RevisionConfig | undefined> {
  assertSafeSegments(`Cloud Run service ${target.service}`, { project: target.project, region: target.region, service: target.service });
  const api = googleRest(auth, endpoint, "https://run.googleapis.com");
  const what = `Cloud Run service ${target.service} (${target.region})`;
  let service: Service;
  try {
    service = (await api.get<Service>(`v2/projects/${target.project}/locations/${target.region}/services/${target.service}`, signal)).data;
  } catch (error) {
    const failure = apiError(error, what);
    if (failure.code === "GCP_NOT_FOUND") return undefined;
    throw failure;
  }
  const template = typeof service === "object" && service !== null && !Array.isArray(service) ? service.template : undefined;
  if (typeof template !== "object" || template === null || !Array.isArray(template.containers)) {
    throw new GcpError(`${what}: the answer has no service template to merge the deploy onto`, {
      code: "GCP_UNAVAILABLE",
      hint: "a proxy or captive portal may be in the way; check cloud_run_endpoint and the network",
    });
  }
  const revision: run_v2.Schema$GoogleCloudRunV2Revision = {
    name: "template",
    containers: template.containers,
    ...(template.volumes ? { volumes: template.volumes } : {}),
    ...(template.serviceAccount ? { serviceAccount: template.serviceAccount } : {}),
  };
  return revisionConfig(target, revision, undefined);
}
