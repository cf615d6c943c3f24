// Which of the selected services this shard (`shard: K/N`) checks. Pure: the
// same selection gives the same split on every run and every runner, so N
// matrix jobs cover every service exactly once and an aggregate job can tell a
// hole from a pass.
//
// Why not a hash of the name: a hash is stable when services come and go, but
// with 200 services on 4 shards its busiest shard carries ~60 of them, and the
// matrix waits for its slowest job. Nothing carries over between runs, so the
// split only has to be a function of this run's selection: services are sorted
// by full resource name and dealt out greedily (largest unit first, to the
// least-loaded shard), which keeps shard sizes within one unit of each other.
//
// A unit is a set of services that must run in the same job: the members of a
// `consistent:` group are compared by fingerprint within one run (the keyed
// fingerprint differs between runs), so splitting them would turn a real
// comparison into `consistent.unverifiable`.

import type { ShardSpec } from "../model.js";

export type { ShardSpec };

export interface Shardable {
  project: string;
  region: string;
  service: string;
}

/** What one shard checks: its targets and the consistency groups it owns (each group in exactly one shard). */
export interface ShardSelection<T, G> {
  targets: T[];
  groups: G[];
}

export function fullServiceName(target: Shardable): string {
  return `projects/${target.project}/locations/${target.region}/services/${target.service}`;
}

/**
 * The shard's share of `targets`, and of `groups` (lists of short service names that must stay
 * together). A group none of whose services is selected belongs to shard 1, so a run over all
 * shards reports it exactly once, as a single run does.
 */
export function selectShard<T extends Shardable, G>(
  targets: readonly T[],
  groups: readonly G[],
  membersOf: (group: G) => readonly string[],
  spec: ShardSpec,
): ShardSelection<T, G> {
  const shardOfTarget = assignShards(targets, groups.map(membersOf), spec.total);
  const shardOfService = new Map<string, number>();
  for (const [position, target] of targets.entries()) shardOfService.set(target.service, shardOfTarget[position] ?? 1);
  return {
    targets: targets.filter((_, position) => shardOfTarget[position] === spec.index),
    groups: groups.filter((group) => {
      const owner = membersOf(group)
        .map((service) => shardOfService.get(service))
        .find((shard) => shard !== undefined);
      return (owner ?? 1) === spec.index;
    }),
  };
}

/** The 1-based shard of each target, by position. Independent of the order targets come in. */
export function assignShards(targets: readonly Shardable[], together: readonly (readonly string[])[], total: number): number[] {
  // Units: union-find over full names; every target of a service named in one group joins that group's unit.
  const names = targets.map(fullServiceName);
  const parent = new Map<string, string>(names.map((name) => [name, name]));
  const root = (name: string): string => {
    let current = name;
    while (parent.get(current) !== current) current = parent.get(current) ?? current;
    parent.set(name, current);
    return current;
  };
  const union = (a: string, b: string) => {
    const [low, high] = [root(a), root(b)].sort();
    if (low !== undefined && high !== undefined && low !== high) parent.set(high, low);
  };
  for (const members of together) {
    const joined = names.filter((_, position) => members.includes(targets[position]?.service ?? ""));
    for (const name of joined.slice(1)) union(joined[0] ?? name, name);
  }
  const units = new Map<string, { key: string; size: number }>();
  for (const name of names) {
    const key = root(name);
    const unit = units.get(key) ?? { key, size: 0 };
    unit.size++;
    units.set(key, unit);
  }
  // Largest first, then by name: a deterministic order that the greedy deal keeps balanced.
  const ordered = [...units.values()].sort((a, b) => b.size - a.size || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const load = Array.from({ length: total }, () => 0);
  const shardOfUnit = new Map<string, number>();
  for (const unit of ordered) {
    let lightest = 0;
    for (let shard = 1; shard < total; shard++) if ((load[shard] ?? 0) < (load[lightest] ?? 0)) lightest = shard;
    load[lightest] = (load[lightest] ?? 0) + unit.size;
    shardOfUnit.set(unit.key, lightest + 1);
  }
  return names.map((name) => shardOfUnit.get(root(name)) ?? 1);
}
