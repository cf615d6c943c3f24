// An input in the wrong place is quoted by its error, so the user sees what was
// given; a credential pasted there (a token as project_id, a URL with its
// password that does not parse) is described instead: the message reaches the
// report output, the job summary and the PR comment, which the runner's masking
// never covers. Through dist/index.js.
import { describe, expect, it } from "vitest";
import { reportOf, runAction } from "./harness.js";

const TOKEN = "ya29.a0AfB_byC3kQ9xLm2Vn8Rt5Wq1Zp7Hs4Dj6Fg0Ku";
const PASSWORD = "Xk29vLq7Tz";

describe("an input error never quotes a credential", () => {
  it.each([
    ["project_id", TOKEN, TOKEN],
    ["region", `ghp_${"Aq1Bw2Ce3Dr4Ft5Gy6Hu7Ji8Ko9Lp0Zx1Cv2Bn"}`, "Aq1Bw2Ce3Dr4Ft5Gy6Hu7Ji8"],
    ["url", `https://deploy:${PASSWORD}@backend.example:99999/`, PASSWORD],
    ["cloud_run_endpoint", `https://run.example:99999/?access_token=${TOKEN}`, TOKEN.slice(5, 25)],
  ])("%s holding a credential: the error says what is wrong, not the value", async (name, value, secret) => {
    const run = await runAction({ manifest: "/nonexistent.yml", project_id: "my-project", [name]: value });
    expect(run.outputs.result).toBe("error");
    const message = reportOf(run.outputs).checks?.[0]?.message ?? "";
    expect(message).toContain(name);
    expect(run.everything).not.toContain(secret);
  });

  it("an ordinary mistake is still quoted: that is what makes it quick to fix", async () => {
    const run = await runAction({ manifest: "/nonexistent.yml", project_id: "My_Project" });
    expect(reportOf(run.outputs).checks?.[0]?.message).toContain('"My_Project"');
  });
});
