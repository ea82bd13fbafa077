// The receiving side of an update (PORCUPINE.md "Replication"): a replica applies a pushed version only if
// it is newer, logs it when other targets may still need it (so it can take over pushing), and
// acknowledges only once the object is durable here. It acknowledges stale and duplicate pushes too: an ack
// means "I durably hold this version or a newer one", which is all the pusher needs to stop.
import { compareNodeId, type NodeId } from '../types.js';
import { dropEntry, markRetired, noteApplied, onOwnCopyDurable, sendPushes, supersede } from './coordinator.js';
import { entryKey, type LogEntry } from './hard-state.js';
import { nackIfFailed } from './nack.js';
import { compareTimestamp, describeTimestamp, receive, timestampEquals, type Timestamp } from './hlc.js';
import { applyIfNewer, type LwwOutcome } from './lww.js';
import type { Versioned } from './objects.js';
import { newPush, persistRepl, sendRepl, setTimer, traceRepl, type Ctx, type Push, type ReplicationState } from './state.js';
import { pushTimer, takeoverTimer } from './timers.js';

function decide(ctx: Ctx, current: Versioned | undefined, object: Versioned): LwwOutcome {
  const outcome = applyIfNewer(current, object);
  // Seeded bug: overwrite whatever we hold, even with an older version.
  if (ctx.config.bugs.applyWithoutCompare && outcome.kind === 'stale') return { kind: 'applied', next: object, previous: current };
  return outcome;
}

export function onPush(ctx: Ctx, s0: ReplicationState, from: NodeId, pushed: Versioned, remaining: readonly NodeId[], pusherPending = false): ReplicationState {
  const s = { ...s0, clock: receive(s0.clock, ctx.env.now, pushed.ts) };
  const current = s.hard.objects.get(pushed.id);
  // Replicas known here but not to the update's coordinator (an older copy it never saw, e.g. a client's
  // retry stored the same message elsewhere) stay known, and we push the update to them ourselves.
  const replicas =
    current === undefined || ctx.config.bugs.forgetUnknownReplicas ? pushed.replicas : [...new Set([...pushed.replicas, ...current.replicas])].sort(compareNodeId);
  const object: Versioned = replicas.length === pushed.replicas.length ? pushed : { ...pushed, replicas };
  const outcome = decide(ctx, current, object);
  if (outcome.kind !== 'applied') {
    traceRepl(ctx, 'ReplIgnore', { node: ctx.self, objectId: object.id, ts: describeTimestamp(object.ts), why: outcome.kind });
    return ackWhenDurable(ctx, s, from, object);
  }
  // PORCUPINE.md: "every replica logs all updates; the last replica need not" (with 2 replicas only the
  // coordinator logs). We log when other targets still wait and we are not the last of them in node order,
  // so one participant besides the coordinator can take over pushing. A push sent before the pusher's own
  // copy was durable (parallel push) is always logged, with the pusher among the targets still owed it: if
  // the pusher crashes before its write lands, our takeover gives the version back to it (replicas converge).
  const others = remaining.filter((n) => n !== ctx.self && n !== from);
  const last = [...remaining].sort(compareNodeId).at(-1) === ctx.self;
  const owed = pusherPending ? [...others, from].sort(compareNodeId) : others;
  // A node outside the update's targets (a tombstone handed to a newcomer, B12) never logs: its takeover would
  // retire the targets' own entries while their pushes still wait for a replica that is down. The two rules do
  // not meet: a `pusherPending` push is the coordinator's early push of its own update (coordinator.ts
  // sendPushes), which goes to that update's replicas only, so it never reaches a node outside them; and a
  // handed-over tombstone is pushed by a node whose copy is durable, never early.
  const outside = !pushed.replicas.includes(ctx.self);
  const logIt = !outside && (pusherPending || (others.length > 0 && !last));
  const entry: LogEntry | undefined = logIt ? { ts: object.ts, objectId: object.id, targets: pushed.replicas, remaining: owed } : undefined;
  const key = entry === undefined ? undefined : entryKey(object.id, object.ts);
  traceRepl(ctx, 'ReplApply', { node: ctx.self, objectId: object.id, ts: describeTimestamp(object.ts), from });
  let next = persistRepl(ctx, s, { kind: 'replPut', object, entry }, { kind: 'put', objectId: object.id, ts: object.ts, key });
  next = noteApplied(ctx, next, object, current);
  next = supersede(ctx, next, object, current);
  next = pushToUnknownReplicas(next, object, pushed.replicas.concat(ctx.self, from));
  return ackWhenDurable(ctx, next, from, object);
}

/** A soft push (not logged, not announced) of `object` to the replicas its update did not target. */
function pushToUnknownReplicas(s: ReplicationState, object: Versioned, covered: readonly NodeId[]): ReplicationState {
  const extra = object.replicas.filter((n) => !covered.includes(n));
  if (extra.length === 0) return s;
  const p = s.pushes.get(object.id);
  const remaining = [...new Set([...(p?.remaining ?? []), ...extra])].sort(compareNodeId);
  const push: Push = p === undefined ? newPush({ objectId: object.id, ts: object.ts, remaining, selfDurable: false, announce: false }) : { ...p, remaining };
  return { ...s, pushes: s.pushes.set(object.id, push) };
}

/**
 * Ack after persist: the ack waits until no write of the object is in flight (the seeded bug skips the
 * wait), and names the version we then hold, which is the pushed one or newer.
 */
function ackWhenDurable(ctx: Ctx, s: ReplicationState, to: NodeId, object: Versioned): ReplicationState {
  if ((s.inflight.get(object.id) ?? 0) === 0 || ctx.config.bugs.ackBeforePersist) {
    sendAck(ctx, s, to, object.id, object.ts);
    return s;
  }
  if (nackIfFailed(ctx, s, to, object.id, object.ts)) return s;
  const queued = s.deferredAcks.get(object.id) ?? [];
  return { ...s, deferredAcks: s.deferredAcks.set(object.id, [...queued, { to, pushedTs: object.ts }]) };
}

function sendAck(ctx: Ctx, s: ReplicationState, to: NodeId, objectId: string, pushedTs: Timestamp): void {
  const held = s.hard.objects.get(objectId);
  if (held === undefined) return;
  // The pusher holds an outdated version (e.g. it was down while a newer update went round): hand it over.
  const newer = compareTimestamp(held.ts, pushedTs) > 0 ? held : undefined;
  sendRepl(ctx, to, newer === undefined ? { kind: 'replAck', objectId, ts: held.ts } : { kind: 'replAck', objectId, ts: held.ts, newer });
}

/** A write of `objectId` became durable: if it was the last one in flight, send the acks that waited for it. */
export function onObjectWriteDurable(ctx: Ctx, s: ReplicationState, objectId: string): ReplicationState {
  const left = (s.inflight.get(objectId) ?? 1) - 1;
  if (left > 0) return { ...s, inflight: s.inflight.set(objectId, left) };
  for (const a of s.deferredAcks.get(objectId) ?? []) sendAck(ctx, s, a.to, objectId, a.pushedTs);
  return { ...s, inflight: s.inflight.delete(objectId), deferredAcks: s.deferredAcks.delete(objectId) };
}

/** A version written here is durable: count our copy; if we logged someone else's update, watch it retire. */
export function onPutDurable(ctx: Ctx, s: ReplicationState, objectId: string, ts: Timestamp, key: string | undefined): ReplicationState {
  const entry = key === undefined ? undefined : s.hard.log.get(key);
  if (key !== undefined && entry !== undefined && entry.ts.node !== ctx.self) setTimer(ctx, takeoverTimer(key), ctx.config.limits.takeoverAfterMs);
  return onOwnCopyDurable(ctx, s, objectId, ts);
}

export function onRetireMsg(ctx: Ctx, s: ReplicationState, objectId: string, ts: Timestamp): ReplicationState {
  const key = entryKey(objectId, ts);
  let next = s;
  const p = s.pushes.get(objectId);
  if (p !== undefined && p.waiters.length === 0 && timestampEquals(p.ts, ts)) {
    // Another pusher (the coordinator, or a competing takeover) finished the job; nobody here waits on it.
    ctx.effects.push({ kind: 'cancelTimer', timer: pushTimer(objectId) });
    next = { ...next, pushes: next.pushes.delete(objectId) };
  }
  next = dropEntry(ctx, next, key);
  return markRetired(ctx, next, objectId, ts);
}

/** The coordinator has been silent too long: push the update ourselves (PORCUPINE.md: "some replica takes over"). */
export function onTakeover(ctx: Ctx, s: ReplicationState, key: string): ReplicationState {
  const entry = s.hard.log.get(key);
  if (entry === undefined) return s;
  const p = s.pushes.get(entry.objectId);
  if (p !== undefined && !timestampEquals(p.ts, entry.ts)) return dropEntry(ctx, s, key); // superseded meanwhile
  traceRepl(ctx, 'ReplTakeover', { node: ctx.self, objectId: entry.objectId, ts: describeTimestamp(entry.ts) });
  const others = entry.remaining.filter((n) => n !== ctx.self);
  // A soft push of the same version already running (replicas its coordinator did not know) widens to the entry's.
  const push: Push =
    p === undefined
      ? newPush({ objectId: entry.objectId, ts: entry.ts, remaining: others, selfDurable: true, announce: true })
      : { ...p, remaining: [...new Set([...p.remaining, ...others])].sort(compareNodeId), announce: true };
  return sendPushes(ctx, { ...s, pushes: s.pushes.set(entry.objectId, push) }, entry.objectId);
}
