// Boot, garbage collection, the alive mark, and reconciliation after a long outage.
// - Boot resumes pushing the updates this node coordinated and arms takeovers for the ones it logged.
// - GC drops log entries older than the retention period and collects tombstones whose delete retired
//   more than `maxClockSkewMs + maxPacketLifetimeMs` ago (PORCUPINE.md "Replication").
// - A node that was down longer than the log retention cannot know which deletes it missed (their
//   tombstones are gone elsewhere), so it rejoins as "new": its replicas are quarantined (invisible) until
//   another replica confirms them; see docs/replication.md for the argument.
import { compareNodeId, type NodeId } from '../types.js';
import { dropEntry, sendPushes } from './coordinator.js';
import { entryKey, type ReplicationHard } from './hard-state.js';
import { compareTimestamp, describeTimestamp, maxHlc, timestampEquals, zeroHlc, type Hlc } from './hlc.js';
import { tombstoneRetentionMs } from './limits.js';
import { applyIfNewer } from './lww.js';
import { isTombstone, type Versioned } from './objects.js';
import { newPush, persistRepl, sendRepl, setTimer, traceRepl, type Ctx, type Push, type ReplicationState } from './state.js';
import { aliveTimer, gcTimer, reconcileTimer, takeoverTimer } from './timers.js';
import { noteApplied } from './coordinator.js';
import { PMap } from '../pmap.js';

function clockFromHard(hard: ReplicationHard): Hlc {
  let clock = zeroHlc;
  hard.objects.forEach((v) => (clock = maxHlc(clock, v.ts)));
  hard.log.forEach((e) => (clock = maxHlc(clock, e.ts)));
  return { wallMs: clock.wallMs, logical: clock.logical };
}

export function onBoot(ctx: Ctx, s0: ReplicationState): ReplicationState {
  let tombstones = PMap.empty<true>();
  s0.hard.objects.forEach((v, id) => {
    if (isTombstone(v)) tombstones = tombstones.set(id, true);
  });
  let s: ReplicationState = { ...s0, clock: clockFromHard(s0.hard), tombstones };
  const { aliveMarkIntervalMs, gcIntervalMs } = ctx.config.limits;
  // Down (or cut off, B15) longer than the log retention: rejoin as new. The log goes too: its entries are older
  // than the retention.
  const before = s;
  s = quarantineIfAway(ctx, s, 'down');
  const quarantined = s !== before;
  // An entry whose version is no longer the one held was superseded (a crash came between the newer
  // version's write and the older entry's drop): finish the drop.
  for (const [key, e] of s.hard.log.entries()) {
    const held = s.hard.objects.get(e.objectId);
    if (held === undefined || !timestampEquals(held.ts, e.ts)) s = dropEntry(ctx, s, key);
  }
  for (const [key, e] of s.hard.log.entries()) {
    const resumed = s.pushes.get(e.objectId);
    if (e.ts.node === ctx.self && (resumed === undefined || compareTimestamp(resumed.ts, e.ts) < 0)) {
      // Our own update: resume pushing (its caller is gone with our soft state; the proxy retries).
      const push: Push = newPush({ objectId: e.objectId, ts: e.ts, remaining: e.remaining, selfDurable: true, announce: true });
      s = sendPushes(ctx, { ...s, pushes: s.pushes.set(e.objectId, push) }, e.objectId);
    } else if (e.ts.node !== ctx.self) {
      setTimer(ctx, takeoverTimer(key), ctx.config.limits.takeoverAfterMs);
    }
  }
  if (s.hard.quarantine.size > 0) setTimer(ctx, reconcileTimer, 0);
  // The mark says "in touch with the cluster at": a node booting without a view does not know that it is (B15);
  // its first view marks it (onContact). quarantineIfAway has marked already.
  if (s.inTouch && !quarantined) s = markAlive(ctx, s);
  setTimer(ctx, aliveTimer, aliveMarkIntervalMs);
  setTimer(ctx, gcTimer, gcIntervalMs);
  return s;
}

export function onAliveTimer(ctx: Ctx, s: ReplicationState): ReplicationState {
  setTimer(ctx, aliveTimer, ctx.config.limits.aliveMarkIntervalMs);
  return s.inTouch ? markAlive(ctx, s) : quarantineIfAway(ctx, s, 'cutOff');
}

function markAlive(ctx: Ctx, s: ReplicationState): ReplicationState {
  return persistRepl(ctx, s, { kind: 'replAlive', atMs: ctx.env.now }, { kind: 'other', objectId: undefined });
}

/** Only an empty, never-marked disk is exempt from the staleness rule (B9, onBoot). */
function everBooted(s: ReplicationState): boolean {
  return s.hard.aliveAtMs > 0 || s.hard.objects.size > 0 || s.hard.log.size > 0;
}

/**
 * B15. The alive mark records the last time this node was in touch with the cluster: up *and* in a view with a
 * majority of its nodes. A node that was not, for longer than the log retention — down (checked at boot) or cut
 * off by a partition (checked on every alive and GC tick while out of touch, and when a view brings it back) —
 * may have missed deletes whose tombstones the others have collected since (they stop pushing a delete when its
 * log entry expires, and collect its tombstone `retention + wait` after it). It cannot tell which, so it rejoins
 * as new: every object it holds is quarantined (invisible, and its tombstones kept) until another replica confirms
 * it (reconciliation). The mark is then reset: the clock restarts, and another retention out of touch quarantines
 * again. A crash during a partition keeps the mark where contact was lost, so the two outages add up.
 * A node cut off keeps its log (its entries are recent: pushes of updates made on its side of the partition).
 */
function quarantineIfAway(ctx: Ctx, s0: ReplicationState, cause: 'down' | 'cutOff'): ReplicationState {
  const awayMs = ctx.env.now - s0.hard.aliveAtMs;
  if (!everBooted(s0) || awayMs <= ctx.config.limits.logRetentionMs) return s0;
  const objectIds = s0.hard.objects.keys();
  traceRepl(ctx, 'ReplQuarantine', { node: ctx.self, objects: objectIds.length, downMs: awayMs, cause });
  const write = cause === 'down' ? { kind: 'replQuarantine' as const, objectIds } : { kind: 'replQuarantine' as const, objectIds, keepLog: true };
  let s = persistRepl(ctx, s0, write, { kind: 'other', objectId: undefined });
  s = markAlive(ctx, s);
  if (s.hard.quarantine.size > 0) setTimer(ctx, reconcileTimer, 0);
  return s;
}

/** A view was installed (node-glue.ts): whether it holds a majority of the cluster (B15, quarantineIfAway). */
export function onContact(ctx: Ctx, s: ReplicationState, inTouch: boolean): ReplicationState {
  if (!inTouch) return s.inTouch ? { ...s, inTouch: false } : s;
  if (s.inTouch) return s;
  // Back in touch: first judge how long we were away (before any reader or peer trusts what we hold), then mark.
  const checked = quarantineIfAway(ctx, s, 'cutOff');
  return checked !== s ? { ...checked, inTouch: true } : markAlive(ctx, { ...s, inTouch: true });
}

export function onGcTimer(ctx: Ctx, s0: ReplicationState): ReplicationState {
  const { logRetentionMs, gcIntervalMs } = ctx.config.limits;
  const now = ctx.env.now;
  // Out of touch (B15): judge first, so that no tombstone is collected here after the retention without it.
  let s = s0.inTouch ? s0 : quarantineIfAway(ctx, s0, 'cutOff');
  for (const [key, e] of s.hard.log.entries()) {
    if (e.ts.wallMs + logRetentionMs >= now) continue;
    traceRepl(ctx, 'ReplExpire', { node: ctx.self, objectId: e.objectId, ts: describeTimestamp(e.ts) });
    const p = s.pushes.get(e.objectId);
    if (p !== undefined && timestampEquals(p.ts, e.ts)) s = { ...s, pushes: s.pushes.delete(e.objectId) };
    s = dropEntry(ctx, s, key);
  }
  const keep = tombstoneRetentionMs(ctx.config.limits);
  for (const id of s0.tombstones.keys()) {
    const v = s.hard.objects.get(id);
    if (v === undefined || !isTombstone(v)) continue;
    // A quarantined tombstone waits for reconciliation (B15): a replica that missed it must still get it from here.
    if (s.hard.quarantine.has(id)) continue;
    const key = entryKey(id, v.ts);
    if (s.hard.log.has(key) || s.pushes.has(id)) continue;
    const retiredAt = s.retiredAtMs.get(id);
    // Without a retire notice (lost), wait until no pusher can still hold an older update: the log retention.
    const collectAt = retiredAt !== undefined ? retiredAt + keep : v.ts.wallMs + logRetentionMs + keep;
    if (now >= collectAt) s = collect(ctx, s, v);
  }
  setTimer(ctx, gcTimer, gcIntervalMs);
  return s;
}

/**
 * B12: nodes that joined our view (the other side of a healed partition) may hold a copy of a message deleted
 * here meanwhile under another replica set — a client's retry stored there (B8), which no delete on this side
 * could name. Each tombstone we hold goes to them as it is (the same version, so a later re-delivery still
 * wins), as a soft push (not logged; collection waits while it runs): a node holding an older copy applies it
 * and passes it on to that copy's replicas (onPush), a node holding nothing keeps it until it is collected.
 * One pusher per tombstone: the first of its replicas in node order that is a member.
 */
export function onMembersJoined(ctx: Ctx, s0: ReplicationState, joined: readonly NodeId[], members: readonly NodeId[]): ReplicationState {
  let s = s0;
  for (const id of s0.tombstones.keys()) {
    const v = s.hard.objects.get(id);
    if (v === undefined || !isTombstone(v)) continue;
    if ([...v.replicas].sort(compareNodeId).find((n) => members.includes(n)) !== ctx.self) continue;
    const to = joined.filter((n) => n !== ctx.self && !v.replicas.includes(n));
    if (to.length === 0) continue;
    const p = s.pushes.get(id);
    const remaining = [...new Set([...(p?.remaining ?? []), ...to])].sort(compareNodeId);
    const selfDurable = p?.selfDurable ?? (s.inflight.get(id) ?? 0) === 0;
    const push: Push = p !== undefined ? { ...p, remaining } : newPush({ objectId: id, ts: v.ts, remaining, selfDurable, announce: false });
    s = sendPushes(ctx, { ...s, pushes: s.pushes.set(id, push) }, id);
  }
  return s;
}

function pushTo(ctx: Ctx, s: ReplicationState, v: Versioned, to: NodeId): ReplicationState {
  const p = s.pushes.get(v.id);
  if (p !== undefined && !timestampEquals(p.ts, v.ts)) return s;
  const remaining = [...new Set([...(p?.remaining ?? []), to])].sort(compareNodeId);
  const selfDurable = p?.selfDurable ?? (s.inflight.get(v.id) ?? 0) === 0;
  const push: Push = p !== undefined ? { ...p, remaining } : newPush({ objectId: v.id, ts: v.ts, remaining, selfDurable, announce: false });
  return sendPushes(ctx, { ...s, pushes: s.pushes.set(v.id, push) }, v.id);
}

function collect(ctx: Ctx, s: ReplicationState, v: Versioned): ReplicationState {
  traceRepl(ctx, 'ReplCollect', { node: ctx.self, objectId: v.id, ts: describeTimestamp(v.ts) });
  ctx.events.push({ kind: 'dropped', objectId: v.id, previous: v });
  const next = persistRepl(ctx, s, { kind: 'replObjectDrop', objectId: v.id, ts: v.ts }, { kind: 'other', objectId: v.id });
  return { ...next, tombstones: next.tombstones.delete(v.id), retiredAtMs: next.retiredAtMs.delete(v.id), reconcileNulls: next.reconcileNulls.delete(v.id) };
}

export function onReconcileTimer(ctx: Ctx, s0: ReplicationState): ReplicationState {
  let s = s0;
  let sent = 0;
  for (const id of s0.hard.quarantine.keys()) {
    if (sent >= ctx.config.limits.pushesPerTickMax) break;
    const v = s.hard.objects.get(id);
    if (v === undefined) continue;
    const others = v.replicas.filter((n) => n !== ctx.self);
    // A sole replica (R = 1): nobody else could have updated or deleted the object; trust it.
    if (others.length === 0) {
      s = trust(ctx, s, id);
      continue;
    }
    const nulls = s.reconcileNulls.get(id) ?? [];
    for (const to of others) if (!nulls.includes(to)) sendRepl(ctx, to, { kind: 'replReconcile', objectId: id });
    sent++;
  }
  if (s.hard.quarantine.size > 0) setTimer(ctx, reconcileTimer, ctx.config.limits.reconcileRetryMs);
  return s;
}

function trust(ctx: Ctx, s: ReplicationState, id: string): ReplicationState {
  traceRepl(ctx, 'ReplTrust', { node: ctx.self, objectId: id });
  const next = persistRepl(ctx, s, { kind: 'replTrust', objectId: id }, { kind: 'other', objectId: id });
  return { ...next, reconcileNulls: next.reconcileNulls.delete(id) };
}

export function onReconcile(ctx: Ctx, s: ReplicationState, from: NodeId, objectId: string): ReplicationState {
  const version = s.hard.objects.get(objectId) ?? null;
  sendRepl(ctx, from, { kind: 'replReconciled', objectId, version, unsure: s.hard.quarantine.has(objectId) });
  return s;
}

export function onReconciled(ctx: Ctx, s: ReplicationState, from: NodeId, objectId: string, version: Versioned | null, unsure: boolean): ReplicationState {
  const ours = s.hard.objects.get(objectId);
  if (ours === undefined || !s.hard.quarantine.has(objectId) || unsure) return s;
  if (version !== null) {
    const outcome = applyIfNewer(ours, version);
    if (outcome.kind !== 'applied') {
      const trusted = trust(ctx, s, objectId);
      // The peer holds an older version (B15: it missed our tombstone while we were apart, and nobody pushes it
      // any more: the delete's log entry expired). A soft push gives it ours, retried until acknowledged.
      return compareTimestamp(version.ts, ours.ts) < 0 ? pushTo(ctx, trusted, ours, from) : trusted;
    }
    const next = persistRepl(ctx, s, { kind: 'replPut', object: version }, { kind: 'other', objectId });
    return noteApplied(ctx, { ...next, reconcileNulls: next.reconcileNulls.delete(objectId) }, version, ours);
  }
  const nulls = [...new Set([...(s.reconcileNulls.get(objectId) ?? []), from])];
  const others = ours.replicas.filter((n) => n !== ctx.self);
  if (others.every((n) => nulls.includes(n))) {
    // Every other replica has nothing: the object was deleted while we were away and its tombstone collected.
    // A tombstone of ours is kept (trusted) and collected by the GC as usual: dropping it at once could let an
    // older push still in flight store the message again.
    return isTombstone(ours) ? trust(ctx, s, objectId) : collect(ctx, s, ours);
  }
  return { ...s, reconcileNulls: s.reconcileNulls.set(objectId, nulls) };
}
