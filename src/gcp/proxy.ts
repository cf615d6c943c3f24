// Google's requests through the runner's proxy by the gate's one rule
// (../proxy.ts), not gaxios's own: gaxios reads HTTPS_PROXY too, but with
// NO_PROXY rules of its own (no ports, no `*.`), and Node 20's fetch reads none.
import type { gaxios } from "google-auth-library";
import { agentFor } from "../proxy-agent.js";

/**
 * Give every request of a client's transporter (ours and google-auth-library's own token
 * calls: OAuth, STS, IAM Credentials) its agent: a CONNECT tunnel when a proxy applies, else
 * a direct one. The interceptor runs after gaxios chose its own agent, so ours is the one used.
 */
export function routeThroughProxy(transporter: gaxios.Gaxios): void {
  transporter.interceptors.request.add({
    resolved: async (config) => {
      config.agent = await agentFor(config.url);
      return config;
    },
  });
}
