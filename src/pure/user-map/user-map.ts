// The user map (PORCUPINE.md "State"): 256 buckets, each managed by one node, replicated on every node.
// bucket = fnv1a32(lowercase(user)) mod 256 (DESIGN.md §4). The epoch of an entry is the membership epoch in
// which the bucket last moved (reassign.ts, owned by the membership work, recomputes the map).
import { assert } from '../assert.js';
import { bucketOfCanonical } from '../hash.js';
import { BUCKETS, compareNodeId, type Bucket, type Epoch, type NodeId, type UserId } from '../types.js';

export interface UserMapEntry {
  readonly node: NodeId;
  readonly epoch: Epoch;
}

/** Exactly BUCKETS entries, indexed by bucket. */
export type UserMap = readonly UserMapEntry[];

/** The boot-time assignment: deterministic round-robin over the nodes in node order. */
export function initialUserMap(nodes: readonly NodeId[], epoch: Epoch = 0): UserMap {
  assert(nodes.length > 0, 'initialUserMap: no nodes');
  const sorted = [...new Set(nodes)].sort(compareNodeId);
  const map: UserMapEntry[] = [];
  for (let b = 0; b < BUCKETS; b++) map.push({ node: sorted[b % sorted.length], epoch });
  return map;
}

export function managerOfBucket(map: UserMap, bucket: Bucket): NodeId {
  return map[bucket].node;
}

/** The node managing a user's soft state. `user` must be canonical (lower case, see user-name.ts). */
export function managerOf(map: UserMap, user: UserId): NodeId {
  return map[bucketOfCanonical(user)].node;
}

/** One line: how many buckets each node manages, in node order, e.g. "n1:128 n2:128". */
export function describeUserMap(map: UserMap): string {
  const counts = new Map<NodeId, number>();
  for (const e of map) counts.set(e.node, (counts.get(e.node) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => compareNodeId(a[0], b[0]))
    .map(([n, c]) => `${n}:${c}`)
    .join(' ');
}
