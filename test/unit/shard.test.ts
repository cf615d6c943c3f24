// shard: K/N — N shards cover every selected service exactly once, the split is
// balanced, does not depend on the order services come in, and never separates
// the services of one consistency group.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { assignShards, fullServiceName, type Shardable, selectShard } from "../../src/collect/shard.js";
import { InputError } from "../../src/errors.js";
import { inputReader, parseInputs } from "../../src/inputs.js";

const parse = (inputs: Record<string, string>) => {
  const env = Object.fromEntries(Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value]));
  return parseInputs(inputReader(env), env);
};

const name = fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/);
const target = fc.record({
  project: fc.constantFrom("proj-a", "proj-b"),
  region: fc.constantFrom("us-central1", "europe-west1"),
  service: name,
});
const targets = fc.uniqueArray(target, { selector: fullServiceName, maxLength: 120 });

describe("shard selection", () => {
  it("N shards cover every service exactly once, the same on every run", () => {
    fc.assert(
      fc.property(targets, fc.integer({ min: 1, max: 12 }), (all, total) => {
        const shards = Array.from({ length: total }, (_, index) => selectShard(all, [], () => [], { index: index + 1, total }).targets);
        expect(shards.flat().map(fullServiceName).sort()).toEqual(all.map(fullServiceName).sort());
        expect(assignShards(all, [], total)).toEqual(assignShards(all, [], total));
      }),
    );
  });

  it("is balanced: shard sizes differ by at most one service", () => {
    fc.assert(
      fc.property(targets, fc.integer({ min: 1, max: 12 }), (all, total) => {
        const sizes = Array.from(
          { length: total },
          (_, index) => assignShards(all, [], total).filter((shard) => shard === index + 1).length,
        );
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it("gives each service the same shard whatever order the services are listed in", () => {
    fc.assert(
      fc.property(
        targets.chain((all) => fc.tuple(fc.constant(all), fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }))),
        fc.integer({ min: 1, max: 8 }),
        ([all, shuffled], total) => {
          const byName = (list: Shardable[]) => {
            const shards = assignShards(list, [], total);
            return Object.fromEntries(list.map((item, index) => [fullServiceName(item), shards[index]]));
          };
          expect(byName(shuffled)).toEqual(byName(all));
        },
      ),
    );
  });

  it("keeps a consistency group's services in one shard, which alone owns the group", () => {
    fc.assert(
      fc.property(
        targets,
        fc.integer({ min: 1, max: 8 }),
        fc.array(fc.array(name, { minLength: 1, maxLength: 4 }), { maxLength: 6 }),
        (all, total, groups) => {
          const shards = Array.from({ length: total }, (_, index) =>
            selectShard(all, groups, (group) => group, { index: index + 1, total }),
          );
          expect(shards.flatMap((shard) => shard.targets).length).toBe(all.length);
          expect(shards.flatMap((shard) => shard.groups).length).toBe(groups.length);
          for (const group of groups) {
            const holding = shards.filter((shard) => shard.targets.some((item) => group.includes(item.service)));
            expect(holding.length).toBeLessThanOrEqual(1);
            if (holding[0]) expect(holding[0].groups).toContain(group);
          }
        },
      ),
    );
  });

  it("spreads 200 services over 4 shards as 50 each (a hash of the name would give ~60 to the busiest)", () => {
    const all = Array.from({ length: 200 }, (_, index) => ({ project: "proj-a", region: "us-central1", service: `svc-${index}` }));
    const shards = assignShards(all, [], 4);
    expect([1, 2, 3, 4].map((shard) => shards.filter((value) => value === shard).length)).toEqual([50, 50, 50, 50]);
  });
});

describe("shard and reports inputs", () => {
  it("reads K/N, and a shard job comments only when asked", () => {
    expect(parse({ shard: "2/4" })).toMatchObject({ shard: { index: 2, total: 4 }, comment: "never" });
    expect(parse({ shard: " 1 / 3 ", comment: "always" })).toMatchObject({ shard: { index: 1, total: 3 }, comment: "always" });
    expect(parse({})).toMatchObject({ shard: undefined, comment: "always" });
  });

  it.each(["0/4", "5/4", "1/0", "4", "a/b", "1/2/3", "-1/4", "1.5/4", "1/257"])("refuses shard: %s with a clear error", (text) => {
    expect(() => parse({ shard: text })).toThrow(InputError);
    expect(() => parse({ shard: text })).toThrow(/shard must be K\/N with 1 ≤ K ≤ N/);
  });

  it("aggregate mode needs reports and takes no shard; reports need aggregate mode", () => {
    expect(parse({ mode: "aggregate", reports: "reports" })).toMatchObject({ mode: "aggregate", reports: "reports" });
    expect(() => parse({ mode: "aggregate" })).toThrow(/mode: aggregate needs reports/);
    expect(() => parse({ mode: "aggregate", reports: "r", shard: "1/2" })).toThrow(/shard and mode: aggregate/);
    expect(() => parse({ reports: "r" })).toThrow(/reports is read only with mode: aggregate/);
  });
});
