// The one mechanism behind "no credentialed redirect": a guarded client's
// transporter refuses every redirect, even when a request asks to follow
// (as a future google-auth-library call might), and the refusal says where
// it pointed, as an origin only.
import { OAuth2Client } from "google-auth-library/build/src/auth/oauth2client.js";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { guarded } from "../../src/gcp/auth/clients.js";
import { redirectOf } from "../../src/gcp/redirects.js";
import { googleRest } from "../../src/gcp/rest.js";
import { type EmulatorServer, serveJson } from "../emulators/http.js";

let endpoint: EmulatorServer;
let elsewhere: EmulatorServer;
let location = "";

beforeAll(async () => {
  elsewhere = await serveJson(() => ({ status: 200, body: { ok: true } }));
  endpoint = await serveJson(() => ({ status: 307, headers: { location } }));
});
afterAll(async () => {
  await Promise.all([endpoint.close(), elsewhere.close()]);
});
beforeEach(() => {
  elsewhere.requests.length = 0;
  location = `${elsewhere.url}/steal?token=in-the-query`;
});

function client() {
  const auth = guarded(new OAuth2Client());
  auth.setCredentials({ access_token: "ya29.redirect-canary" });
  return auth;
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("the request succeeded");
}

describe("guarded clients", () => {
  it("do not follow a redirect even when the request asks to", async () => {
    const error = await failure(client().request({ url: `${endpoint.url}/v1/token`, method: "POST", data: { a: 1 }, redirect: "follow" }));

    expect(elsewhere.requests).toEqual([]);
    expect(redirectOf(error)).toEqual({ status: 307, from: endpoint.url, to: elsewhere.url });
  });

  it("name a relative or same-origin Location as such, and a missing one", async () => {
    location = "/elsewhere-on-the-same-host";
    expect(redirectOf(await failure(client().request({ url: `${endpoint.url}/a` })))).toMatchObject({
      to: `${endpoint.url} (the same origin)`,
    });
    location = "";
    expect(redirectOf(await failure(client().request({ url: `${endpoint.url}/a` })))?.to).toBe("no Location");
  });

  it("turn a redirected API call into an error naming the API and the origins, never the path or query", async () => {
    const api = googleRest(client(), endpoint.url, "https://run.googleapis.com");
    const error = (await failure(api.get("v2/projects/p/locations/r/services/s", new AbortController().signal))) as Error;

    expect(error.message).toBe(
      `the Cloud Run API at ${endpoint.url} answered HTTP 307, a redirect to ${elsewhere.url}; the gate never follows a redirect with credentials, so nothing was sent there`,
    );
    expect(String((error as { hint?: string }).hint)).toContain("cloud_run_endpoint");
    expect(elsewhere.requests).toEqual([]);
  });
});
