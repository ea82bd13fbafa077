// A participant that cannot write a pushed version (a full disk) says so at once (`replNack`), and the pusher
// answers the callers that can no longer reach ackReplicas durable copies with a temporary failure (SMTP 452,
// issue 8), instead of leaving them to the proxy's RPC timeout (451 after seconds). The push itself goes on
// with its backoff: the participant reboots from its disk once writes succeed again and then acknowledges.
import { PMap } from '../pmap.js';
import type { NodeId } from '../types.js';
import { compareTimestamp, type Timestamp } from './hlc.js';
import type { ObjectId } from './objects.js';
import { sendRepl, type Ctx, type ReplicationState, type Waiter } from './state.js';

/** The `rejected` reason of an update that cannot get its durable copies because a disk refused a write. */
export const storageFailureReason = 'storage';

/**
 * A write of `objectId` failed here: every pusher whose ack waited for it hears `replNack` now. The object's
 * `inflight` count stays (replication.ts onPersistFailed): later pushes of it wait until the node reboots.
 */
export function nackDeferred(ctx: Ctx, s: ReplicationState, objectId: ObjectId): ReplicationState {
  const failedWrites = (s.failedWrites ?? PMap.empty<true>()).set(objectId, true);
  const deferred = s.deferredAcks.get(objectId);
  if (deferred === undefined) return { ...s, failedWrites };
  for (const a of deferred) if (a.to !== ctx.self) sendRepl(ctx, a.to, { kind: 'replNack', objectId, ts: a.pushedTs });
  return { ...s, failedWrites, deferredAcks: s.deferredAcks.delete(objectId) };
}

/**
 * A push (a retry, or the client's retry of the same message) of an object whose write already failed here:
 * its ack would wait for the reboot, so nack at once. True when it did.
 */
export function nackIfFailed(ctx: Ctx, s: ReplicationState, to: NodeId, objectId: ObjectId, pushedTs: Timestamp): boolean {
  if (s.failedWrites?.has(objectId) !== true || to === ctx.self) return false;
  sendRepl(ctx, to, { kind: 'replNack', objectId, ts: pushedTs });
  return true;
}

/**
 * `from` could not write version `ts` of the object. A waiter that a copy of `ts` would have served (its
 * version is not newer) and that can no longer collect `ackNeeded` copies from the targets that have not
 * refused is rejected (its caller answers 452); the others keep waiting. The push goes on (with backoff).
 */
export function onNack(ctx: Ctx, s: ReplicationState, from: NodeId, objectId: ObjectId, ts: Timestamp): ReplicationState {
  const p = s.pushes.get(objectId);
  if (p === undefined || !p.remaining.includes(from) || compareTimestamp(p.ts, ts) !== 0) return s; // late, duplicate, or already acked
  const refused = p.refused?.includes(from) === true ? p.refused : [...(p.refused ?? []), from];
  const othersToCome = (w: Waiter): number => p.remaining.filter((n) => !w.copies.includes(n) && !refused.includes(n)).length;
  const selfToCome = (w: Waiter): number => (p.selfDurable || w.copies.includes(ctx.self) ? 0 : 1);
  const waiters: Waiter[] = [];
  for (const w of p.waiters) {
    if (w.copies.length + selfToCome(w) + othersToCome(w) >= w.ackNeeded) waiters.push(w);
    else ctx.events.push({ kind: 'rejected', ref: w.ref, reason: storageFailureReason });
  }
  return { ...s, pushes: s.pushes.set(objectId, { ...p, waiters, refused }) };
}

/** True while a target of the object's push has refused its write: a retry of the update cannot be acked soon. */
export function pushRefused(s: ReplicationState, objectId: ObjectId): boolean {
  const p = s.pushes.get(objectId);
  return p?.refused?.some((n) => p.remaining.includes(n)) === true;
}
