// The membership state of one node, how it starts, and its canonical one-line rendering.
import { assert } from '../assert.js';
import type { Epoch, NodeId } from '../types.js';
import type { BucketOwner } from '../user-map/reassign.js';
import { sortedNodes } from '../user-map/reassign.js';
import { noMembershipBugs, type MembershipBugs } from './bugs.js';
import { defaultMembershipLimits, type MembershipLimits } from './limits.js';
import type { Proposal, View, ViewId } from './messages.js';

/** One answer collected in round 2 (the coordinator's own counts as the first). */
export interface Acceptance {
  readonly node: NodeId;
  readonly fresh: boolean;
  readonly map: readonly BucketOwner[] | null;
  readonly members: readonly NodeId[] | null;
  /** The id of the acceptor's installed view (null when fresh). */
  readonly view: ViewId | null;
}

export type Phase =
  | { readonly kind: 'idle' }
  /** This node proposed `proposal` and collects acceptances until the round timer fires. */
  | { readonly kind: 'coordinating'; readonly proposal: Proposal; readonly accepts: readonly Acceptance[] }
  /** This node accepted `proposal` and waits for its commit (round 3) until the commit timer fires. */
  | { readonly kind: 'accepted'; readonly proposal: Proposal };

export interface MembershipState {
  readonly self: NodeId;
  readonly limits: MembershipLimits;
  /** Seeded bugs for the mutation tests (bugs.ts); `noMembershipBugs` everywhere else. */
  readonly bugs: MembershipBugs;
  /** Lamport clock over every epoch seen; a new proposal is one more than it (DESIGN.md §4). */
  readonly clock: number;
  /** The view in force. At boot a provisional epoch-0 view over the seeds, until the first install. */
  readonly view: View;
  /** False until this incarnation installs its first view: a fresh node serves no soft state. */
  readonly joined: boolean;
  /** Every node heard of (seeds, senders, members of views), minus self, in NodeId order. */
  readonly known: readonly NodeId[];
  /** The largest proposal accepted and not yet covered by an installed view. */
  readonly promised: Proposal | null;
  readonly phase: Phase;
  /** A change was detected and no view has been installed since; the `start` timer will propose. */
  readonly wantRound: boolean;
  readonly startPending: boolean;
  /** Consecutive pings to the current successor not yet answered. */
  readonly pingsUnanswered: number;
  /**
   * Members whose RPCs timed out: pinged with the successor at every ping tick until they answer, and a
   * change after `pingMisses` silent ticks. WHY not a round at once: a lost reply under message loss would
   * otherwise cost a whole round (and may exclude a live node whose accept is lost too).
   */
  readonly suspects: readonly { readonly node: NodeId; readonly unanswered: number }[];
}

/**
 * The state at boot: a provisional epoch-0 view over `seeds` (plus self) with `initialMap`, which lets a
 * freshly started cluster route requests at once; the node is not `joined` and wants a round, because a
 * (re)started node is a new incarnation that must be admitted by a view (DESIGN.md §4).
 */
export function initialMembership(
  self: NodeId,
  seeds: readonly NodeId[],
  initialMap: readonly BucketOwner[],
  limits: MembershipLimits = defaultMembershipLimits,
  bugs: MembershipBugs = noMembershipBugs,
): MembershipState {
  const members = sortedNodes([...seeds, self]);
  return {
    self,
    limits,
    bugs,
    clock: 0,
    view: { epoch: 0, coordinator: members[0], members, map: initialMap, rejoined: [] },
    joined: false,
    known: members.filter((n) => n !== self),
    promised: null,
    phase: { kind: 'idle' },
    wantRound: true,
    startPending: false,
    pingsUnanswered: 0,
    suspects: [],
  };
}

/** The next member after self in NodeId order, wrapping around; undefined when self is alone. */
export function successorOf(view: View, self: NodeId): NodeId | undefined {
  if (view.members.length <= 1) return undefined;
  const i = view.members.indexOf(self);
  assert(i >= 0, `${self} holds a view without itself: ${view.members.join(',')}`);
  return view.members[(i + 1) % view.members.length];
}

export function withKnown(state: MembershipState, nodes: readonly NodeId[]): MembershipState {
  const add = nodes.filter((n) => n !== state.self && !state.known.includes(n));
  if (add.length === 0) return state;
  return { ...state, known: sortedNodes([...state.known, ...add]) };
}

export function withClock(state: MembershipState, epoch: Epoch): MembershipState {
  return epoch > state.clock ? { ...state, clock: epoch } : state;
}

function describeProposal(p: Proposal): string {
  return `${p.epoch}@${p.coordinator}`;
}

/** Canonical one-line rendering for traces and golden scenario tests (STYLE.md habit 3). */
export function describeMembership(s: MembershipState): string {
  const phase =
    s.phase.kind === 'idle'
      ? 'idle'
      : s.phase.kind === 'accepted'
        ? `accepted(${describeProposal(s.phase.proposal)})`
        : `coordinating(${describeProposal(s.phase.proposal)} by ${s.phase.accepts.map((a) => a.node).join(',')})`;
  const flags = [s.joined ? '' : 'fresh', s.wantRound ? 'want' : ''].filter((f) => f !== '').join(',');
  return (
    `${s.self} e=${s.view.epoch} coord=${s.view.coordinator} members=[${s.view.members.join(',')}] ` +
    `clock=${s.clock} ${phase}${flags === '' ? '' : ` {${flags}}`}`
  );
}

/** Compact rendering of a user map: runs of buckets per manager, e.g. `0-84:n1 85-169:n2 170-255:n3`. */
export function describeMap(map: readonly BucketOwner[]): string {
  const runs: string[] = [];
  let start = 0;
  for (let b = 1; b <= map.length; b++) {
    if (b === map.length || map[b].node !== map[start].node) {
      runs.push(`${start === b - 1 ? start : `${start}-${b - 1}`}:${map[start].node}`);
      start = b;
    }
  }
  return runs.join(' ');
}
