// Reads what a Cloud Run service runs: the service, the revision(s) that
// matter, and every container's env vars and secret refs (env and volumes).
import type { AuthClient } from "google-auth-library";
import type { run_v2 } from "@googleapis/run/build/v2.js";
import { GcpError } from "../errors.js";
import { memo } from "../memo.js";
import type { RevisionSelector } from "../model.js";
import type { EnvEntry, RevisionConfig, SecretRef, SecretVolume } from "../model.js";
import { apiError } from "./api-error.js";
import { rolloutFacts } from "./cloud-run-rollout.js";
import { type PickedRevision, pickRevisions } from "./cloud-run-traffic.js";
import { conditionState } from "./enums.js";
import { badAnswer, revisionId, type ServiceTarget, secretRefParts, serviceAccountEmail } from "./names.js";
import { assertSafeSegments } from "./request.js";
import { googleRest } from "./rest.js";
import { liveFacts } from "./traffic.js";
import { shortName } from "../resource-name.js";

export type { ServiceTarget } from "./names.js";

type Service = run_v2.Schema$GoogleCloudRunV2Service;
/** Revisions list newest first: a deploy's revision and the one before it are nearly always on the first page. */
const RECENT_REVISIONS = 10;
type Revision = run_v2.Schema$GoogleCloudRunV2Revision;

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

  /** A revision from the first page of the list, or read on its own. */
  const revisionNamed = async (name: string, listed: Revision[], signal: AbortSignal): Promise<Revision> =>
    listed.find((candidate) => typeof candidate?.name === "string" && shortName(candidate.name) === shortName(name)) ??
    (await call(`Cloud Run revision ${shortName(name)}`, () => api.get<Revision>(`v2/${name}`, signal)));

  async function readRevision(
    target: ServiceTarget,
    selector: RevisionSelector,
    service: Service,
    picked: PickedRevision,
    listed: Revision[],
    signal: AbortSignal,
  ): Promise<RevisionConfig> {
    const revision = await revisionNamed(picked.name, listed, signal);
    const config = revisionConfig(target, revision, picked.url);
    if (shortName(config.revision) !== shortName(picked.name)) throw badAnswer("Cloud Run", "a revision name", revision.name);
    // Whether the newest deploy failed or is still rolling out: only asked when it is neither the
    // revision under test nor the latest ready one (then it is ready by definition).
    const created = service.latestCreatedRevision ?? undefined;
    const newest =
      created && shortName(created) !== shortName(service.latestReadyRevision ?? "") && shortName(created) !== shortName(picked.name)
        ? await revisionNamed(`${serviceNameOf(target)}/revisions/${shortName(created)}`, listed, signal).catch(() => undefined)
        : undefined;
    return { ...config, ...liveFacts(service, revision), rollout: rolloutFacts(target, selector, service, revision, newest) };
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
        if (typeof revision?.name !== "string") continue;
        if (shortName(revision.name) === shortName(current)) passedCurrent = true;
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
      const serviceName = serviceNameOf(target);
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
        Promise.all(picked.map((revision) => readRevision(target, selector, service, revision, listed, signal))),
        single ? readPrevious(target, serviceName, single, firstPage, signal).catch(() => undefined) : undefined,
      ]);
      return configs.map((config) => ({ config, ...(previous ? { previous } : {}) }));
    },
  };
}

const serviceNameOf = (target: ServiceTarget) => `projects/${target.project}/locations/${target.region}/services/${target.service}`;

async function call<T>(what: string, request: () => Promise<{ data: T }>): Promise<T> {
  let data: T;
  try {
    data = (await request()).data;
  } catch (error) {
    throw apiError(error, what);
  }
  // An HTML error page or a captive portal answers 200 too; reading it as an empty service would mislead.
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new GcpError(`${what}: the answer was not Cloud Run API JSON`, {
      code: "GCP_UNAVAILABLE",
      hint: "a proxy or captive portal may be in the way; check cloud_run_endpoint and the network",
    });
  }
  return data;
}

function isReady(revision: Revision): boolean {
  const ready = revision.conditions?.find((condition) => condition?.type === "Ready");
  return conditionState(ready?.state) === "CONDITION_SUCCEEDED";
}

/** Flatten a v2 Revision into the gate's facts. */
export function revisionConfig(target: ServiceTarget, revision: Revision, url: string | undefined): RevisionConfig {
  const id = revisionId(revision.name, target);
  const containers = revision.containers ?? [];
  const env: EnvEntry[] = [];
  containers.forEach((container, index) => {
    const containerName = containerLabel(containers, index);
    for (const variable of container.env ?? []) {
      if (!variable.name) continue;
      const ref = variable.valueSource?.secretKeyRef;
      if (ref?.secret) env.push({ name: variable.name, container: containerName, secret: secretRef(ref.secret, ref.version) });
      else env.push({ name: variable.name, container: containerName, value: variable.value ?? "" });
    }
  });
  const secretVolumes: SecretVolume[] = [];
  const withoutSecret: NonNullable<RevisionConfig["secretVolumesWithoutSecret"]> = [];
  for (const volume of revision.volumes ?? []) {
    const secret = volume.secret;
    if (!volume.name || !secret) continue;
    const mounts = containers.flatMap((container, index) =>
      (container.volumeMounts ?? [])
        .filter((mount) => mount.name === volume.name)
        .map((mount) => ({ container: containerLabel(containers, index), mountPath: mount.mountPath ?? "" })),
    );
    // Cloud Run requires the secret; an answer without one is reported, never silently skipped.
    if (!secret.secret) {
      withoutSecret.push({ volume: volume.name, mounts });
      continue;
    }
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
    revision: `projects/${target.project}/locations/${target.region}/services/${target.service}/revisions/${id}`,
    ...(revision.serviceAccount ? { serviceAccount: serviceAccountEmail(revision.serviceAccount) } : {}),
    ...(url ? { url } : {}),
    containers: containers.map((_container, index) => containerLabel(containers, index)),
    ...ingressOf(containers),
    ...servingOf(revision, containers),
    env,
    secretVolumes,
    ...(withoutSecret.length ? { secretVolumesWithoutSecret: withoutSecret } : {}),
  };
}

/**
 * One label per container, the same in env, mounts and the container list (a merge matches on it):
 * its name, `""` for a lone unnamed container (as the service YAML reader says), `#i` otherwise.
 */
export function containerLabel(containers: readonly { name?: string | null }[], index: number): string {
  return containers[index]?.name || (containers.length === 1 ? "" : `#${index}`);
}

/** What shapes a request's path to the container: the port's name (h2c or http1) and the request timeout ("300s"). */
function servingOf(
  revision: Revision,
  containers: readonly run_v2.Schema$GoogleCloudRunV2Container[],
): Pick<RevisionConfig, "ingressPortName" | "requestTimeoutSeconds"> {
  const ingress = containers.length === 1 ? containers[0] : containers.find((container) => (container.ports ?? []).length > 0);
  const portName = ingress?.ports?.[0]?.name;
  const timeout = /^([0-9]+)(?:\.[0-9]+)?s$/.exec(revision.timeout ?? "");
  return { ...(portName ? { ingressPortName: portName } : {}), ...(timeout ? { requestTimeoutSeconds: Number(timeout[1]) } : {}) };
}

/** The ingress container is the one with ports (Cloud Run allows one); a lone container is it. */
function ingressOf(containers: readonly run_v2.Schema$GoogleCloudRunV2Container[]): { ingressContainer?: string } {
  const index = containers.length === 1 ? 0 : containers.findIndex((container) => (container.ports ?? []).length > 0);
  return index >= 0 ? { ingressContainer: containerLabel(containers, index) } : {};
}

/** `id` or `projects/{project}/secrets/{id}` (another project) as Cloud Run v2 stores it; checked. */
export function secretRef(secret: string, version: string | null | undefined): SecretRef {
  return secretRefParts(secret, version);
}
