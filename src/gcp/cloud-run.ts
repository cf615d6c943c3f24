// Reads what a Cloud Run service runs: the service, the revision(s) that
// matter, and every container's env vars and secret refs (env and volumes).
import type { AuthClient } from "google-auth-library";
import type { run_v2 } from "@googleapis/run/build/v2.js";
import { GateError } from "../errors.js";
import { memo } from "../memo.js";
import type { RevisionSelector } from "../inputs.js";
import type { EnvEntry, Finding, RevisionConfig, SecretRef, SecretVolume } from "../model.js";
import { apiError } from "./api-error.js";
import { assertSafeSegments } from "./request.js";
import { googleRest } from "./rest.js";
import { liveFacts } from "./traffic.js";

type Service = run_v2.Schema$GoogleCloudRunV2Service;
/** Revisions list newest first: a deploy's revision and the one before it are nearly always on the first page. */
const RECENT_REVISIONS = 10;
type Revision = run_v2.Schema$GoogleCloudRunV2Revision;

export interface ServiceTarget {
  project: string;
  region: string;
  service: string;
}

export interface CloudRun {
  /**
   * The revisions the selector picks (several for `serving` with split traffic). With a single
   * revision, also the newest ready revision before it, for before/after; read concurrently.
   */
  readRevisions(
    target: ServiceTarget,
    selector: RevisionSelector,
    signal: AbortSignal,
    options?: { previous?: boolean },
  ): Promise<{ config: RevisionConfig; previous?: RevisionConfig }[]>;
}

/**
 * A run that checks at least this many services in one project and region lists that region's
 * services once instead of reading each: one request instead of several, in the same round trip.
 */
const LIST_SERVICES_FROM = 5;
/** One page only: services not on it (a region with more) are read on their own. */
const SERVICES_PAGE = 200;

/** `planned`: every service this run will read, so regions with many of them can be listed once. */
export function cloudRun(auth: AuthClient, endpoint: string | undefined, planned: readonly ServiceTarget[] = []): CloudRun {
  const api = googleRest(auth, endpoint, "https://run.googleapis.com");
  const regionOf = (target: ServiceTarget) => `projects/${target.project}/locations/${target.region}`;
  const perRegion = new Map<string, number>();
  for (const target of planned) perRegion.set(regionOf(target), (perRegion.get(regionOf(target)) ?? 0) + 1);
  const listOnce = memo<Map<string, Service> | undefined>();

  /** The region's services by id, listed once per run; undefined if the list failed (each is then read on its own). */
  const listed = (region: string, signal: AbortSignal) =>
    listOnce(region, () =>
      call(`Cloud Run services in ${region}`, () =>
        api.get<run_v2.Schema$GoogleCloudRunV2ListServicesResponse>(`v2/${region}/services`, signal, { pageSize: SERVICES_PAGE }),
      ).then(
        (data) =>
          new Map(
            (data.services ?? [])
              .filter((service) => typeof service === "object" && service !== null && typeof service.name === "string")
              .map((service) => [shortName(service.name ?? ""), service]),
          ),
        () => undefined,
      ),
    );

  async function readService(target: ServiceTarget, signal: AbortSignal): Promise<Service> {
    const region = regionOf(target);
    if ((perRegion.get(region) ?? 0) >= LIST_SERVICES_FROM) {
      const found = (await listed(region, signal))?.get(target.service);
      if (found) return found;
    }
    return call(`Cloud Run service ${target.service} (${target.region})`, () =>
      api.get<Service>(`v2/${region}/services/${target.service}`, signal),
    );
  }

  type RevisionPage = run_v2.Schema$GoogleCloudRunV2ListRevisionsResponse;
  const listRevisions = (parent: string, signal: AbortSignal, pageToken?: string) =>
    call(`Cloud Run revisions of ${shortName(parent)}`, () =>
      api.get<RevisionPage>(`v2/${parent}/revisions`, signal, { pageSize: RECENT_REVISIONS, ...(pageToken ? { pageToken } : {}) }),
    );

  async function readRevision(
    target: ServiceTarget,
    service: Service,
    picked: { name: string; url: string | undefined },
    listed: Revision[],
    signal: AbortSignal,
  ): Promise<RevisionConfig> {
    const revision =
      listed.find((candidate) => shortName(candidate.name ?? "") === shortName(picked.name)) ??
      (await call(`Cloud Run revision ${shortName(picked.name)}`, () => api.get<Revision>(`v2/${picked.name}`, signal)));
    const config = { ...revisionConfig(target, revision, picked.url), ...liveFacts(service, revision) };
    const notes = rolloutNotes(service, revision);
    return notes.length ? { ...config, notes } : config;
  }

  /** The newest ready revision older than `current`, from the pages already read and at most a few more. */
  async function readPrevious(
    target: ServiceTarget,
    parent: string,
    current: string,
    firstPage: RevisionPage | undefined,
    signal: AbortSignal,
  ): Promise<RevisionConfig | undefined> {
    let page = firstPage ?? (await listRevisions(parent, signal));
    let passedCurrent = false;
    for (let pages = 1; ; pages++) {
      for (const revision of page.revisions ?? []) {
        if (shortName(revision.name ?? "") === shortName(current)) passedCurrent = true;
        else if (passedCurrent && isReady(revision)) return revisionConfig(target, revision, undefined);
      }
      if (!page.nextPageToken || pages >= 5) return undefined;
      page = await listRevisions(parent, signal, page.nextPageToken);
    }
  }

  return {
    async readRevisions(target, selector, signal, options = { previous: true }) {
      assertSafeSegments(`Cloud Run service ${target.service}`, {
        project: target.project,
        region: target.region,
        service: target.service,
      });
      const serviceName = `projects/${target.project}/locations/${target.region}/services/${target.service}`;
      // The newest revisions, asked alongside the service: they nearly always include the revision to
      // check and the one before it, which saves a round trip and a request per service. Without
      // them (an error, an older revision) the revision is read on its own.
      const recent = listRevisions(serviceName, signal).catch(() => undefined);
      const service = await readService(target, signal);
      const picked = pickRevisions(service, selector, target);
      const firstPage = await recent;
      const listed = firstPage?.revisions ?? [];
      const single = picked.length === 1 && options.previous ? picked[0]?.name : undefined;
      // The before/after lookup is a nice-to-have: it never fails the run.
      const [configs, previous] = await Promise.all([
        Promise.all(picked.map((revision) => readRevision(target, service, revision, listed, signal))),
        single ? readPrevious(target, serviceName, single, firstPage, signal).catch(() => undefined) : undefined,
      ]);
      return configs.map((config) => ({ config, ...(previous ? { previous } : {}) }));
    },
  };
}

async function call<T>(what: string, request: () => Promise<{ data: T }>): Promise<T> {
  let data: T;
  try {
    data = (await request()).data;
  } catch (error) {
    throw apiError(error, what);
  }
  // An HTML error page or a captive portal answers 200 too; reading it as an empty service would mislead.
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new GateError("GCP_UNAVAILABLE", `${what}: the answer was not Cloud Run API JSON`, {
      hint: "a proxy or captive portal may be in the way; check cloud_run_endpoint and the network",
    });
  }
  return data;
}

function isReady(revision: Revision): boolean {
  const ready = revision.conditions?.find((condition) => condition.type === "Ready");
  return ready?.state === "CONDITION_SUCCEEDED" || (ready?.state as unknown) === 2;
}

/** A rollout still in progress or a revision that never became ready is worth saying before anything else. */
function rolloutNotes(service: Service, revision: Revision): Finding[] {
  const notes: Finding[] = [];
  if (!isReady(revision)) {
    notes.push({
      id: "revision.not_ready",
      status: "fail",
      subject: shortName(revision.name ?? ""),
      message: `revision ${shortName(revision.name ?? "")} is not ready${readyMessage(revision)}`,
      hint: "read the revision's logs in Cloud Logging; a secret the runtime account cannot read also stops a revision from starting",
    });
  }
  if (service.reconciling || (service.latestCreatedRevision && service.latestCreatedRevision !== service.latestReadyRevision)) {
    notes.push({
      id: "revision.rollout_in_progress",
      status: "warn",
      message: `a rollout is in progress: latest created ${shortName(service.latestCreatedRevision ?? "")} is not the latest ready ${shortName(service.latestReadyRevision ?? "(none)")}`,
      hint: "run the gate after the deploy step finishes, or check revision: latest-created",
    });
  }
  return notes;
}

function readyMessage(revision: Revision): string {
  const ready = revision.conditions?.find((condition) => condition.type === "Ready");
  const reason = ready?.reason ?? ready?.revisionReason;
  return reason && /^[A-Z_]{2,60}$/.test(reason) ? ` (${reason})` : "";
}

/** Which revision(s) to read, and the URL that serves each. */
export function pickRevisions(
  service: Service,
  selector: RevisionSelector,
  target: ServiceTarget,
): { name: string; url: string | undefined }[] {
  const base = `projects/${target.project}/locations/${target.region}/services/${target.service}/revisions/`;
  const full = (revision: string) => {
    // Names come back from the API: only this service's revisions, with plain ids, are ever requested.
    // The API may spell the project as its number; the revision id is what identifies it.
    const id = /^projects\/[^/]+\/locations\/[^/]+\/services\/[^/]+\/revisions\/([^/]+)$/.exec(revision)?.[1] ?? revision;
    assertSafeSegments(`Cloud Run service ${target.service}`, { revision: id });
    return `${base}${id}`;
  };
  const serviceUrl = service.uri ?? service.urls?.[0] ?? undefined;
  // Probing the service URL only tests a revision that takes all of its traffic; otherwise use its tag URL, or none.
  const url = (revision: string) => probeUrl(service, revision, serviceUrl);
  switch (selector.kind) {
    case "latest-ready": {
      if (!service.latestReadyRevision) {
        throw new GateError("GCP_NOT_FOUND", `service ${target.service} has no ready revision (the first deploy may have failed)`, {
          hint: "check the revision's logs; use revision: latest-created to check the failed one",
        });
      }
      return [{ name: full(service.latestReadyRevision), url: url(service.latestReadyRevision) }];
    }
    case "latest-created":
      if (!service.latestCreatedRevision) throw new GateError("GCP_NOT_FOUND", `service ${target.service} has no revision yet`);
      return [{ name: full(service.latestCreatedRevision), url: url(service.latestCreatedRevision) }];
    case "named":
      return [{ name: full(selector.name), url: url(selector.name) }];
    case "serving": {
      const serving = (service.trafficStatuses ?? []).filter((status) => (status.percent ?? 0) > 0);
      const names = serving.map((status) => status.revision || service.latestReadyRevision).filter((name): name is string => Boolean(name));
      if (names.length === 0)
        throw new GateError("GCP_NOT_FOUND", `service ${target.service} serves no traffic`, { hint: "use revision: latest-ready" });
      return [...new Set(names)].map((name) => ({ name: full(name), url: url(name) }));
    }
    case "tag": {
      const tagged = (service.trafficStatuses ?? []).find((status) => status.tag === selector.tag);
      const revision = tagged?.revision ?? (service.traffic ?? []).find((traffic) => traffic.tag === selector.tag)?.revision;
      if (!tagged || !revision) {
        throw new GateError("GCP_NOT_FOUND", `service ${target.service} has no traffic tag "${selector.tag}"`, {
          hint: "deploy with --no-traffic --tag=<tag> first, or check the tag input",
        });
      }
      return [{ name: full(revision), url: tagged.uri ?? undefined }];
    }
  }
}

function probeUrl(service: Service, revision: string, serviceUrl: string | undefined): string | undefined {
  const id = shortName(revision);
  const statuses = (service.trafficStatuses ?? []).map((status) => ({
    ...status,
    // A "latest" target may leave the revision out: it means the latest ready one.
    revision: status.revision || (String(status.type).endsWith("LATEST") ? shortName(service.latestReadyRevision ?? "") : ""),
  }));
  if (statuses.some((status) => status.revision === id && (status.percent ?? 0) >= 100)) return serviceUrl;
  return statuses.find((status) => status.revision === id && status.uri)?.uri ?? undefined;
}

/** Flatten a v2 Revision into the gate's facts. */
export function revisionConfig(target: ServiceTarget, revision: Revision, url: string | undefined): RevisionConfig {
  const containers = revision.containers ?? [];
  const env: EnvEntry[] = [];
  containers.forEach((container, index) => {
    const containerName = container.name || (containers.length === 1 ? "" : `#${index}`);
    for (const variable of container.env ?? []) {
      if (!variable.name) continue;
      const ref = variable.valueSource?.secretKeyRef;
      if (ref?.secret) env.push({ name: variable.name, container: containerName, secret: secretRef(ref.secret, ref.version) });
      else env.push({ name: variable.name, container: containerName, value: variable.value ?? "" });
    }
  });
  const secretVolumes: SecretVolume[] = [];
  for (const volume of revision.volumes ?? []) {
    const secret = volume.secret;
    if (!volume.name || !secret?.secret) continue;
    const mounts = containers.flatMap((container, index) =>
      (container.volumeMounts ?? [])
        .filter((mount) => mount.name === volume.name)
        .map((mount) => ({ container: container.name || `#${index}`, mountPath: mount.mountPath ?? "" })),
    );
    const items = secret.items?.length ? secret.items : [{ version: "latest", path: undefined }];
    for (const item of items) {
      secretVolumes.push({
        volume: volume.name,
        mounts,
        ref: secretRef(secret.secret, item.version),
        ...(item.path ? { path: item.path } : {}),
      });
    }
  }
  return {
    source: "live",
    project: target.project,
    region: target.region,
    service: target.service,
    revision: revision.name ?? "",
    ...(revision.serviceAccount ? { serviceAccount: revision.serviceAccount } : {}),
    ...(url ? { url } : {}),
    containers: containers.map((container, index) => container.name || `#${index}`),
    env,
    secretVolumes,
  };
}

/** `id` or `projects/{project}/secrets/{id}` (another project) as Cloud Run v2 stores it. */
export function secretRef(secret: string, version: string | null | undefined): SecretRef {
  const match = /^projects\/([^/]+)\/secrets\/([^/]+)$/.exec(secret);
  const resolvedVersion = version || "latest";
  if (match) return { project: match[1] ?? "", secret: match[2] ?? "", version: resolvedVersion };
  return { secret, version: resolvedVersion };
}

export function shortName(resource: string): string {
  return resource.slice(resource.lastIndexOf("/") + 1);
}
