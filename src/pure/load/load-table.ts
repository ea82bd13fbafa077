// The load table: what this node believes about every node's load, where load = pending disk-bound RPCs
// (PORCUPINE.md "Load balancing"). Learned from the `load` piggybacked on every RPC reply and from the
// periodic ring pass; each sample carries its origin's clock so merging keeps the newest per node.
import type { LoadEntry, LoadSample } from '../messages.js';
import { loadSampleRefreshMs } from './limits.js';
import { PMap } from '../pmap.js';
import { compareNodeId, type NodeId } from '../types.js';

export interface LoadState {
  readonly table: PMap<LoadSample>;
}

export function emptyLoadState(): LoadState {
  return { table: PMap.empty() };
}

/**
 * Keeps the newer sample; never touches the entry of `self` (our own load is measured, not learned). A
 * sample that only refreshes the time of an unchanged load is skipped unless the entry is getting old:
 * every reply carries a sample, and rewriting the table for nothing is most of the cost on the hot path.
 */
export function learnLoad(state: LoadState, self: NodeId, node: NodeId, sample: LoadSample): LoadState {
  if (node === self) return state;
  const old = state.table.get(node);
  if (old !== undefined) {
    if (old.at >= sample.at) return state;
    if (old.pending === sample.pending && sample.at - old.at < loadSampleRefreshMs) return state;
  }
  return { table: state.table.set(node, sample) };
}

export function mergeLoadTable(state: LoadState, self: NodeId, entries: readonly LoadEntry[]): LoadState {
  let s = state;
  for (const e of entries) s = learnLoad(s, self, e.node, e.load);
  return s;
}

/** The table to pass around the ring: every known sample plus our own fresh one, in node order. */
export function loadTableEntries(state: LoadState, self: NodeId, own: LoadSample): LoadEntry[] {
  const out: LoadEntry[] = [{ node: self, load: own }];
  state.table.forEach((load, node) => out.push({ node, load }));
  return out.sort((a, b) => compareNodeId(a.node, b.node));
}

/** The next node after `self` in node order among `members` (sorted), wrapping around; undefined if alone. */
export function ringSuccessor(members: readonly NodeId[], self: NodeId): NodeId | undefined {
  if (members.length < 2) return undefined;
  for (const n of members) if (compareNodeId(n, self) > 0) return n;
  return members[0] === self ? members[1] : members[0];
}

export function describeLoad(state: LoadState): string {
  return state.table
    .entries()
    .sort((a, b) => compareNodeId(a[0], b[0]))
    .map(([n, s]) => `${n}=${s.pending}@${s.at}`)
    .join(' ');
}
