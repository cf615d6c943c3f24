// A credential goes only to the endpoint it was minted for. Each Google endpoint
// the gate calls (its own REST calls and the token calls google-auth-library
// makes inside) answers with a redirect to a second server on another port of
// 127.0.0.1, which records everything it receives: it must never see a token,
// and the run must end in `error` saying which endpoint redirected.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { GoogleAuthEmulator } from "../emulators/google-auth.js";
import { type EmulatorServer, type RecordedRequest, serveJson } from "../emulators/http.js";
import { incident1 } from "../incidents/incident-1.js";
import { type ActionRun, reportOf, runAction } from "./harness.js";
import { startWif, type Wif } from "./wif.js";
import { startIncident, type World } from "./world.js";

describe("no credential follows a redirect to another origin", () => {
  let world: World;
  let manifest: string;
  let google: GoogleAuthEmulator;
  let federation: Wif;
  /** The other origin: answers 200 to anything, as an attacker's server would, and keeps what it got. */
  let elsewhere: EmulatorServer;

  beforeAll(async () => {
    ({ world, manifest } = await startIncident(incident1));
    incident1.fixed(world);
    federation = await startWif(world, { tokenPrefix: "canary-redirect", keepWorldTokens: true });
    ({ google } = federation);
    elsewhere = await serveJson(() => ({ status: 200, body: {} }));
  });
  afterAll(async () => {
    await Promise.all([google.close(), elsewhere.close(), world.close()]);
  });
  beforeEach(() => {
    elsewhere.requests.length = 0;
    google.requests.length = 0;
    google.state.faults = {};
    world.cloudRun.faults.length = 0;
    world.secretManager.faults.length = 0;
    world.resourceManager.faults.length = 0;
  });

  const stolen = (path = "/stolen") => `${elsewhere.url}${path}`;

  /** Nothing the other origin received may carry a credential of this run. */
  function expectNothingStolen(run: ActionRun) {
    const credentials = [
      ...world.scenario.accessTokens,
      ...google.state.accessTokens.keys(),
      google.state.githubRequestToken,
      // JWTs: the OIDC subject token, a key's signed assertion, an ID token.
      "eyJ",
    ];
    for (const request of elsewhere.requests as RecordedRequest[]) {
      expect(request.headers.authorization, `Authorization sent to ${request.path}`).toBeUndefined();
      expect(request.headers["x-serverless-authorization"]).toBeUndefined();
      const seen = `${request.path} ${request.body} ${JSON.stringify(request.headers)}`;
      for (const credential of credentials) expect(seen, `a credential reached ${request.path}`).not.toContain(credential);
    }
    for (const token of google.state.accessTokens.keys()) expect(run.everything).not.toContain(token);
    expect(run.everything).not.toContain(google.state.githubRequestToken);
  }

  function errorMessage(run: ActionRun): string {
    const report = reportOf(run.outputs);
    const all = [...(report.checks ?? []), ...report.services.flatMap((service) => service.checks)];
    return all
      .filter((check) => check.status === "error")
      .map((check) => check.message)
      .join("\n");
  }

  it("a Cloud Run read that redirects is an error, and the access token stays home", async () => {
    world.cloudRun.faults.push({ match: /^GET \/v2\//, fault: { kind: "status", status: 302, headers: { location: stolen() } } });

    const run = await runAction(world.inputs(manifest));

    expectNothingStolen(run);
    expect(run.outputs.result).toBe("error");
    expect(errorMessage(run)).toMatch(/Cloud Run.*redirect.*127\.0\.0\.1:\d+/i);
    expect(errorMessage(run)).not.toContain("/stolen");
  });

  it("a Secret Manager read that redirects (307) is an error, and the access token stays home", async () => {
    world.secretManager.faults.push({ match: /^GET \/v1\//, fault: { kind: "status", status: 307, headers: { location: stolen() } } });

    const run = await runAction(world.inputs(manifest));

    expectNothingStolen(run);
    expect(run.outputs.result).toBe("error");
    expect(errorMessage(run)).toMatch(/Secret Manager.*redirect/i);
  });

  it("a Resource Manager call that redirects: the access token stays home and the run does not pass", async () => {
    world.resourceManager.faults.push({ match: /^POST \/v3\//, fault: { kind: "status", status: 307, headers: { location: stolen() } } });

    const run = await runAction(world.inputs(manifest));

    expectNothingStolen(run);
    expect(run.outputs.result).not.toBe("pass");
  });

  it("STS answering 307: the GitHub OIDC subject token is not posted again elsewhere", async () => {
    google.state.faults.sts = { kind: "redirect", status: 307, location: stolen("/v1/token") };

    const run = await runAction(world.inputs(manifest, federation.inputs()), federation.oidcEnv());

    expectNothingStolen(run);
    expect(run.outputs.result).toBe("error");
    expect(errorMessage(run)).toMatch(/STS.*redirect/i);
  });

  it("IAM Credentials generateAccessToken answering 307: the federated token stays home", async () => {
    google.state.faults["iam.generateAccessToken"] = { kind: "redirect", status: 307, location: stolen() };

    const run = await runAction(world.inputs(manifest, federation.inputs()), federation.oidcEnv());

    expectNothingStolen(run);
    expect(run.outputs.result).toBe("error");
    expect(errorMessage(run)).toMatch(/redirect/i);
  });

  it("IAM Credentials generateIdToken answering 302: the token stays home and the ID token is reported missing", async () => {
    google.state.faults["iam.generateIdToken"] = { kind: "redirect", status: 302, location: stolen() };

    const run = await runAction(world.inputs(manifest, { ...federation.inputs(), id_token: "true" }), federation.oidcEnv());

    expectNothingStolen(run);
    expect(run.outputs.result).toBe("error");
    expect(errorMessage(run)).toMatch(/ID token.*redirect/i);
  });

  it("the GitHub OIDC token request answering 307: the request token stays home", async () => {
    google.state.faults.oidc = { kind: "redirect", status: 307, location: stolen() };

    const run = await runAction(world.inputs(manifest, federation.inputs()), federation.oidcEnv());

    expectNothingStolen(run);
    expect(run.outputs.result).toBe("error");
    expect(errorMessage(run)).toMatch(/redirect/i);
  });

  it("the OAuth token endpoint (oauth_endpoint) answering 307: a key's signed assertion is not posted elsewhere", async () => {
    const key = google.createServiceAccountKey("ci@chat-staging.iam.gserviceaccount.com", "chat-staging");
    google.state.faults.oauth = { kind: "redirect", status: 307, location: stolen("/token") };

    const run = await runAction(
      world.inputs(manifest, { access_token: "", credentials_json: JSON.stringify(key), oauth_endpoint: google.url }),
    );

    expectNothingStolen(run);
    for (const request of elsewhere.requests) expect(request.body).not.toContain("assertion");
    expect(run.outputs.result).toBe("error");
    expect(errorMessage(run)).toMatch(/OAuth.*redirect/i);
  });
});
