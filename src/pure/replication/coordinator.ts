// The pushing side of an update (PORCUPINE.md "Replication": the first replica coordinates, pushes the
// object and log entry to each remaining replica, retries until all acknowledged, then retires the entry).
// The same code serves a participant that took over pushing from a silent coordinator.
import { compareNodeId, type NodeId } from '../types.js';
import { entryKey } from './hard-state.js';
import { compareTimestamp, describeTimestamp, stamp, tick, timestampEquals, type Timestamp } from './hlc.js';
import { applyIfNewer } from './lww.js';
import { isTombstone, objectIdOf, type ObjectValue, type Versioned } from './objects.js';
import { newPush, persistRepl, sendRepl, setTimer, traceRepl, type Ctx, type Push, type ReplicationState, type Waiter } from './state.js';
import { pushBackoffMs, pushTimer, takeoverTimer } from './timers.js';

export interface UpdateRequest {
  /** Echoed in the `durable` event (the node's pending RPC or proxy transaction). */
  readonly ref: string;
  readonly value: ObjectValue;
  /** The replicas chosen by the load balancer; must include this node (the coordinator is a replica). */
  readonly targets: readonly NodeId[];
  /** Copies durable before `durable` is reported; default min(2, R); 1 is the paper's mode. */
  readonly ackReplicas: number;
}

function uniqueSorted(nodes: readonly NodeId[]): NodeId[] {
  return [...new Set(nodes)].sort(compareNodeId);
}

/** Start an update at its coordinator (this node): new timestamp, persist + apply, and push in parallel. */
export function onUpdate(ctx: Ctx, s: ReplicationState, req: UpdateRequest): ReplicationState {
  if (!req.targets.includes(ctx.self)) return reject(ctx, s, req.ref, 'coordinator is not one of the targets');
  const id = objectIdOf(req.value);
  if (s.hard.quarantine.has(id)) return reject(ctx, s, req.ref, 'object is being reconciled');
  const current = s.hard.objects.get(id);
  // A later update keeps every replica of the version it supersedes (a delete reaches all copies).
  const targets = uniqueSorted([...req.targets, ...(current?.replicas ?? [])]);
  const clock = tick(s.clock, ctx.env.now);
  const ts = stamp(clock, ctx.self);
  const object: Versioned = { id, ts, value: req.value, replicas: targets };
  // The HLC is above every timestamp this node has seen, including `current`'s: a new update always wins.
  if (applyIfNewer(current, object).kind !== 'applied') return reject(ctx, { ...s, clock }, req.ref, 'clock behind the stored version');
  const remaining = targets.filter((n) => n !== ctx.self);
  const entry = remaining.length === 0 ? undefined : { ts, objectId: id, targets, remaining };
  const key = entry === undefined ? undefined : entryKey(id, ts);
  traceRepl(ctx, 'ReplUpdate', { node: ctx.self, objectId: id, ts: describeTimestamp(ts), targets, kind: req.value.kind });
  let next = persistRepl(ctx, { ...s, clock }, { kind: 'replPut', object, entry }, { kind: 'put', objectId: id, ts, key });
  next = noteApplied(ctx, next, object, current);
  next = supersede(ctx, next, object, current);
  // Distinct nodes that report the version durable (our persist, participants' acks after theirs). Callers
  // that must not accept fewer copies than ackReplicas (stores, B6) check the targets before asking.
  // Seeded bug: our copy counted at once, before the write is durable.
  const copies = ctx.config.bugs.coordinatorAckBeforePersist === true ? [ctx.self] : [];
  const waiter: Waiter = { ref: req.ref, ts, ackNeeded: Math.max(1, Math.min(req.ackReplicas, targets.length)), copies };
  const old = next.pushes.get(id);
  // Push at once, in parallel with our own write (docs/replication.md "Parallel push"): the 250 still waits for
  // our copy (notifyWaiters), but no longer for our fsync before the participants' fsyncs start.
  const push: Push = newPush({ objectId: id, ts, remaining, selfDurable: false, waiters: [...(old?.waiters ?? []), waiter], announce: true, early: true });
  return sendPushes(ctx, { ...next, pushes: next.pushes.set(id, push) }, id);
}

function reject(ctx: Ctx, s: ReplicationState, ref: string, reason: string): ReplicationState {
  ctx.events.push({ kind: 'rejected', ref, reason });
  return s;
}

/** Bookkeeping when a version becomes the local replica: the tombstone index and the node's views. */
export function noteApplied(ctx: Ctx, s: ReplicationState, object: Versioned, previous: Versioned | undefined): ReplicationState {
  ctx.events.push({ kind: 'applied', version: object, previous });
  const tombstones = isTombstone(object) ? s.tombstones.set(object.id, true) : s.tombstones.delete(object.id);
  return { ...s, tombstones, retiredAtMs: s.retiredAtMs.delete(object.id) };
}

/**
 * A newer version of an object makes older log entries for it pointless: the newer update goes to a superset
 * of their targets (see onUpdate). Dropping them stops old pushes for good, which is what lets a tombstone be
 * collected safely once its delete retires (docs/replication.md). A push in progress keeps going (soft
 * only) with the newer version, so callers waiting on the older update still get their answer.
 */
export function supersede(ctx: Ctx, s: ReplicationState, object: Versioned, previous: Versioned | undefined): ReplicationState {
  // Older entries exist only where an older version was applied here: skip the scan for a first version.
  if (previous === undefined) return s;
  // A scan of the whole log, once per newer version: POP's QUIT supersedes thousands of stores in one go, so it
  // visits in place (forEach) rather than copying the log into an array first (entries()) for each of them.
  const older: string[] = [];
  s.hard.log.forEach((e, key) => {
    if (e.objectId === object.id && !timestampEquals(e.ts, object.ts)) older.push(key);
  });
  let next = s;
  for (const key of older) next = dropEntry(ctx, next, key);
  const p = next.pushes.get(object.id);
  if (p !== undefined && compareTimestamp(p.ts, object.ts) < 0) {
    // The callers keep waiting and count copies of the newer version (addCopy: a copy of version >= theirs).
    // For a store superseded by its delete (B5) this is the truthful answer: the message was delivered and
    // its recipient read it; ackReplicas nodes now durably hold its fate, and the client does not retry.
    next = { ...next, pushes: next.pushes.set(object.id, { ...p, ts: object.ts, selfDurable: false, waiters: p.waiters, announce: false, early: false }) };
  }
  return next;
}

export function dropEntry(ctx: Ctx, s: ReplicationState, key: string): ReplicationState {
  ctx.effects.push({ kind: 'cancelTimer', timer: takeoverTimer(key) });
  if (!s.hard.log.has(key)) return s;
  return persistRepl(ctx, s, { kind: 'replLogDrop', key }, { kind: 'other', objectId: undefined });
}

/**
 * Our copy of version `ts` is durable: count it for the waiters, and start pushing (a push that waited for it)
 * or retire (a push sent early, in parallel with the write, whose targets have all acknowledged meanwhile).
 */
export function onOwnCopyDurable(ctx: Ctx, s: ReplicationState, objectId: string, ts: Timestamp): ReplicationState {
  const p = s.pushes.get(objectId);
  if (p === undefined) return s;
  const waiters = addCopy(p.waiters, ctx.self, ts);
  const selfDurable = p.selfDurable || timestampEquals(p.ts, ts);
  const next = notifyWaiters(ctx, { ...s, pushes: s.pushes.set(objectId, { ...p, waiters, selfDurable }) }, objectId);
  const q = next.pushes.get(objectId);
  if (q === undefined) return next;
  // Already pushed: the retry timer re-pushes to silent targets; only the retirement waited for our copy.
  if (q.early && q.attempt > 0) return q.remaining.length === 0 && q.selfDurable ? retire(ctx, next, q) : next;
  return sendPushes(ctx, next, objectId);
}

function addCopy(waiters: readonly Waiter[], node: NodeId, ts: Timestamp): readonly Waiter[] {
  return waiters.map((w) => (compareTimestamp(w.ts, ts) <= 0 && !w.copies.includes(node) ? { ...w, copies: [...w.copies, node] } : w));
}

/**
 * A caller's update is done once `ackNeeded` distinct nodes hold it durably, this node among them: the
 * coordinator's own copy always counts (an update we could not write here is refused, SMTP 452, even if
 * participants hold it), so with pushes sent in parallel the 250 still means "our copy plus ackNeeded - 1".
 */
function enoughCopies(ctx: Ctx, w: Waiter): boolean {
  return w.copies.length >= w.ackNeeded && w.copies.includes(ctx.self);
}

/** Tell every caller whose update now has enough durable copies (SMTP 250 waits for this). */
export function notifyWaiters(ctx: Ctx, s: ReplicationState, objectId: string): ReplicationState {
  const p = s.pushes.get(objectId);
  if (p === undefined) return s;
  const done = p.waiters.filter((w) => enoughCopies(ctx, w));
  if (done.length === 0) return s;
  for (const w of done) {
    ctx.events.push({ kind: 'durable', ref: w.ref, objectId, ts: w.ts });
    traceRepl(ctx, 'ReplDurable', { node: ctx.self, objectId, ts: describeTimestamp(w.ts), copies: w.copies.length });
  }
  return { ...s, pushes: s.pushes.set(objectId, { ...p, waiters: p.waiters.filter((w) => !enoughCopies(ctx, w)) }) };
}

/**
 * Push to every target that has not acknowledged, and arm the retry (capped exponential backoff). A push waits
 * for our own copy to be durable, except the coordinator's of its own update (`early`): that one goes out with
 * the write, marked `pusherPending` so the targets log it and can hand it back should our write be lost.
 */
export function sendPushes(ctx: Ctx, s: ReplicationState, objectId: string): ReplicationState {
  const p = s.pushes.get(objectId);
  if (p === undefined || !(p.selfDurable || p.early)) return s;
  const object = s.hard.objects.get(objectId);
  if (object === undefined || !timestampEquals(object.ts, p.ts)) {
    // The version was collected or reconciled away meanwhile: nothing left to push.
    ctx.effects.push({ kind: 'cancelTimer', timer: pushTimer(objectId) });
    return { ...s, pushes: s.pushes.delete(objectId) };
  }
  if (p.remaining.length === 0) return p.selfDurable ? retire(ctx, s, p) : s; // retired once our copy is durable
  if (p.attempt > 0 && ctx.config.bugs.neverRetry) return s; // seeded bug: the silent replica is abandoned
  const pending = p.selfDurable ? {} : ({ pusherPending: true } as const);
  for (const to of p.remaining) sendRepl(ctx, to, { kind: 'replPush', object, remaining: p.remaining, ...pending });
  const { pushRetryMs, pushRetryMaxMs } = ctx.config.limits;
  setTimer(ctx, pushTimer(objectId), pushBackoffMs(p.attempt, pushRetryMs, pushRetryMaxMs));
  return { ...s, pushes: s.pushes.set(objectId, { ...p, attempt: p.attempt + 1 }) };
}

/** `from` durably holds version `ts` (or newer) of the object. */
export function onAck(ctx: Ctx, s: ReplicationState, from: NodeId, objectId: string, ts: Timestamp): ReplicationState {
  const p = s.pushes.get(objectId);
  if (p === undefined) return s; // late or duplicate ack for a retired push
  const remaining = compareTimestamp(ts, p.ts) >= 0 ? p.remaining.filter((n) => n !== from) : p.remaining;
  const next = notifyWaiters(ctx, { ...s, pushes: s.pushes.set(objectId, { ...p, remaining, waiters: addCopy(p.waiters, from, ts) }) }, objectId);
  const q = next.pushes.get(objectId);
  return q !== undefined && q.remaining.length === 0 && q.selfDurable ? retire(ctx, next, q) : next;
}

/** Every target acknowledged: drop the entry here and tell the targets that may have logged it. */
function retire(ctx: Ctx, s: ReplicationState, p: Push): ReplicationState {
  traceRepl(ctx, 'ReplRetire', { node: ctx.self, objectId: p.objectId, ts: describeTimestamp(p.ts) });
  const key = entryKey(p.objectId, p.ts);
  const entry = s.hard.log.get(key);
  // Only the pusher of the logged update announces: a soft push (superseded callers, replicas the update's
  // coordinator did not know of) covered only some targets, and must not retire the others' entries.
  if (p.announce) for (const to of entry?.targets ?? []) if (to !== ctx.self) sendRepl(ctx, to, { kind: 'replRetire', objectId: p.objectId, ts: p.ts });
  ctx.effects.push({ kind: 'cancelTimer', timer: pushTimer(p.objectId) });
  // Waiters left now have every target's copy but asked for more than exist (cannot happen: ackNeeded <= targets).
  let next: ReplicationState = { ...s, pushes: s.pushes.delete(p.objectId) };
  if (!p.announce) return next;
  next = dropEntry(ctx, next, key);
  return entry === undefined ? next : markRetired(ctx, next, p.objectId, p.ts);
}

/** A tombstone whose delete retired may be collected after the waiting period (PORCUPINE.md: skew + packet lifetime). */
export function markRetired(ctx: Ctx, s: ReplicationState, objectId: string, ts: Timestamp): ReplicationState {
  const cur = s.hard.objects.get(objectId);
  if (cur === undefined || !isTombstone(cur) || !timestampEquals(cur.ts, ts) || s.retiredAtMs.has(objectId)) return s;
  return { ...s, retiredAtMs: s.retiredAtMs.set(objectId, ctx.env.now) };
}
