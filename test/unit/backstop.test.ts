// The watchdog's last words (src/deadline.ts) at fleet scale: they are rendered
// on the main thread, ahead of a kill that may never come, so their cost must
// stay a small share of the run however many services finish. Re-rendering the
// whole report at every finished service was quadratic: 200 services spent
// 2.5 s of a 4 s run redacting and serializing the same services again.
import { describe, expect, it } from "vitest";
import { startBackstop } from "../../src/deadline.js";
import type { Report } from "../../src/model.js";

const service = (index: number) =>
  ({
    service: `svc-${String(index).padStart(3, "0")}`,
    revision: `svc-${index}-00001-abc`,
    checks: Array.from({ length: 12 }, (_, check) => ({ id: `secret.value_${check}`, status: "pass", message: `SECRET_${check} is set` })),
  }) as unknown as Report["services"][number];

/** Work proportional to the text, as redaction and JSON.stringify are. */
function busy(text: string): void {
  let hash = 0;
  for (let round = 0; round < 20; round++) for (let at = 0; at < text.length; at++) hash = (hash * 31 + text.charCodeAt(at)) | 0;
  if (hash === 42) console.log(""); // keep the loop
}

describe("the run's backstop", () => {
  it("keeps the last words' cost a small share of a 400-service run, and has every service in them once the checks are over", async () => {
    let renderMs = 0;
    let rendered = 0;
    let last: Report | undefined;
    const backstop = startBackstop(
      { timeoutSeconds: 600, failOn: "error" },
      (report) => {
        const started = performance.now();
        const text = JSON.stringify(report);
        busy(text);
        last = report;
        renderMs += performance.now() - started;
        rendered += report.services.length;
        return { files: [], stdout: "", stderr: "" };
      },
      (report) => report,
      new Date(),
    );
    const finished: Report["services"] = [];
    const started = performance.now();
    try {
      for (let index = 0; index < 400; index++) {
        // The service's own work: a few requests' worth of parsing.
        busy("x".repeat(16_000));
        await new Promise((resolve) => setImmediate(resolve));
        finished.push(service(index));
        backstop.serviceDone(finished);
      }
      backstop.publishing();
    } finally {
      backstop.stop();
    }
    const elapsedMs = performance.now() - started;
    expect(last?.services).toHaveLength(400);
    // Every service re-rendered at each finish: 80,200 services rendered, ~90% of the run.
    expect(rendered).toBeLessThan(5 * 400);
    expect(renderMs / elapsedMs).toBeLessThan(0.25);
  });

  it("renders nothing once stopped: a body the deadline left running cannot replace the emptied last words", () => {
    let renders = 0;
    const backstop = startBackstop(
      { timeoutSeconds: 600, failOn: "error" },
      () => {
        renders++;
        return { files: [], stdout: "", stderr: "" };
      },
      (report) => report,
      new Date(),
    );
    const before = renders;
    backstop.stop();
    backstop.serviceDone([service(0)]);
    expect(renders).toBe(before);
  });
});
