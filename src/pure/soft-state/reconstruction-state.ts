// The node's soft-state reconstruction slice as the node state holds it (node-state.ts composes it); the
// steps that use it are in reconstruct-node.ts. Kept apart so the slice's state does not import the node.
import { PMap } from '../pmap.js';
import type { ViewId } from '../membership/messages.js';
import type { Bucket, NodeId } from '../types.js';
import type { ReconstructionMessage } from './reconstruct-messages.js';

export type Report = Extract<ReconstructionMessage, { kind: 'softStateReport' }>;

/** Buckets still to be reported to one manager, and the newest view that added any. */
export interface Outbound {
  readonly view: ViewId;
  readonly buckets: readonly Bucket[];
}

export interface ReconstructionState {
  /** Reports not yet acknowledged, by manager. */
  readonly outbound: PMap<Outbound>;
  /** Reports made in a view this node has not installed yet: applied when it does. */
  readonly stash: readonly { readonly from: NodeId; readonly report: Report }[];
  /**
   * The stamp of the last report applied (or stashed) per reporter: an older one is a late duplicate and
   * is dropped unacknowledged (a genuine retry carries a fresh stamp).
   */
  readonly lastStamp: PMap<number>;
  readonly retryArmed: boolean;
  /** Reports sent (first sends and retries), for the cost table of docs/membership.md. */
  readonly reportsSent: number;
}

export function emptyReconstructionState(): ReconstructionState {
  return { outbound: PMap.empty(), stash: [], lastStamp: PMap.empty(), retryArmed: false, reportsSent: 0 };
}
