// Replica choice for a delivered message (DESIGN.md §4): R distinct live nodes chosen by the load balancer
// within the user's spread. The first choice coordinates (it is where the proxy sends the message); each
// further replica is chosen the same way among the members not chosen yet, so affinity (the user's
// fragment nodes) and load both count for every copy.
import { chooseNode, type ChoiceInput } from '../load/choose.js';
import type { NodeId } from '../types.js';
import { replicasMax, replicasMin } from './limits.js';

export function chooseReplicas(c: ChoiceInput, first: NodeId, replicas: number): NodeId[] {
  const r = Math.min(Math.max(replicasMin, Math.floor(replicas)), replicasMax, c.members.length);
  const chosen = [first];
  while (chosen.length < r) {
    const members = c.members.filter((n) => !chosen.includes(n));
    const fragmentNodes = c.fragmentNodes.filter((n) => !chosen.includes(n));
    // Each copy may add a node to the user's spread; the spread bound is soft (PORCUPINE.md).
    chosen.push(chooseNode({ ...c, members, fragmentNodes, spread: Math.max(1, c.spread - chosen.length), softSpread: false }));
  }
  return chosen;
}
