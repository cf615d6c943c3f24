// The report file is written in pieces (src/publish.ts jsonPieces) so a fleet's
// 1.4 MB report is never one string in memory; its bytes stay exactly those of
// JSON.stringify(value, null, 2) and a newline, which readers and diffs expect.
import { describe, expect, it } from "vitest";
import { jsonPieces } from "../../src/publish.js";

const whole = (value: Record<string, unknown>) => `${JSON.stringify(value, null, 2)}\n`;
const pieced = (value: Record<string, unknown>) => [...jsonPieces(value)].join("");

function fleet(services: number): Record<string, unknown> {
  return {
    schema_version: 2,
    result: "pass",
    services: Array.from({ length: services }, (_, index) => ({
      service: `svc-${index}`,
      revision: index % 7 === 0 ? undefined : `svc-${index}-00001-abc`,
      checks: [
        {
          id: "secret.ok",
          status: "pass",
          message: `API_KEY comes from key-${index}:latest — “quoted”, ✅, \n and \\ and "`,
          subject: "API_KEY",
        },
        { id: "env.ok", status: "pass", message: "", location: { file: ".github/deploy-gate.yml", line: index + 1 } },
      ],
      empty: [],
      nothing: {},
    })),
    checks: [],
    nothing: null,
    skipped: undefined,
    github: { repository: "owner/repo", pull_request: 7, comment: "<!-- marker -->\n# Cloud Run deploy gate: pass" },
  };
}

describe("report file JSON in pieces", () => {
  it.each([0, 1, 3, 500])("%i services: byte for byte JSON.stringify(report, null, 2)", (services) => {
    const report = fleet(services);
    expect(pieced(report)).toBe(whole(report));
  });

  it("edge values: empty object, empty and sparse arrays, values without a JSON form", () => {
    for (const value of [
      {},
      { a: [] },
      { a: {} },
      { a: undefined, b: () => 1, c: Symbol("s") },
      // biome-ignore lint/suspicious/noSparseArray: a hole becomes null, as in JSON.stringify
      { a: [1, , undefined, () => 1, "x"], b: [[], [[]]], 'k"ey': "v\n" },
    ]) {
      expect(pieced(value)).toBe(whole(value));
    }
  });

  it("a fleet's report comes in many small pieces, none of them large", () => {
    const pieces = [...jsonPieces(fleet(500))];
    expect(pieces.length).toBeGreaterThan(5);
    for (const piece of pieces) expect(piece.length).toBeLessThan(64 * 1024);
  });
});
