// A careless /health (a debug page dumping the environment) or log line holds
// credentials the gate never read: another issuer's token, a password
// parameter. The gate withholds them in configured values already; an excerpt
// of untrusted text withholds them too, or the PR comment carries them.
// Through dist/index.js.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { revisionLog } from "../emulators/logging.js";
import { deploy } from "../emulators/scenario.js";
import { reportOf, runAction } from "./harness.js";
import { startWorld, type World } from "./world.js";

const CREDENTIALS = {
  aws: "AKIAQ3EGRXTSW7KMLD2P",
  github: "ghp_Aq1Bw2Ce3Dr4Ft5Gy6Hu7Ji8Ko9Lp0Zx1Cv2Bn",
  slack: "xoxb-1234567890-abcdefghijkl",
  google: "AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvW",
  stripe: "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
  bearer: "mF_9.B5f-4.1JqM9zXpT2",
  password: "hunter2hunter2",
  apiKey: "c2VjcmV0LWFwaS1rZXktdmFsdWU",
};
/** Each within the excerpt's 200 characters: a credential past the cut would prove nothing. */
const BODY = [
  `AWS_ACCESS_KEY_ID=${CREDENTIALS.aws}`,
  `GH=${CREDENTIALS.github}`,
  `slack ${CREDENTIALS.slack}`,
  `maps ${CREDENTIALS.google}`,
].join(" | ");
const LINE = [
  `stripe ${CREDENTIALS.stripe}`,
  `Authorization: Bearer ${CREDENTIALS.bearer}`,
  `db error: password=${CREDENTIALS.password} rejected`,
  `{"api_key": "${CREDENTIALS.apiKey}"}`,
].join(" | ");

describe("other issuers' credentials in untrusted text", () => {
  let world: World;
  const service = "web";

  beforeAll(async () => {
    world = await startWorld({ [service]: {} });
  });
  afterAll(() => world.close());

  it("a /health body and a log line dumping credentials: withheld, the rest of the text shown", async () => {
    const backend = world.backends.get(service);
    if (!backend) throw new Error("no backend");
    deploy(world.scenario, service, { url: backend.url });
    backend.behaviour.healthAnswer = () => ({ status: 500, body: BODY });
    const revision = world.scenario.services.get(service)?.service.latestReadyRevision?.split("/").pop() ?? "";
    world.logging.entries.length = 0;
    world.logging.entries.push(revisionLog(world.scenario, service, revision, "ERROR", LINE));
    const manifest = await world.writeManifest(`region: us-central1
services:
  ${service}:
    health: { retries: 0 }
    logs: { max_errors: 0 }
`);
    const run = await runAction(world.inputs(manifest, { timeout: "10" }));
    const checks = reportOf(run.outputs).services[0]?.checks ?? [];
    expect(checks.find((check) => check.id === "health.status")?.status).toBe("fail");
    expect(checks.find((check) => check.id === "logs.errors")?.status).toBe("fail");
    expect(BODY.length).toBeLessThan(200);
    expect(LINE.length).toBeLessThan(200);
    expect(run.everything).toContain("AWS_ACCESS_KEY_ID=");
    expect(run.everything).toContain("db error: password=");
    for (const [issuer, credential] of Object.entries(CREDENTIALS)) {
      const at = run.everything.indexOf(credential);
      expect(at, `${issuer}: ${JSON.stringify(run.everything.slice(Math.max(0, at - 30), at + 40))}`).toBe(-1);
    }
  });
});
