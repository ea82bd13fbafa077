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
import { persistRepl, sendRepl, setTimer, traceRepl, type Ctx, type Push, type ReplicationState } from './state.js';
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
  const { logRetentionMs, aliveMarkIntervalMs, gcIntervalMs } = ctx.config.limits;
  // A node that holds replicas has booted before, even if its last mark reads 0 (a mark at time 0 or before,
  // as a simulated node booted at virtual time 0 leaves when it crashes before its first periodic mark):
  // only an empty, never-booted disk is exempt. (Found by the long-outage property, issue 13: such a node
  // came back after its peers had collected a tombstone and listed the deleted message again.)
  const everBooted = s.hard.aliveAtMs > 0 || s.hard.objects.size > 0 || s.hard.log.size > 0;
  const stale = everBooted && ctx.env.now - s.hard.aliveAtMs > logRetentionMs;
  if (stale) {
    const objectIds = s.hard.objects.keys();
    traceRepl(ctx, 'ReplQuarantine', { node: ctx.self, objects: objectIds.length, downMs: ctx.env.now - s.hard.aliveAtMs });
    s = persistRepl(ctx, s, { kind: 'replQuarantine', objectIds }, { kind: 'other', objectId: undefined });
  }
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
      const push: Push = { objectId: e.objectId, ts: e.ts, remaining: e.remaining, selfDurable: true, waiters: [], attempt: 0, announce: true, early: false };
      s = sendPushes(ctx, { ...s, pushes: s.pushes.set(e.objectId, push) }, e.objectId);
    } else if (e.ts.node !== ctx.self) {
      setTimer(ctx, takeoverTimer(key), ctx.config.limits.takeoverAfterMs);
    }
  }
  if (s.hard.quarantine.size > 0) setTimer(ctx, reconcileTimer, 0);
  s = persistRepl(ctx, s, { kind: 'replAlive', atMs: ctx.env.now }, { kind: 'other', objectId: undefined });
  setTimer(ctx, aliveTimer, aliveMarkIntervalMs);
  setTimer(ctx, gcTimer, gcIntervalMs);
  return s;
}

export function onAliveTimer(ctx: Ctx, s: ReplicationState): ReplicationState {
  setTimer(ctx, aliveTimer, ctx.config.limits.aliveMarkIntervalMs);
  return persistRepl(ctx, s, { kind: 'replAlive', atMs: ctx.env.now }, { kind: 'other', objectId: undefined });
}

export function onGcTimer(ctx: Ctx, s0: ReplicationState): ReplicationState {
  const { logRetentionMs, gcIntervalMs } = ctx.config.limits;
  const now = ctx.env.now;
  let s = s0;
  for (const [key, e] of s0.hard.log.entries()) {
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
    const push: Push = p !== undefined ? { ...p, remaining } : { objectId: id, ts: v.ts, remaining, selfDurable, waiters: [], attempt: 0, announce: false, early: false };
    s = sendPushes(ctx, { ...s, pushes: s.pushes.set(id, push) }, id);
  }
  return s;
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
    if (outcome.kind !== 'applied') return trust(ctx, s, objectId);
    const next = persistRepl(ctx, s, { kind: 'replPut', object: version }, { kind: 'other', objectId });
    return noteApplied(ctx, { ...next, reconcileNulls: next.reconcileNulls.delete(objectId) }, version, ours);
  }
  const nulls = [...new Set([...(s.reconcileNulls.get(objectId) ?? []), from])];
  const others = ours.replicas.filter((n) => n !== ctx.self);
  if (others.every((n) => nulls.includes(n))) {
    // Every other replica has nothing: the object was deleted while we were away and its tombstone collected.
    return collect(ctx, s, ours);
  }
  return { ...s, reconcileNulls: s.reconcileNulls.set(objectId, nulls) };
}
