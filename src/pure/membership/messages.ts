// The membership protocol's wire messages, its inputs and its effects (DESIGN.md §3–4). The node reducer
// wraps them: membership messages travel inside the node's Message union, timers are keyed
// `membership/<name>`, and the `installed` effect tells the node that the user map changed so it can
// rebuild soft state (src/pure/soft-state/reconstruct.ts).
import { compareNodeId, type Epoch, type NodeId } from '../types.js';
import type { BucketOwner } from '../user-map/reassign.js';

/** A proposed epoch; proposals are totally ordered by (epoch, coordinator) and the largest wins. */
export interface Proposal {
  readonly epoch: Epoch;
  readonly coordinator: NodeId;
}

/**
 * A view is identified by the proposal that made it, not by its epoch alone: two partitions can commit
 * the same epoch number under different coordinators, and must still see that their views differ.
 */
export type ViewId = Proposal;

export function viewIdOf(view: View): ViewId {
  return { epoch: view.epoch, coordinator: view.coordinator };
}

/** What round 3 installs everywhere: the membership, its epoch and the recomputed user map. */
export interface View {
  readonly epoch: Epoch;
  /** The node that committed this view; it probes non-members while the view lasts. */
  readonly coordinator: NodeId;
  /** In NodeId order; always contains the node holding the view. */
  readonly members: readonly NodeId[];
  readonly map: readonly BucketOwner[];
  /**
   * Members that some other member's previous view did not contain (or that restarted): their managers may
   * have forgotten them, so each of these reports all its fragments, as a node that just joined does.
   */
  readonly rejoined: readonly NodeId[];
}

export type MembershipMessage =
  /** Ring detection: a node pings its successor; the pong carries the responder's view id. */
  | { readonly kind: 'memPing'; readonly view: ViewId }
  | { readonly kind: 'memPong'; readonly view: ViewId }
  /** The coordinator's periodic probe of every known non-member (merges partitions, finds new nodes). */
  | { readonly kind: 'memProbe'; readonly view: ViewId }
  | { readonly kind: 'memProbeReply'; readonly view: ViewId }
  /** Round 1: the coordinator proposes a new epoch to every node it knows of. */
  | { readonly kind: 'memNewGroup'; readonly proposal: Proposal }
  /**
   * Round 2: accept. `fresh` = restarted and not yet in any view since (a new incarnation: its soft state
   * is gone); `map` is the acceptor's installed user map, absent when fresh (a fresh map means nothing);
   * `members` those of its installed view (absent when fresh); `view` that view's id (absent when fresh): an
   * acceptor behind the others may have missed a view that readmitted it (rounds.ts rejoinedMembers);
   * `known` the nodes it has heard of, so a coordinator that knew only a seed reaches the whole cluster.
   */
  | {
      readonly kind: 'memAccept';
      readonly proposal: Proposal;
      readonly fresh: boolean;
      readonly map: readonly BucketOwner[] | null;
      readonly members: readonly NodeId[] | null;
      readonly view: ViewId | null;
      readonly known: readonly NodeId[];
    }
  /** A refusal of a stale proposal, carrying the refuser's Lamport clock so the coordinator can outbid. */
  | { readonly kind: 'memNack'; readonly proposal: Proposal; readonly clock: number }
  /** Round 3: the new view. Also re-sent to a member seen still living in an older epoch. */
  | { readonly kind: 'memCommit'; readonly view: View };

export type MembershipTimer = 'ping' | 'probe' | 'start' | 'round' | 'commit';

export const membershipTimerPrefix = 'membership/';

export function membershipTimerKey(t: MembershipTimer): string {
  return membershipTimerPrefix + t;
}

export type MembershipInput =
  | { readonly kind: 'message'; readonly from: NodeId; readonly message: MembershipMessage }
  | { readonly kind: 'timer'; readonly timer: MembershipTimer }
  /** An RPC of the node to `peer` timed out (PORCUPINE.md: detection by RPC timeouts). */
  | { readonly kind: 'peerSuspected'; readonly peer: NodeId };

export type MembershipEffect =
  | { readonly kind: 'send'; readonly to: NodeId; readonly message: MembershipMessage }
  | { readonly kind: 'setTimer'; readonly timer: MembershipTimer; readonly afterMs: number }
  | { readonly kind: 'cancelTimer'; readonly timer: MembershipTimer }
  | { readonly kind: 'trace'; readonly action: string; readonly args: Readonly<Record<string, unknown>> }
  /**
   * A new view is in force. `selfJustJoined`: the first view this incarnation installs, or one that lists
   * this node as rejoined, so every bucket counts as changed for its reports (DESIGN.md §4).
   */
  | { readonly kind: 'installed'; readonly previous: View; readonly view: View; readonly selfJustJoined: boolean };

export function isMembershipMessage(m: { readonly kind: string }): m is MembershipMessage {
  return m.kind.startsWith('mem') && membershipKinds.has(m.kind);
}

const membershipKinds = new Set<string>([
  'memPing',
  'memPong',
  'memProbe',
  'memProbeReply',
  'memNewGroup',
  'memAccept',
  'memNack',
  'memCommit',
]);

/** Proposal order: epoch first, then coordinator in NodeId order (ties between simultaneous proposers). */
export function compareProposal(a: Proposal, b: Proposal): number {
  return a.epoch - b.epoch || compareNodeId(a.coordinator, b.coordinator);
}
