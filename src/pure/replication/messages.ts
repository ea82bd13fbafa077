// Replication RPCs between nodes (part of the node's Message union). The network may lose, duplicate or
// reorder any of them: a push is applied only if newer and always acknowledged, an ack or retire for an
// update we no longer track is ignored, so every handler is idempotent.
import type { Timestamp } from './hlc.js';
import type { ObjectId, Versioned } from './objects.js';
import type { NodeId } from '../types.js';

export type ReplicationMessage =
  /**
   * Pusher → target: the whole object (total update) and the targets not yet known to have it. `pusherPending`:
   * the pusher's own copy was not durable yet when it sent this (a coordinator pushes in parallel with its
   * write), so the target logs the update with the pusher among the remaining targets: should the pusher's
   * write be lost in a crash, the target's takeover pushes the version back to it.
   */
  | { readonly kind: 'replPush'; readonly object: Versioned; readonly remaining: readonly NodeId[]; readonly pusherPending?: true }
  /**
   * Target → pusher: I durably hold version `ts` of the object (the pushed one or newer). When it is newer,
   * `newer` carries it, so a pusher holding an outdated version (back from a crash) catches up.
   */
  | { readonly kind: 'replAck'; readonly objectId: ObjectId; readonly ts: Timestamp; readonly newer?: Versioned }
  /**
   * Target → pusher: my write of version `ts` (the one pushed) failed (a full disk), so no ack will come
   * soon. The pusher answers callers that can no longer reach ackReplicas copies at once (SMTP 452).
   */
  | { readonly kind: 'replNack'; readonly objectId: ObjectId; readonly ts: Timestamp }
  /** Pusher → targets: every target acknowledged; drop the log entry (and stop any takeover). */
  | { readonly kind: 'replRetire'; readonly objectId: ObjectId; readonly ts: Timestamp }
  /** A node back from a long outage asks another replica what it holds of an object. */
  | { readonly kind: 'replReconcile'; readonly objectId: ObjectId }
  /** Null: "I hold nothing" (never had it, or a delete retired long ago). `unsure`: I am quarantined myself. */
  | { readonly kind: 'replReconciled'; readonly objectId: ObjectId; readonly version: Versioned | null; readonly unsure: boolean };

export type ReplicationMessageKind = ReplicationMessage['kind'];

export const replicationMessageKinds: readonly ReplicationMessageKind[] = ['replPush', 'replAck', 'replNack', 'replRetire', 'replReconcile', 'replReconciled'];

export function isReplicationMessage(m: { readonly kind: string }): m is ReplicationMessage {
  return (replicationMessageKinds as readonly string[]).includes(m.kind);
}
