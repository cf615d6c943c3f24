// The shard report check runs zod's generated fast path (z.compile) on each
// finding, for speed: it must decide exactly as the runtime parser does, on any
// JSON a file may hold, and give the same value (same keys, same order) and the
// same errors.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as z from "zod";
import { fastShardReportShape, findingShape, shardReportShape } from "../../src/aggregate/shape.js";

const text = fc.string({ maxLength: 20 });
const finding = fc.record(
  {
    id: fc.stringMatching(/^[A-Za-z0-9_.-]{1,12}$/),
    status: fc.constantFrom("pass", "fail", "warn", "error", "skip"),
    message: text,
    hint: text,
    location: fc.record({ file: text, line: fc.nat() }, { requiredKeys: ["file"] }),
    subject: text,
    expected: text,
    found: text,
    duration_ms: fc.double({ min: 0, max: 1e6, noNaN: true }),
    unknown: fc.jsonValue({ maxDepth: 1 }),
  },
  { requiredKeys: ["id", "status", "message"] },
);
const findings = fc.array(finding, { maxLength: 4 });
const service = fc.record(
  {
    service: fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/),
    revision: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9/._-]{0,30}$/),
    url: text,
    checks: findings,
    previous: fc.record({ revision: text, checks: findings }),
    traffic_percent: fc.nat(100),
  },
  { requiredKeys: ["service", "checks"] },
);
const valid = fc.tuple(fc.integer({ min: 1, max: 256 }), fc.integer({ min: 1, max: 256 })).chain(([a, b]) =>
  fc.record(
    {
      schema_version: fc.constant(1),
      commit: fc.oneof(fc.constant(null), fc.stringMatching(/^[0-9a-f]{0,40}$/)),
      shard: fc.constant({ index: Math.min(a, b), total: Math.max(a, b) }),
      result: fc.constantFrom("pass", "fail", "error"),
      services: fc.array(service, { maxLength: 4 }),
      checks: findings,
      started_at: fc.date({ noInvalidDate: true, min: new Date(0), max: new Date(4e12) }).map((date) => date.toISOString()),
      duration_ms: fc.nat(),
      github: fc.jsonValue({ maxDepth: 1 }),
    },
    { requiredKeys: ["schema_version", "commit", "shard", "result", "services", "started_at", "duration_ms"] },
  ),
);
/** Values at the checks' edges: each just inside or just outside a rule, or of another type. */
const EDGES: unknown[] = [
  ...["", "a b", "x".repeat(100), "x".repeat(101), "x".repeat(100_000), "x".repeat(100_001), "é.ok", "a.b\n", "ok", "PASS"],
  ...["inconclusive", "Bad Name", "::error::x", "a`b", "-x", "x\n## pwned", "<img src=x>", "/lead", "1", "yesterday"],
  ...["2026-01-01", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00+01:00", "2026-13-01T00:00:00Z", "2026-01-01T00:00:00.123456Z"],
  ...[-1, 0, 1, 2, 1.5, -0.5, 1e300, 2 ** 53, 255, 256, 257, 300, Number.MAX_VALUE, null, true, [], {}, [1], { id: "x" }],
];
const miss = fc.oneof(fc.jsonValue({ maxDepth: 1 }), fc.constantFrom(...EDGES));

type Place = [Record<string, unknown> | unknown[], string | number];
/** Every key and element of a JSON value, where a change can go. */
function placesOf(node: unknown, places: Place[] = []): Place[] {
  if (!node || typeof node !== "object") return places;
  for (const [key, item] of Object.entries(node)) {
    places.push([node as Record<string, unknown>, Array.isArray(node) ? Number(key) : key]);
    placesOf(item, places);
  }
  return places;
}

/** Replaces the value at `place`, or deletes the key (or element) when `value` is REMOVE. */
const REMOVE = Symbol("remove");
function change([holder, key]: Place, value: unknown): void {
  if (value !== REMOVE) (holder as Record<string | number, unknown>)[key] = value;
  else if (Array.isArray(holder)) holder.splice(key as number, 1);
  else delete holder[key];
}
/** A valid report with up to three changes anywhere in it: a value replaced, or a key or element deleted. */
const report = fc
  .tuple(valid, fc.array(fc.record({ at: fc.nat(), value: miss, remove: fc.boolean() }), { maxLength: 3 }))
  .map(([value, changes]) => {
    const data = JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
    for (const { at, value, remove } of changes) {
      const places = placesOf(data);
      const place = places[at % Math.max(places.length, 1)];
      if (place) change(place, remove ? REMOVE : value);
    }
    return data;
  });

/** What a caller can see of a parse: the decision, the value as JSON (key order too), and every issue. */
function outcome(result: ReturnType<typeof shardReportShape.safeParse>) {
  return result.success
    ? { value: JSON.stringify(result.data) }
    : { issues: result.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message, code: issue.code })) };
}

describe("the shard report check with compiled findings", () => {
  it("is compiled: zod's fast path models every part of a finding (a part it cannot would silently fall back)", () => {
    expect(() => z.compile(findingShape, { strict: true })).not.toThrow();
  });

  it("decides, returns and words its errors as the runtime parser for each edge value in each place", () => {
    const full = () => ({
      schema_version: 1,
      commit: "abc",
      shard: { index: 2, total: 3 },
      result: "fail",
      services: [
        {
          service: "svc-a",
          revision: "projects/p/locations/r/services/svc-a/revisions/svc-a-001",
          url: "https://svc-a.run.app",
          traffic_percent: 100,
          checks: [
            { id: "secret.ok", status: "pass", message: "ok" },
            {
              id: "secret.missing",
              status: "fail",
              message: "m",
              hint: "h",
              location: { file: "f.yml", line: 3 },
              subject: "S",
              expected: "e",
              found: "f",
              duration_ms: 1.5,
            },
          ],
          previous: { revision: "svc-a-000", checks: [{ id: "health.ok", status: "pass", message: "ok" }] },
        },
      ],
      checks: [{ id: "aggregate.x", status: "warn", message: "w" }],
      started_at: "2026-01-01T00:00:00.000Z",
      duration_ms: 5,
    });
    const count = placesOf(full()).length;
    let accepted = 0;
    for (let at = 0; at < count; at++) {
      for (const value of [...EDGES, REMOVE]) {
        const data = full();
        change(placesOf(data)[at] as Place, value);
        const fast = outcome(fastShardReportShape().safeParse(data));
        expect(fast, `place ${at}, ${String(value).slice(0, 30)}`).toEqual(outcome(shardReportShape.safeParse(data)));
        if ("value" in fast) accepted++;
      }
    }
    // Both sides of the rules were reached: many changes are still valid reports, most are not.
    expect(accepted).toBeGreaterThan(100);
    expect(accepted).toBeLessThan(count * EDGES.length * 0.6);
  });

  it("decides, returns and words its errors exactly as the runtime parser, on any JSON", () => {
    fc.assert(
      fc.property(report, (value) => {
        // As a file gives it: through JSON (an own __proto__ key stays a key).
        const data: unknown = JSON.parse(JSON.stringify(value));
        expect(outcome(fastShardReportShape().safeParse(data))).toEqual(outcome(shardReportShape.safeParse(data)));
      }),
      { numRuns: 500 },
    );
  });

  it("a valid finding passes the fast path itself, not the runtime fallback", () => {
    const finding = fastShardReportShape().shape.services.element.shape.checks.element;
    const validator = (finding._zod.bag as { validator?: (input: unknown) => unknown }).validator;
    expect(validator?.({ id: "secret.ok", status: "pass", message: "ok", location: { file: "m.yml", line: 3 } })).toBe(true);
    expect(validator?.({ id: "secret ok", status: "pass", message: "ok" })).not.toBe(true);
  });
});
