// Google names its resources by path; people (and the gcloud commands in our hints) use the last segment.

/** `projects/p/locations/r/services/s/revisions/backend-00042-abc` → `backend-00042-abc` (a bare id stays as it is). */
export function shortName(resource: string): string {
  return resource.slice(resource.lastIndexOf("/") + 1);
}
