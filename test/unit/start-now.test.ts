// startNow(): work started before anyone awaits it. A rejection before the
// await (or with no await, when the pipeline failed first) must not surface as
// an unhandled rejection, and whoever awaits it later still sees it.
import { afterEach, describe, expect, it } from "vitest";
import { startNow } from "../../src/start-now.js";

const unhandled: unknown[] = [];
const record = (reason: unknown) => void unhandled.push(reason);
afterEach(() => {
  process.off("unhandledRejection", record);
  unhandled.length = 0;
});

describe("startNow", () => {
  it("runs the task at once and hands back its result", async () => {
    let started = false;
    const pending = startNow(async () => {
      started = true;
      return 42;
    });
    expect(started).toBe(true);
    expect(await pending).toBe(42);
  });

  it("keeps an early rejection from being unhandled, and still rejects for whoever awaits it later", async () => {
    process.on("unhandledRejection", record);
    const pending = startNow(() => Promise.reject(new Error("dropped")));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(unhandled).toEqual([]);
    await expect(pending).rejects.toThrow("dropped");
  });
});
