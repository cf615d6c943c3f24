// Cloud Run's own words about a failed rollout (a condition message) are
// quoted in the finding: credentials in them are withheld as in any excerpt.
import { describe, expect, it } from "vitest";
import { untrustedMessage } from "../../src/checks/describe.js";

describe("a condition message quoting a credential", () => {
  it.each([
    ["an AWS key", "container exited: AKIAQ3EGRXTSW7KMLD2P rejected", "AKIAQ3EGRXTSW7KMLD2P"],
    ["a GitHub token", "fetch failed with ghp_Aq1Bw2Ce3Dr4Ft5Gy6Hu7Ji8Ko9Lp0Zx1Cv2Bn", "ghp_Aq1Bw2Ce3Dr4Ft5Gy6Hu7Ji8"],
    ["a password parameter", "could not connect: host=db password=hunter2hunter2", "hunter2hunter2"],
    ["URL userinfo", "dial postgres://app:hunter2hunter2@db:5432 failed", "hunter2hunter2"],
  ])("%s is withheld, the rest kept", (_, message, secret) => {
    const shown = untrustedMessage(message);
    expect(shown).not.toContain(secret);
    expect(shown).toContain("[redacted]");
  });
});
