// The few Google REST calls the gate makes, sent straight through the run's
// AuthClient: its token, gaxios's timeout and retry (requestOptions), and the
// concurrency cap (limit.ts) all apply, as they did through the generated
// clients. Those clients cost ~40 ms of module set-up and request building per
// run for nine GET/POST calls on fixed paths (bench, issue 8); their Schema$
// types still describe every answer. google-github-actions/get-secretmanager-secrets
// calls Secret Manager the same way.
import type { AuthClient } from "google-auth-library";
import { requestOptions } from "./request.js";

export interface GoogleRest {
  /** GET `{root}/{path}`; `path` is built from names checked by isSafeSegment. */
  get<T>(path: string, signal: AbortSignal, query?: Record<string, string | number>): Promise<{ data: T }>;
  post<T>(path: string, body: object, signal: AbortSignal): Promise<{ data: T }>;
  /** PATCH `{root}/{path}?{query}` (Cloud Run services.patch with an updateMask). */
  patch<T>(path: string, body: object, signal: AbortSignal, query?: Record<string, string | number>): Promise<{ data: T }>;
}

/** `endpoint` is the user's override (`https://host[:port]`), else the API's public root. */
export function googleRest(auth: AuthClient, endpoint: string | undefined, publicRoot: string): GoogleRest {
  const root = (endpoint ?? publicRoot).replace(/\/+$/, "");
  const url = (path: string, query?: Record<string, string | number>) => {
    const search = query
      ? new URLSearchParams(Object.entries(query).map(([name, value]): [string, string] => [name, String(value)])).toString()
      : "";
    return `${root}/${path}${search ? `?${search}` : ""}`;
  };
  return {
    get: (path, signal, query) => auth.request({ url: url(path, query), method: "GET", ...requestOptions(signal) }),
    post: (path, body, signal) => auth.request({ url: url(path), method: "POST", data: body, ...requestOptions(signal) }),
    patch: (path, body, signal, query) => auth.request({ url: url(path, query), method: "PATCH", data: body, ...requestOptions(signal) }),
  };
}
