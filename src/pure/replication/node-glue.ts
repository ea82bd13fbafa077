// Wiring of the replication manager into the node (node.ts, node-routes.ts): it turns the node's inputs into
// replication inputs, replication effects into node effects (its writes become `{ kind: 'replication' }`
// hard writes, which also maintain the mailbox fragments and the user DB as views, see views.ts), and
// replication events into RPC replies (`stored`, `deleted`, `profileSet`) and mail-map notices.
// Replication is on when NodeConfig.replicas is set; without it the node keeps the unreplicated path.
import { assertNever } from '../assert.js';
import { applyHardWrite } from '../hard-state.js';
import type { Message, RequestId } from '../messages.js';
import { patchNode, type NodeState } from '../node-state.js';
import { noteFragmentChange } from '../mailbox/mailbox.js';
import { PMap } from '../pmap.js';
import { send, type StepCtx } from '../step-context.js';
import type { NodeId, UserId } from '../types.js';
import { ackReplicasDefault, replicasDefault } from './limits.js';
import type { ReplicationMessage } from './messages.js';
import { messageObjectId } from './objects.js';
import { managerOf } from '../user-map/user-map.js';
import { pushRefused } from './nack.js';
import { bootReplication, defaultReplicationConfig, ownsPersist, stepReplication, storageFailureReason, type ReplicationInput } from './replication.js';
import type { ReplicationEvent, ReplicationState, ReplicationStep } from './state.js';
import type { Versioned } from './objects.js';
import type { ReplicaManager } from './replica-manager.js';
import { bootSeenRequests, inQuietTime, rememberRequest, seenRequest } from './seen-requests.js';

export type { ReplicaManager };

/** Persist ids of replication: negative, and apart per incarnation (a late completion is never mistaken). */
function persistIdStart(incarnation: number): number {
  return -(incarnation * 2 ** 32) - 1;
}

export function replicationEnabled(s: NodeState): boolean {
  return s.replication !== undefined;
}

export function bootReplicaManager(ctx: StepCtx, s: NodeState): NodeState {
  if (s.config?.replicas === undefined) return s;
  const bugs = s.config.replicationBugs;
  const overrides = s.config.replicationLimits;
  const config = {
    ...defaultReplicationConfig,
    ...(bugs === undefined ? {} : { bugs }),
    ...(overrides === undefined ? {} : { limits: { ...defaultReplicationConfig.limits, ...overrides } }),
  };
  // Not in touch with the cluster until a view says so (B15): a node booting inside a partition must not mark itself alive.
  const r = bootReplication(ctx.self, s.hard.replication, ctx.env, config, persistIdStart(s.incarnation), false);
  // Incarnation 1 is this disk's first boot: no earlier incarnation's requests can be in flight, no quiet time.
  const seen = bootSeenRequests(ctx.env.now, config.limits.maxPacketLifetimeMs, s.incarnation > 1);
  return absorb(ctx, patchNode(s, { replication: { repl: r.state, waits: PMap.empty(), seen } }), r);
}

function step(ctx: StepCtx, s: NodeState, input: ReplicationInput): NodeState {
  const m = s.replication;
  if (m === undefined) return s;
  return absorb(ctx, s, stepReplication(m.repl, input, ctx.env));
}

export function onReplicationMessage(ctx: StepCtx, s: NodeState, from: NodeId, message: ReplicationMessage): NodeState {
  return step(ctx, s, { kind: 'message', from, message });
}

/**
 * A view was installed. First whether it holds a majority of the cluster's nodes (the configured ones and every
 * node the membership knows of): a node out of touch longer than the log retention rejoins as new (B15,
 * maintenance.ts onContact); then members new to this node get the tombstones it holds (B12).
 */
export function onReplicationViewChange(ctx: StepCtx, s0: NodeState, previous: readonly NodeId[], members: readonly NodeId[]): NodeState {
  if (s0.replication === undefined) return s0;
  const cluster = new Set([...(s0.config?.nodes ?? []), ...(s0.membership?.known ?? []), ...members]);
  const inTouch = 2 * members.filter((n) => cluster.has(n)).length > cluster.size;
  const s = s0.replication.repl.inTouch === inTouch ? s0 : step(ctx, s0, { kind: 'contact', inTouch });
  const joined = members.filter((n) => n !== ctx.self && !previous.includes(n));
  if (joined.length === 0 || s.replication === undefined || s.replication.repl.tombstones.size === 0) return s;
  return step(ctx, s, { kind: 'membersJoined', nodes: joined, members });
}

export function onReplicationTimer(ctx: StepCtx, s: NodeState, timer: string): NodeState {
  return step(ctx, s, { kind: 'timer', timer });
}

export function ownsReplicationPersist(s: NodeState, id: number): boolean {
  return s.replication !== undefined && ownsPersist(s.replication.repl, id);
}

export function onReplicationPersisted(ctx: StepCtx, s: NodeState, id: number): NodeState {
  return step(ctx, s, { kind: 'persisted', id });
}

export function onReplicationPersistFailed(ctx: StepCtx, s: NodeState, id: number): NodeState {
  return step(ctx, s, { kind: 'persistFailed', id });
}

function ackReplicasOf(s: NodeState): number {
  const r = s.config?.replicas ?? replicasDefault;
  return s.config?.ackReplicas ?? ackReplicasDefault(r);
}

type StoreMsg = Extract<Message, { kind: 'storeMsg' }>;

/**
 * B16: a request that starts a replicated update is taken at most once. A second copy (a network duplicate; a
 * proxy sends each rid once, a client's retry is a new request) is dropped, whatever became of the first: its
 * answer, if any, was the request's answer. Re-running it after the first was answered made a new version,
 * newer than an update made meanwhile (a POP delete), which undid it (seen-requests.ts). Returns the node with
 * the request remembered, or undefined for a copy of one taken already (or no replication).
 */
function takeOnce(ctx: StepCtx, s0: NodeState, from: NodeId, rid: RequestId): { s: NodeState; mgr: ReplicaManager; key: string } | undefined {
  const mgr0 = s0.replication;
  const key = `${from}|${rid}`;
  if (mgr0 === undefined || seenRequest(mgr0.seen, key)) return undefined;
  const mgr = { ...mgr0, seen: rememberRequest(mgr0.seen, key, ctx.env.now, mgr0.repl.config.limits.maxPacketLifetimeMs) };
  return { s: patchNode(s0, { replication: mgr }), mgr, key };
}

/** The proxy stores a message here: we coordinate its replication to `replicas` (ourselves included). */
export function onReplicatedStore(ctx: StepCtx, s0: NodeState, from: NodeId, m: StoreMsg): NodeState {
  const taken = takeOnce(ctx, s0, from, m.rid);
  if (taken === undefined) return s0;
  const { s, mgr, key } = taken;
  const need = ackReplicasOf(s);
  const targets = m.replicas !== undefined && m.replicas.includes(ctx.self) ? [...new Set(m.replicas)] : [ctx.self];
  const held = mgr.repl.hard.objects.get(messageObjectId(m.user, m.msg.msgId));
  // B6: fewer than ackReplicas distinct nodes to hold it (a minority view): no 250 can be truthful. No answer,
  // the proxy's RPC times out (451) and the client retries; the proxy normally refuses before asking.
  if (new Set([...targets.filter((n) => s.members.includes(n)), ...liveReplicas(s, held)]).size < need) return s;
  if (held !== undefined && (held.value.kind !== 'message' || busy(mgr.repl, held.id))) {
    // A tombstone: never stored again (the client's retries run out; the first attempt was answered 250
    // unless its reply was lost, B5). A message whose original request is still running: that request's
    // `durable` answers it, or the client retries later — at once with 452 when a replica's disk refused it (nack.ts).
    if (held.value.kind === 'message' && pushRefused(mgr.repl, held.id)) send(ctx, from, replyFor('stored', m.rid, ctx, true));
    return s;
  }
  // B16, after a restart: the memory of taken requests went with the crash, and a copy sent to the previous
  // incarnation may still arrive, indistinguishable from a client's retry. For one packet lifetime after a restart a
  // store of a message held here is not re-run (no answer: the proxy's RPC times out, 451, the client retries
  // later). Not covered: a node that lost its disk cannot tell it booted before (docs/bugs-found-by-properties.md B16).
  if (held !== undefined && inQuietTime(mgr.seen, ctx.env.now)) return s;
  const waits = mgr.waits.set(key, { from, rid: m.rid, reply: 'stored', left: 1 });
  // A client's retry of a message held here (nothing of it in flight) is never answered from what this node
  // once knew (B6): a replica may since have left the cluster or lost its disk. It is re-replicated — a new
  // version of the same message to the chosen nodes plus its old replicas (onUpdate) — and answered once
  // ackReplicas distinct nodes report it durable. Retries are rare (after a 451).
  const value = held?.value.kind === 'message' ? held.value : ({ kind: 'message', user: m.user, msgId: m.msg.msgId, body: m.msg.body, sizeBytes: m.msg.sizeBytes } as const);
  return step(ctx, patchNode(s, { replication: { ...mgr, waits } }), { kind: 'update', request: { ref: key, value, targets, ackReplicas: need } });
}

function busy(repl: ReplicationState, id: string): boolean {
  return repl.pushes.has(id) || (repl.inflight.get(id) ?? 0) > 0;
}

/** Replicas of the held version that are members of this node's view (a departed node's copy does not count). */
function liveReplicas(s: NodeState, held: Versioned | undefined): readonly NodeId[] {
  return held === undefined ? [] : held.replicas.filter((n) => s.members.includes(n));
}

type DeleteMsgs = Extract<Message, { kind: 'deleteMsgs' }>;

/**
 * POP QUIT deletes: one tombstone update per message, to all of the message's known replicas; `deleted`
 * is answered once each tombstone is durable on ackReplicas distinct nodes (a delete is a replicated update
 * like a store). B7: the answer is never given from what this node once knew. A message this node no longer
 * holds at all (its disk was lost after the session listed it, or a stale replica was reconciled away) is
 * not answered: the node cannot know the message's other replicas, and "deleted" with no tombstone anywhere
 * let the copy left on another replica reappear. The proxy's call times out and QUIT fails (RFC 1939: the
 * messages stay; the client lists and deletes again). A held tombstone is re-replicated like a message (a
 * new tombstone version to its replicas): it may be a concurrent delete not yet durable anywhere else.
 */
export function onReplicatedDelete(ctx: StepCtx, s0: NodeState, from: NodeId, m: DeleteMsgs): NodeState {
  const mgr = s0.replication;
  if (mgr === undefined) return s0;
  const key = `${from}|${m.rid}`;
  const holders = m.holders ?? [];
  const held = m.msgIds.map((id) => mgr.repl.hard.objects.get(messageObjectId(m.user, id)));
  if (held.some((v) => v === undefined || v.value.kind === 'profile') || mgr.waits.has(key)) return s0;
  // A message another lister coordinates: its tombstone goes to every holder, so ours is needed only for a
  // copy here whose replicas the holders do not all include (B8: a retry's copy on replicas nobody listed).
  for (const id of m.covered ?? []) {
    const v = mgr.repl.hard.objects.get(messageObjectId(m.user, id));
    if (v !== undefined && v.value.kind === 'message' && v.replicas.some((n) => !holders.includes(n))) held.push(v);
  }
  if (held.length === 0) {
    send(ctx, from, { kind: 'deleted', rid: m.rid, load: ctx.load });
    return s0;
  }
  let s = patchNode(s0, { replication: { ...mgr, waits: mgr.waits.set(key, { from, rid: m.rid, reply: 'deleted', left: held.length }) } });
  // B8: the message may also have copies outside its known replicas (a client's retry stored through a node that
  // never saw the first attempt); the user's other fragment nodes get the tombstone too. A node without a copy
  // just keeps the tombstone (it also stops a late older push) until it is collected. Not filtered by our view:
  // a holder cut off for a while (excluded from the view right now) is exactly the one the listing missed, and
  // the push retries until it is back (as for any replica; the mail maps already forget departed nodes).
  for (const v of held) {
    if (v === undefined || v.value.kind === 'profile') continue;
    const value = { kind: 'tombstone', user: m.user, msgId: v.value.msgId } as const;
    const targets = [...new Set([...v.replicas, ...holders])];
    s = step(ctx, s, { kind: 'update', request: { ref: key, value, targets, ackReplicas: ackReplicasOf(s) } });
  }
  return s;
}

function replyFor(kind: 'stored' | 'deleted' | 'profileSet', rid: RequestId, ctx: StepCtx, storageFailed = false): Message {
  const failed = storageFailed ? ({ storageFailed: true } as const) : {};
  switch (kind) {
    case 'stored':
      return { kind: 'stored', rid, load: ctx.load, ...failed };
    case 'deleted':
      return { kind: 'deleted', rid, load: ctx.load, ...failed };
    case 'profileSet':
      return { kind: 'profileSet', rid, status: 'ok', load: ctx.load, ...failed };
  }
  return assertNever(kind, 'reply kind');
}

type SetProfile = Extract<Message, { kind: 'setProfile' }>;

/**
 * A profile write at the user's manager: replicated to the manager and the next R-1 members in node order
 * (the paper's user DB is "partitioned, replicated"; reconstruction reports a profile from the highest live
 * replica, so a new manager learns it even when it holds no replica).
 */
export function onReplicatedSetProfile(ctx: StepCtx, s0: NodeState, from: NodeId, m: SetProfile): NodeState {
  // B16's class: a late copy of a profile write would make a version newer than a later password change.
  const taken = takeOnce(ctx, s0, from, m.rid);
  if (taken === undefined) return s0;
  const { s, mgr, key } = taken;
  if (managerOf(s.userMap, m.user) !== ctx.self) {
    send(ctx, from, { kind: 'profileSet', rid: m.rid, status: 'notManager', load: ctx.load });
    return s;
  }
  const r = Math.min(s.config?.replicas ?? replicasDefault, s.members.length);
  const at = Math.max(0, s.members.indexOf(ctx.self));
  const targets = Array.from({ length: r }, (_, i) => s.members[(at + i) % s.members.length]);
  if (!targets.includes(ctx.self)) targets[0] = ctx.self;
  const waits = mgr.waits.set(key, { from, rid: m.rid, reply: 'profileSet', left: 1 });
  const value = { kind: 'profile', user: m.user, verifier: m.verifier } as const;
  return step(ctx, patchNode(s, { replication: { ...mgr, waits } }), { kind: 'update', request: { ref: key, value, targets, ackReplicas: ackReplicasOf(s) } });
}

/** Effects to the node's effect list (writes wrapped and applied to the node's hard state), then events. */
function absorb(ctx: StepCtx, s: NodeState, r: ReplicationStep): NodeState {
  const mgr = s.replication;
  if (mgr === undefined) return s;
  let hard = s.hard;
  for (const e of r.effects) {
    if (e.kind === 'persist') {
      const write = { kind: 'replication', write: e.write } as const;
      hard = applyHardWrite(hard, write);
      ctx.effects.push({ kind: 'persist', id: e.id, write });
    } else if (e.kind === 'send') {
      send(ctx, e.to, e.message);
    } else {
      ctx.effects.push(e);
    }
  }
  const touched = new Set<UserId>();
  let waits = mgr.waits;
  for (const ev of r.events) waits = onEvent(ctx, waits, ev, touched);
  let next: NodeState = patchNode(s, { hard, replication: { ...mgr, repl: r.state, waits } });
  for (const user of touched) next = noticeFragment(ctx, next, s, user);
  return next;
}

function onEvent(ctx: StepCtx, waits: ReplicaManager['waits'], ev: ReplicationEvent, touched: Set<UserId>): ReplicaManager['waits'] {
  switch (ev.kind) {
    case 'applied':
    case 'dropped': {
      const v = ev.kind === 'applied' ? ev.version : ev.previous;
      if (v.value.kind !== 'profile') touched.add(v.value.user);
      return waits;
    }
    case 'durable': {
      const w = waits.get(ev.ref);
      if (w === undefined) return waits;
      if (w.left > 1) return waits.set(ev.ref, { ...w, left: w.left - 1 });
      send(ctx, w.from, replyFor(w.reply, w.rid, ctx));
      return waits.delete(ev.ref);
    }
    case 'rejected': {
      // A full disk here: the caller hears "not stored" at once (SMTP 452, POP QUIT -ERR [SYS/TEMP]).
      const w = waits.get(ev.ref);
      if (ev.reason === storageFailureReason && w !== undefined) send(ctx, w.from, replyFor(w.reply, w.rid, ctx, true));
      // Otherwise no answer: the proxy's RPC times out and the client retries (SMTP 451, POP QUIT error).
      return waits.delete(ev.ref);
    }
  }
  return assertNever(ev, 'replication event');
}

/** A fragment appeared or vanished here through replication: tell the user's manager (mail map). */
function noticeFragment(ctx: StepCtx, s: NodeState, before: NodeState, user: UserId): NodeState {
  const had = before.hard.fragments.has(user);
  const has = s.hard.fragments.has(user);
  if (had === has) return s;
  return patchNode(s, { mailbox: noteFragmentChange(ctx, s.mailbox, s.userMap, user, has) });
}
