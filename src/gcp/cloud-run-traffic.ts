// Which revision(s) a selector picks on a Cloud Run service, and the URL that
// serves each: read from the service's traffic as Cloud Run routes it.
import type { run_v2 } from "@googleapis/run/build/v2.js";
import { GcpError } from "../errors.js";
import type { RevisionSelector } from "../model.js";
import { conditionState, trafficType } from "./enums.js";
import { revisionId, type ServiceTarget, serviceUrl } from "./names.js";

type Service = run_v2.Schema$GoogleCloudRunV2Service;

export interface PickedRevision {
  /** Full name, on this service, with the revision id checked. */
  name: string;
  url: string | undefined;
}

interface Route {
  /** The revision it sends to; undefined for LATEST on a service with no ready revision. */
  revision: string | undefined;
  /** The revision the entry itself names (a tag's). */
  named: string | undefined;
  percent: number;
  tag: string | undefined;
  uri: unknown;
}

/** Which revision(s) to read, and the URL that serves each. Names from the answer are checked before use. */
export function pickRevisions(service: Service, selector: RevisionSelector, target: ServiceTarget): PickedRevision[] {
  const base = `projects/${target.project}/locations/${target.region}/services/${target.service}/revisions/`;
  const latestReady = service.latestReadyRevision ? revisionId(service.latestReadyRevision, target) : undefined;
  const latestCreated = service.latestCreatedRevision ? revisionId(service.latestCreatedRevision, target) : undefined;
  const routes: Route[] = (service.trafficStatuses ?? []).map((status) => {
    const named = status.revision ? revisionId(status.revision, target) : undefined;
    // Cloud Run sends LATEST traffic to the latest ready revision, whatever else the entry names.
    const latest = trafficType(status.type) === "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST";
    return {
      revision: latest || !named ? latestReady : named,
      named,
      percent: typeof status.percent === "number" ? status.percent : 0,
      tag: typeof status.tag === "string" ? status.tag : undefined,
      uri: status.uri,
    };
  });
  const rawUrl = service.uri ?? service.urls?.[0];
  const mainUrl = rawUrl ? serviceUrl(rawUrl) : undefined;
  const picked = (id: string): PickedRevision => ({ name: `${base}${id}`, url: probeUrl(routes, id, mainUrl) });
  const noReady = () =>
    new GcpError(`service ${target.service} has no ready revision (the first deploy may have failed)`, {
      code: "GCP_NOT_FOUND",
      hint: "check the revision's logs; use revision: latest-created to check the failed one",
    });
  switch (selector.kind) {
    case "latest-ready":
      if (latestReady) return [picked(latestReady)];
      // A first deploy that failed: no revision ever served, and the failed one is the answer (a
      // failure that says why). One still starting leaves nothing to decide yet.
      if (latestCreated && conditionState(service.terminalCondition?.state) === "CONDITION_FAILED") return [picked(latestCreated)];
      throw noReady();
    case "latest-created":
      if (!latestCreated) throw new GcpError(`service ${target.service} has no revision yet`, { code: "GCP_NOT_FOUND" });
      return [picked(latestCreated)];
    case "named":
      return [picked(selector.name)];
    case "serving": {
      const serving = routes.filter((route) => route.percent > 0);
      if (serving.some((route) => route.revision === undefined)) throw noReady();
      const ids = serving.map((route) => route.revision).filter((id): id is string => id !== undefined);
      if (ids.length === 0)
        throw new GcpError(`service ${target.service} serves no traffic`, { code: "GCP_NOT_FOUND", hint: "use revision: latest-ready" });
      return [...new Set(ids)].map(picked);
    }
    case "tag": {
      const tagged = routes.find((route) => route.tag === selector.tag);
      const specRevision = (service.traffic ?? []).find((traffic) => traffic.tag === selector.tag)?.revision;
      const id = tagged?.named ?? (specRevision ? revisionId(specRevision, target) : undefined);
      if (!tagged || !id) {
        throw new GcpError(`service ${target.service} has no traffic tag "${selector.tag}"`, {
          code: "GCP_NOT_FOUND",
          hint: "deploy with --no-traffic --tag=<tag> first, or check the tag input",
        });
      }
      return [{ name: `${base}${id}`, url: tagged.uri ? serviceUrl(tagged.uri, "a tag URL") : undefined }];
    }
  }
}

/** Probing the service URL only tests a revision that takes all of its traffic; otherwise its tag URL, or none. */
function probeUrl(routes: Route[], id: string, mainUrl: string | undefined): string | undefined {
  if (routes.some((route) => route.revision === id && route.percent >= 100)) return mainUrl;
  const tagged = routes.find((route) => route.revision === id && route.uri);
  return tagged ? serviceUrl(tagged.uri, "a tag URL") : undefined;
}
