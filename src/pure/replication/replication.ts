// The replication manager (PORCUPINE.md "Modules", back end): one entry point, `stepReplication`, for
// everything that happens to it; `bootReplication` builds it from the hard state at (re)start.
// Protocol summary and the choices where the paper is silent: docs/replication.md.
import { assertNever } from '../assert.js';
import type { PersistId, TimerKey } from '../io.js';
import { PMap } from '../pmap.js';
import type { Env, NodeId } from '../types.js';
import { noBugs } from './bugs.js';
import { onAck, onUpdate, sendPushes, type UpdateRequest } from './coordinator.js';
import type { ReplicationHard } from './hard-state.js';
import { timestampEquals, zeroHlc } from './hlc.js';
import { checkReplicationLimits, defaultReplicationLimits } from './limits.js';
import { onAliveTimer, onBoot, onContact, onGcTimer, onMembersJoined, onReconcile, onReconciled, onReconcileTimer } from './maintenance.js';
import type { ReplicationMessage } from './messages.js';
import type { ObjectId, Versioned } from './objects.js';
import { nackDeferred, onNack, storageFailureReason } from './nack.js';
import { onObjectWriteDurable, onPush, onPutDurable, onRetireMsg, onTakeover } from './participant.js';
import { newCtx, traceRepl, type Ctx, type ReplicationConfig, type ReplicationState, type ReplicationStep } from './state.js';
import { parseReplicationTimer } from './timers.js';

export type ReplicationInput =
  /** A local call at the coordinator: the mailbox or user DB starts an update of one object. */
  | { readonly kind: 'update'; readonly request: UpdateRequest }
  | { readonly kind: 'message'; readonly from: NodeId; readonly message: ReplicationMessage }
  | { readonly kind: 'timer'; readonly timer: TimerKey }
  | { readonly kind: 'persisted'; readonly id: PersistId }
  /** A write of ours could not be made durable (a full disk). */
  | { readonly kind: 'persistFailed'; readonly id: PersistId }
  /** The node installed a view with members that were not in its previous one (B12: a healed partition). */
  | { readonly kind: 'membersJoined'; readonly nodes: readonly NodeId[]; readonly members: readonly NodeId[] }
  /**
   * The node installed a view: `inTouch` tells whether it holds a majority of the cluster's nodes (B15: a node cut
   * off from the others longer than the log retention rejoins as new, like one that was down that long).
   */
  | { readonly kind: 'contact'; readonly inTouch: boolean };

export const defaultReplicationConfig: ReplicationConfig = { limits: defaultReplicationLimits, bugs: noBugs };

/**
 * (Re)start from the hard state read back from disk; all soft state is fresh. `persistIdStart` (negative)
 * lets the node keep this module's persist ids apart from its own and from those of earlier incarnations.
 */
/**
 * `inTouch`: whether the node starts in contact with a majority of the cluster (its alive mark advances). The node
 * passes false (it has no view yet: node-glue.ts); drivers of the manager alone, which have no views, keep the default.
 */
export function bootReplication(self: NodeId, hard: ReplicationHard, env: Env, config: ReplicationConfig = defaultReplicationConfig, persistIdStart = -1, inTouch = true): ReplicationStep {
  checkReplicationLimits(config.limits);
  const s: ReplicationState = {
    self,
    config,
    hard,
    clock: zeroHlc,
    pushes: PMap.empty(),
    pending: PMap.empty(),
    inflight: PMap.empty(),
    deferredAcks: PMap.empty(),
    tombstones: PMap.empty(),
    retiredAtMs: PMap.empty(),
    reconcileNulls: PMap.empty(),
    inTouch,
    nextPersistId: Math.min(-1, persistIdStart),
  };
  const ctx = newCtx(s, env);
  return finish(ctx, onBoot(ctx, s));
}

export function stepReplication(state: ReplicationState, input: ReplicationInput, env: Env): ReplicationStep {
  const ctx = newCtx(state, env);
  return finish(ctx, route(ctx, state, input));
}

function finish(ctx: Ctx, state: ReplicationState): ReplicationStep {
  return { state, effects: ctx.effects, events: ctx.events };
}

function route(ctx: Ctx, s: ReplicationState, input: ReplicationInput): ReplicationState {
  switch (input.kind) {
    case 'update':
      return onUpdate(ctx, s, input.request);
    case 'message':
      return onMessage(ctx, s, input.from, input.message);
    case 'timer':
      return onTimer(ctx, s, input.timer);
    case 'persisted':
      return onPersisted(ctx, s, input.id);
    case 'persistFailed':
      return onPersistFailed(ctx, s, input.id);
    case 'membersJoined':
      return onMembersJoined(ctx, s, input.nodes, input.members);
    case 'contact':
      return onContact(ctx, s, input.inTouch);
  }
  return assertNever(input, 'replication input');
}

function onMessage(ctx: Ctx, s: ReplicationState, from: NodeId, m: ReplicationMessage): ReplicationState {
  switch (m.kind) {
    case 'replPush':
      return onPush(ctx, s, from, m.object, m.remaining, m.pusherPending === true);
    case 'replAck':
      // A newer version handed back by the target is applied first (as a push from it, nothing to log).
      return onAck(ctx, m.newer === undefined ? s : onPush(ctx, s, from, m.newer, []), from, m.objectId, m.ts);
    case 'replNack':
      return onNack(ctx, s, from, m.objectId, m.ts);
    case 'replRetire':
      return onRetireMsg(ctx, s, m.objectId, m.ts);
    case 'replReconcile':
      return onReconcile(ctx, s, from, m.objectId);
    case 'replReconciled':
      return onReconciled(ctx, s, from, m.objectId, m.version, m.unsure);
  }
  return assertNever(m, 'replication message');
}

function onTimer(ctx: Ctx, s: ReplicationState, timer: TimerKey): ReplicationState {
  const t = parseReplicationTimer(timer);
  if (t === undefined) return s;
  switch (t.kind) {
    case 'push':
      return sendPushes(ctx, s, t.key);
    case 'takeover':
      return onTakeover(ctx, s, t.key);
    case 'gc':
      return onGcTimer(ctx, s);
    case 'alive':
      return onAliveTimer(ctx, s);
    case 'reconcile':
      return onReconcileTimer(ctx, s);
  }
  return assertNever(t, 'replication timer');
}

export function ownsPersist(s: ReplicationState, id: PersistId): boolean {
  return s.pending.has(id);
}

function onPersisted(ctx: Ctx, s0: ReplicationState, id: PersistId): ReplicationState {
  const w = s0.pending.get(id);
  if (w === undefined) return s0;
  // First in the step: the simulator records every event of a step with the state after it, so the step's
  // change to the durable mailbox view must show on this event, not on a later one (docs/spec.md).
  if (w.mail !== undefined) traceRepl(ctx, 'ReplPersist', { node: ctx.self, user: w.mail.user, msgId: w.mail.msgId, kind: w.mail.kind, ts: w.mail.ts });
  let s: ReplicationState = { ...s0, pending: s0.pending.delete(id) };
  if (w.objectId !== undefined) s = onObjectWriteDurable(ctx, s, w.objectId);
  switch (w.kind) {
    case 'put':
      return onPutDurable(ctx, s, w.objectId, w.ts, w.key);
    case 'other':
      return s;
  }
  return assertNever(w, 'pending write');
}

/**
 * A write failed. Its `inflight` count is deliberately kept: acks for the object stay deferred, so no node is
 * ever told this copy is durable (a duplicate push would otherwise be acked from memory). The pushers whose
 * acks waited for the write hear `replNack` (nack.ts), so their callers answer 452 at once. The update we
 * coordinate whose own copy failed is rejected with reason 'storage' (its caller answers 452); the runtime
 * reboots the node from disk once writes succeed again, which drops this soft state.
 */
function onPersistFailed(ctx: Ctx, s0: ReplicationState, id: PersistId): ReplicationState {
  const w = s0.pending.get(id);
  if (w === undefined) return s0;
  let s: ReplicationState = { ...s0, pending: s0.pending.delete(id) };
  if (w.objectId !== undefined) s = nackDeferred(ctx, s, w.objectId);
  if (w.kind !== 'put') return s;
  const p = s.pushes.get(w.objectId);
  if (p === undefined || p.selfDurable || !timestampEquals(p.ts, w.ts)) return s;
  for (const waiter of p.waiters) ctx.events.push({ kind: 'rejected', ref: waiter.ref, reason: storageFailureReason });
  return { ...s, pushes: s.pushes.delete(w.objectId) };
}

/** The `rejected` reason of an update whose copies cannot all be written (nack.ts). */
export { storageFailureReason };

/** The version a reader may see: quarantined replicas (stale rejoin) are invisible until reconciled. */
export function readObject(s: ReplicationState, id: ObjectId): Versioned | undefined {
  return s.hard.quarantine.has(id) ? undefined : s.hard.objects.get(id);
}
