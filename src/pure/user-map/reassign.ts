// User-map recomputation with minimal change (PORCUPINE.md "Self-management": "the coordinator
// redistributes buckets, minimising changes"; DESIGN.md §4). Every node that installs a new epoch gets
// the map from the coordinator, but the function is deterministic anyway so tests and replays can
// recompute it, and so the oracle property test (properties/membership-reassign.test.ts) can check it.
//
// Targets: with B buckets and N live nodes every node manages ⌊B/N⌋ or ⌈B/N⌉ buckets. The B mod N
// ceilings go to the nodes that hold the most buckets already (ties: lower NodeId), which maximises
// Σ min(held, target) — the buckets that can stay — so the number of moves is the minimum over every
// balanced map. Moves: orphans (manager not live) and each over-target node's excess (its highest
// buckets) are released, then handed out in ascending bucket order to under-target nodes in NodeId order.
import { assert } from '../assert.js';
import { compareNodeId, type Epoch, type NodeId } from '../types.js';
import type { MembershipBugs } from '../membership/bugs.js';

/** One bucket's manager and the epoch in which it was last assigned (structurally a UserMap entry). */
export interface BucketOwner {
  readonly node: NodeId;
  readonly epoch: Epoch;
}

export interface ReassignOptions {
  /**
   * Live nodes that are new incarnations (restarted: their soft state is gone). Buckets they keep are
   * re-stamped with the new epoch so every node reports its fragments for them (DESIGN.md §4).
   */
  readonly restamp?: readonly NodeId[];
  /**
   * Buckets re-stamped whoever keeps them: those on which the maps of the new group's members disagreed,
   * so that every member reports for them and their manager rebuilds them (reconstruct.ts).
   */
  readonly restampBuckets?: readonly number[];
  /** Seeded bugs for the mutation tests only (membership/bugs.ts); unset everywhere else. */
  readonly bugs?: MembershipBugs;
}

/** Canonical live set: deduplicated, in NodeId order. */
export function sortedNodes(nodes: readonly NodeId[]): NodeId[] {
  return [...new Set(nodes)].sort(compareNodeId);
}

/** Per-node targets: ⌊B/N⌋, plus one for the B mod N nodes already holding the most (ties: lower id). */
export function bucketTargets(oldMap: readonly BucketOwner[], live: readonly NodeId[]): Map<NodeId, number> {
  const nodes = sortedNodes(live);
  assert(nodes.length > 0, 'reassign needs at least one live node');
  const held = countHeld(oldMap, nodes);
  const base = Math.floor(oldMap.length / nodes.length);
  const extra = oldMap.length % nodes.length;
  const byHeld = [...nodes].sort((a, b) => held.get(b)! - held.get(a)! || compareNodeId(a, b));
  const targets = new Map<NodeId, number>();
  byHeld.forEach((n, i) => targets.set(n, base + (i < extra ? 1 : 0)));
  return targets;
}

function countHeld(map: readonly BucketOwner[], nodes: readonly NodeId[]): Map<NodeId, number> {
  const held = new Map<NodeId, number>(nodes.map((n) => [n, 0]));
  for (const e of map) if (held.has(e.node)) held.set(e.node, held.get(e.node)! + 1);
  return held;
}

/**
 * The new map for `live` nodes at `newEpoch`: balanced, and moving the fewest buckets possible. Moved
 * buckets (and buckets kept by a node in `opts.restamp`) carry `newEpoch`; the others keep their entry.
 * The bucket count is `oldMap.length` (256 in the system; smaller in the oracle test).
 */
export function reassign(
  oldMap: readonly BucketOwner[],
  live: readonly NodeId[],
  newEpoch: Epoch,
  opts: ReassignOptions = {},
): BucketOwner[] {
  const targets = bucketTargets(oldMap, live);
  const released = releaseBuckets(oldMap, targets);
  const owners: NodeId[] = oldMap.map((e) => e.node);
  const kept = countKept(oldMap, targets, released);
  let next = 0;
  // Seeded bug reassignInListOrder: fill in the order given (not canonical, so nodes disagree).
  for (const n of opts.bugs?.reassignInListOrder ? [...new Set(live)] : sortedNodes(live)) {
    for (let k = kept.get(n)!; k < targets.get(n)!; k++) owners[released[next++]] = n;
  }
  assert(next === released.length, `reassign: ${released.length - next} released buckets left unassigned`);
  if (opts.bugs !== undefined) applyReassignBugs(owners, released, live, opts.bugs);
  const restamp = new Set(opts.bugs?.noRestampOfRestarted ? [] : (opts.restamp ?? [])); // seeded bug: no restamp
  const restampBuckets = new Set(opts.restampBuckets ?? []);
  return oldMap.map((e, b) =>
    owners[b] !== e.node || restamp.has(owners[b]) || restampBuckets.has(b) ? { node: owners[b], epoch: newEpoch } : e,
  );
}

/** Seeded bugs (membership/bugs.ts): a fresh contiguous map ignoring who held what, or all moves to one node. */
function applyReassignBugs(owners: NodeId[], released: readonly number[], live: readonly NodeId[], bugs: MembershipBugs): void {
  const nodes = sortedNodes(live);
  if (bugs.reassignUnbalanced) for (const b of released) owners[b] = nodes[0];
  if (!bugs.reassignMovesEverything) return;
  const base = Math.floor(owners.length / nodes.length);
  const fresh = nodes.flatMap((n, i) => new Array<NodeId>(base + (i < owners.length % nodes.length ? 1 : 0)).fill(n));
  fresh.forEach((n, b) => (owners[b] = n));
}

/** Buckets that must move, ascending: orphans, and for each over-target node its highest buckets. */
function releaseBuckets(oldMap: readonly BucketOwner[], targets: ReadonlyMap<NodeId, number>): number[] {
  const seen = new Map<NodeId, number>();
  const released: number[] = [];
  // Walking buckets in ascending order keeps each node's lowest buckets: it releases those past its target.
  oldMap.forEach((e, b) => {
    const target = targets.get(e.node);
    const count = (seen.get(e.node) ?? 0) + 1;
    seen.set(e.node, count);
    if (target === undefined || count > target) released.push(b);
  });
  return released;
}

function countKept(
  oldMap: readonly BucketOwner[],
  targets: ReadonlyMap<NodeId, number>,
  released: readonly number[],
): Map<NodeId, number> {
  const kept = new Map<NodeId, number>([...targets.keys()].map((n) => [n, 0]));
  const gone = new Set(released);
  oldMap.forEach((e, b) => {
    if (!gone.has(b)) kept.set(e.node, kept.get(e.node)! + 1);
  });
  return kept;
}

/** How many buckets changed manager between two maps (re-stamps do not count). */
export function movedCount(oldMap: readonly BucketOwner[], newMap: readonly BucketOwner[]): number {
  assert(oldMap.length === newMap.length, 'movedCount: maps of different sizes');
  let moved = 0;
  for (let b = 0; b < oldMap.length; b++) if (oldMap[b].node !== newMap[b].node) moved++;
  return moved;
}

/** Buckets on which some of `maps` disagrees with `base` (manager or epoch). */
export function divergentBuckets(base: readonly BucketOwner[], maps: readonly (readonly BucketOwner[])[]): number[] {
  const out: number[] = [];
  for (let b = 0; b < base.length; b++) {
    if (maps.some((m) => m[b].node !== base[b].node || m[b].epoch !== base[b].epoch)) out.push(b);
  }
  return out;
}

/**
 * Merges the maps reported by the nodes of a new group (partitions healing, restarted coordinator):
 * per bucket the entry assigned most recently wins (highest epoch; ties: the first map given, which the
 * caller makes its own). Every reported map must have the same bucket count.
 */
export function mergeMaps(maps: readonly (readonly BucketOwner[])[]): BucketOwner[] {
  assert(maps.length > 0, 'mergeMaps needs at least one map');
  const size = maps[0].length;
  assert(maps.every((m) => m.length === size), 'mergeMaps: maps of different sizes');
  const out = [...maps[0]];
  for (const m of maps.slice(1)) {
    for (let b = 0; b < size; b++) if (m[b].epoch > out[b].epoch) out[b] = m[b];
  }
  return out;
}
