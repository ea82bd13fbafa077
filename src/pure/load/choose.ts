// Choosing the node that stores a delivered message (PORCUPINE.md "Load balancing"; DESIGN.md §4).
//  - dynamic: candidates = the user's current fragment nodes (affinity) padded with random live nodes up to
//    `spread` (the paper's lower limit on spreading); the least loaded candidate wins, ties going to the
//    candidate with the fewest of this proxy's stores in flight, then at random.
//    The spread bound is soft, as in the paper (B2): when every candidate is overloaded — its load above the
//    lightest member's by more than `overloadMarginPending` — a few random other members are considered too.
//  - static: hash(user) → a fixed live node (the baseline the paper compares against).
//  - random: any live node.
import { fnv1a32 } from '../hash.js';
import type { NodeConfig } from '../io.js';
import type { NodeId, UserId } from '../types.js';
import { overloadExtraCandidates, overloadMarginPending } from './limits.js';

export interface ChoiceInput {
  readonly policy: NodeConfig['loadPolicy'];
  readonly spread: number;
  readonly user: UserId;
  /** Live nodes in node order (non-empty). */
  readonly members: readonly NodeId[];
  /** The user's fragment nodes per the mail map. */
  readonly fragmentNodes: readonly NodeId[];
  readonly loadOf: (node: NodeId) => number;
  /** A uniform integer in [0, n) (deterministic: drawn from the step's entropy). */
  readonly random: (n: number) => number;
  /**
   * Whether an all-overloaded spread may be widened (default true). Off for the further replicas of a
   * replicated store (replica-choice.ts): each copy would add a node to the spread, and the coordinator's
   * choice already moves the work to a lighter node.
   */
  readonly softSpread?: boolean;
  /**
   * This proxy's own stores in flight at a node (not yet answered). A spread counts as overloaded only where
   * the proxy has such first-hand, current evidence: a load sample alone may be seconds old, and in unsaturated
   * runs a node can show several pending writes around one delivery.
   */
  readonly outstandingOf?: (node: NodeId) => number;
}

export function chooseNode(c: ChoiceInput): NodeId {
  const n = c.members.length;
  switch (c.policy) {
    case 'static':
      return c.members[fnv1a32(c.user) % n];
    case 'random':
      return c.members[c.random(n)];
    case 'dynamic':
      return leastLoaded(c, dynamicCandidates(c));
  }
}

function dynamicCandidates(c: ChoiceInput): NodeId[] {
  const cands: NodeId[] = [];
  for (const f of c.fragmentNodes) if (c.members.includes(f) && !cands.includes(f)) cands.push(f);
  const target = Math.min(c.spread, c.members.length);
  while (cands.length < target) {
    // Start at a random member and walk to the first one not yet a candidate: uniform enough, no allocation.
    let i = c.random(c.members.length);
    while (cands.includes(c.members[i])) i = (i + 1) % c.members.length;
    cands.push(c.members[i]);
  }
  if (c.softSpread !== false && cands.length < c.members.length && allOverloaded(c, cands)) {
    // The lightest member (the escape from an all-slow spread; each proxy's own outstanding stores keep proxies
    // from herding onto it), then random others (the paper's random additions).
    cands.push(lightestMember(c, cands));
    const extra = Math.min(overloadExtraCandidates - 1, c.members.length - cands.length);
    for (let k = 0; k < extra; k++) {
      let i = c.random(c.members.length);
      while (cands.includes(c.members[i])) i = (i + 1) % c.members.length;
      cands.push(c.members[i]);
    }
  }
  return cands;
}

/** The least loaded member that is not a candidate yet (first in node order on ties). */
function lightestMember(c: ChoiceInput, cands: readonly NodeId[]): NodeId {
  let best: NodeId | undefined;
  let bestLoad = Infinity;
  for (const m of c.members) {
    if (cands.includes(m)) continue;
    const l = c.loadOf(m);
    if (l < bestLoad) {
      bestLoad = l;
      best = m;
    }
  }
  return best ?? c.members[0];
}

/**
 * Every candidate's load exceeds the lightest live member's by more than the margin, and this proxy has stores
 * in flight at each (first-hand evidence, see `outstandingOf`). Not the median: when most
 * disks are slow the median node is itself overloaded, and a hot user stuck on slow disks stayed there (found by
 * the 10,000-run sweep of property 4, docs/decisions.md).
 */
function allOverloaded(c: ChoiceInput, cands: readonly NodeId[]): boolean {
  let minCand = Infinity;
  for (const n of cands) {
    if (c.outstandingOf !== undefined && c.outstandingOf(n) === 0) return false;
    minCand = Math.min(minCand, c.loadOf(n));
  }
  if (minCand <= overloadMarginPending) return false; // cheap exit: the lightest load is at least 0
  let lightest = Infinity;
  for (const m of c.members) lightest = Math.min(lightest, c.loadOf(m));
  return minCand > lightest + overloadMarginPending;
}

/**
 * The least loaded candidate; among equally loaded ones, those where this proxy has the fewest stores in flight
 * (B2, case 7484 of the CI seed's sweep), then one at random. Equal figures are not equal evidence: a sampled
 * load was measured by the node itself (current as of its last reply), while this proxy's unanswered stores are
 * added on top of a sample taken before they were sent, and they are unanswered precisely where the disk is
 * slow. A tie between "sampled 2" and "sampled 0 + 2 of mine in flight" is a tie against a node whose real
 * queue this proxy cannot see: a slow disk kept winning such ties (one proxy placed three writes there before
 * its first reply) and its queue grew past one write per proxy.
 */
function leastLoaded(c: ChoiceInput, cands: readonly NodeId[]): NodeId {
  let best: NodeId[] = [];
  let bestLoad = Infinity;
  let bestOwn = Infinity;
  for (const node of cands) {
    const l = c.loadOf(node);
    const own = c.outstandingOf?.(node) ?? 0;
    if (l < bestLoad || (l === bestLoad && own < bestOwn)) {
      bestLoad = l;
      bestOwn = own;
      best = [node];
    } else if (l === bestLoad && own === bestOwn) best.push(node);
  }
  return best.length === 1 ? best[0] : best[c.random(best.length)];
}
