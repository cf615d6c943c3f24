// fetch through the runner's proxy, for the one client that needs the fetch API:
// Octokit (GitHub). Without a proxy GitHub goes through node-fetch
// (github/direct-fetch.ts); /health, the http: checks, ws and Google take a
// node:http agent from proxy-agent.ts instead. Node 20's fetch ignores
// HTTPS_PROXY and Node 24's follows it only with NODE_USE_ENV_PROXY, so neither
// is left to decide. undici (418 KB, ~30 ms of start-up) lives in its own
// bundle, dist/proxied-fetch.js, loaded only when a request is proxied; Node's
// bundled fetch is never paired with npm undici's dispatcher (their versions
// differ on Node 24).
import { proxyFor } from "./proxy.js";

type Fetch = typeof globalThis.fetch;

// scripts/build.mjs keeps this import out of the action's bundle: it stays a require of the
// sibling file dist/proxied-fetch.js. From source (vitest, tsc) it is the TypeScript module.
const loadProxied = () => import("./proxied-fetch.js");

/** fetch(url, init), through the proxy the environment names for `url`, if any. Options (redirect, signal) pass unchanged. */
export const gateFetch: Fetch = async (input, init) => {
  const url = input instanceof Request ? input.url : String(input);
  const proxy = proxyFor(url);
  if (proxy === undefined) return globalThis.fetch(input, init);
  const { proxiedFetch } = await loadProxied();
  return proxiedFetch(url, init, proxy);
};
