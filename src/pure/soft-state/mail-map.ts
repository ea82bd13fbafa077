// The mail map (PORCUPINE.md "State": soft, at the user's manager): user → nodes holding a fragment of the
// user's mailbox. Each entry keeps the stamp of the newest notice from that node, so a late "fragment gone"
// cannot erase a newer "fragment created" (the network reorders). A missing node would hide mail; an extra
// one only costs an empty digest request, so when in doubt the map keeps the node.
import { PMap } from '../pmap.js';
import { compareNodeId, type NodeId, type UserId } from '../types.js';

export interface MailMapEntry {
  readonly node: NodeId;
  readonly stamp: number;
}

export type MailMap = PMap<readonly MailMapEntry[]>;

const none: readonly NodeId[] = [];

export function fragmentNodes(map: MailMap, user: UserId): readonly NodeId[] {
  const es = map.get(user);
  return es === undefined ? none : es.map((e) => e.node);
}

export function addFragmentNode(map: MailMap, user: UserId, node: NodeId, stamp: number): MailMap {
  const es = map.get(user) ?? [];
  const i = es.findIndex((e) => e.node === node);
  if (i >= 0) {
    if (es[i].stamp >= stamp) return map;
    const next = es.slice();
    next[i] = { node, stamp };
    return map.set(user, next);
  }
  return map.set(user, [...es, { node, stamp }].sort((a, b) => compareNodeId(a.node, b.node)));
}

/** Drops `node` unless it has announced a newer fragment than this notice. */
export function removeFragmentNode(map: MailMap, user: UserId, node: NodeId, stamp: number): MailMap {
  const es = map.get(user);
  if (es === undefined) return map;
  const i = es.findIndex((e) => e.node === node);
  if (i < 0 || es[i].stamp > stamp) return map;
  return es.length === 1 ? map.delete(user) : map.set(user, es.filter((_, j) => j !== i));
}

export function describeMailMap(map: MailMap): string {
  return map
    .sortedEntries()
    .map(([u, es]) => `${u}:[${es.map((e) => e.node).join(',')}]`)
    .join(' ');
}
