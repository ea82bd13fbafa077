// Messages of soft-state reconstruction (reconstruct-node.ts): a node's report to a new manager and the
// manager's acknowledgement. Reports are retried until acknowledged, because reconstruction is the only
// way a manager learns about fragments stored before it took the bucket over.
import type { ViewId } from '../membership/messages.js';
import type { Bucket, UserId } from '../types.js';

export type ReconstructionMessage =
  /**
   * In the reported `buckets` (all managed by the receiver in the reporter's `view`), the reporter holds a
   * non-empty fragment of exactly `users` and reports these `profiles`. `stamp` orders the report with the
   * reporter's mail-map notices and earlier reports (same counter), so none can undo a newer other.
   */
  | {
      readonly kind: 'softStateReport';
      readonly view: ViewId;
      readonly stamp: number;
      readonly buckets: readonly Bucket[];
      readonly users: readonly UserId[];
      readonly profiles: readonly { readonly user: UserId; readonly verifier: string }[];
    }
  | { readonly kind: 'softStateReportAck'; readonly view: ViewId };

export type ReconstructionMessageKind = ReconstructionMessage['kind'];
