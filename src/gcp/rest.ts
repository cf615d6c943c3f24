// The few Google REST calls the gate makes, sent straight through the run's
// AuthClient: its token, gaxios's timeout and retry (requestOptions), and the
// concurrency cap (limit.ts) all apply, as they did through the generated
// clients. Those clients cost ~40 ms of module set-up and request building per
// run for nine GET/POST calls on fixed paths (bench, issue 8); their Schema$
// types still describe every answer. google-github-actions/get-secretmanager-secrets
// calls Secret Manager the same way.
import type { AuthClient } from "google-auth-library";
import { type GateError, GcpError } from "../errors.js";
import { describeRedirect, redirectOf } from "./redirects.js";
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
  const api = APIS[publicRoot] ?? { name: new URL(publicRoot).host, input: "its endpoint input" };
  const send = async <T>(options: Parameters<AuthClient["request"]>[0]): Promise<{ data: T }> => {
    try {
      return await auth.request<T>(options);
    } catch (error) {
      throw refusedRedirect(error, api, endpoint !== undefined) ?? error;
    }
  };
  return {
    get: (path, signal, query) => send({ url: url(path, query), method: "GET", ...requestOptions(signal) }),
    post: (path, body, signal) => send({ url: url(path), method: "POST", data: body, ...requestOptions(signal) }),
    patch: (path, body, signal, query) => send({ url: url(path, query), method: "PATCH", data: body, ...requestOptions(signal) }),
  };
}

/** Each API by its public root, and the input that overrides it. */
const APIS: Record<string, { name: string; input: string }> = {
  "https://run.googleapis.com": { name: "the Cloud Run API", input: "cloud_run_endpoint" },
  "https://secretmanager.googleapis.com": { name: "the Secret Manager API", input: "secret_manager_endpoint" },
  "https://cloudresourcemanager.googleapis.com": { name: "the Resource Manager API", input: "resource_manager_endpoint" },
};

/** The transporter did not follow a redirect (./redirects.ts); say which API sent it and where to. */
function refusedRedirect(error: unknown, api: { name: string; input: string }, overridden: boolean): GateError | undefined {
  const redirect = redirectOf(error);
  if (!redirect) return undefined;
  return new GcpError(`${api.name} at ${redirect.from} answered ${describeRedirect(redirect)}`, {
    code: "GCP_UNAVAILABLE",
    hint: overridden
      ? `${api.input} must be the API itself (or a private endpoint that answers directly), not an address that redirects`
      : "Google's APIs do not redirect: a proxy or DNS on the runner's network is in the way; check HTTPS_PROXY and the network",
  });
}
