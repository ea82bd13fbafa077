// The replication manager's state (hard slice + soft bookkeeping), its configuration, and the per-step
// accumulator its handlers write effects and events into.
import type { Effect, PersistId, TimerKey } from '../io.js';
import { PMap } from '../pmap.js';
import type { Env, MsgId, NodeId, UserId } from '../types.js';
import type { ReplicationBugs } from './bugs.js';
import { applyReplicationWrite, type ReplicationHard, type ReplicationWrite } from './hard-state.js';
import { describeTimestamp, type Hlc, type Timestamp } from './hlc.js';
import type { ReplicationLimits } from './limits.js';
import type { ReplicationMessage } from './messages.js';
import type { ObjectId, Versioned } from './objects.js';

export interface ReplicationConfig {
  readonly limits: ReplicationLimits;
  readonly bugs: ReplicationBugs;
}

/** A caller waiting for `ackNeeded` durable copies of its update (version `ts` or newer). */
export interface Waiter {
  readonly ref: string;
  readonly ts: Timestamp;
  readonly ackNeeded: number;
  /** Nodes known to hold a version >= ts durably (this node included once its write is durable). */
  readonly copies: readonly NodeId[];
}

/**
 * The push of an object's newest version to the targets that have not acknowledged it: as its coordinator,
 * as a participant that took over, or (soft only) on behalf of callers whose update a newer one superseded.
 * One per object: a push always sends the newest version this node holds, so a newer update simply takes
 * over the push of an older one, and waiters of the older update are answered by copies of the newer.
 */
export interface Push {
  readonly objectId: ObjectId;
  readonly ts: Timestamp;
  readonly remaining: readonly NodeId[];
  /** Our own copy of version `ts` is durable. */
  readonly selfDurable: boolean;
  readonly waiters: readonly Waiter[];
  readonly attempt: number;
  /** Tell the targets when done (`replRetire`): only the pusher of a logged entry of version `ts` may. */
  readonly announce: boolean;
  /** Targets whose write of version `ts` failed (`replNack`, nack.ts): no ack expected from them soon. */
  readonly refused?: readonly NodeId[];
  /**
   * Pushed before our own copy is durable: the coordinator's push of its own update goes out with its write
   * (docs/replication.md "Parallel push"). Retirement still waits for `selfDurable`.
   */
  readonly early: boolean;
}

/**
 * A new push (no attempt made yet). Every place that starts one goes through here, so a field added to `Push`
 * gets its default in one place rather than in each literal (`early`, `refused` were added that way).
 */
export function newPush(p: {
  readonly objectId: ObjectId;
  readonly ts: Timestamp;
  readonly remaining: readonly NodeId[];
  readonly selfDurable: boolean;
  readonly announce: boolean;
  readonly waiters?: readonly Waiter[];
  readonly early?: boolean;
}): Push {
  return { objectId: p.objectId, ts: p.ts, remaining: p.remaining, selfDurable: p.selfDurable, waiters: p.waiters ?? [], attempt: 0, announce: p.announce, early: p.early ?? false };
}

/** An ack owed once the object has no write in flight; `pushedTs` tells whether our version is newer. */
export interface DeferredAck {
  readonly to: NodeId;
  readonly pushedTs: Timestamp;
}

/**
 * A message copy or tombstone written here: what the write does to the mailbox view (views.ts) once durable.
 * Kept with the write, not looked up at completion: by then a newer version may be in memory.
 */
export interface MailCopy {
  readonly user: UserId;
  readonly msgId: MsgId;
  readonly kind: 'message' | 'tombstone';
  /** The version's timestamp (describeTimestamp): the trace names which version became durable. */
  readonly ts: string;
}

/**
 * What a write in flight was for, so its completion can continue the protocol. `mail` is set on the writes
 * of a message or tombstone version: their completion is traced as `ReplPersist` (the spec's durable step).
 */
export type PendingWrite =
  /** A version written here (by an update we coordinate, a push, or a reconciliation). */
  | { readonly kind: 'put'; readonly objectId: ObjectId; readonly ts: Timestamp; readonly key: string | undefined; readonly mail?: MailCopy }
  | { readonly kind: 'other'; readonly objectId: ObjectId | undefined; readonly mail?: MailCopy };

export interface ReplicationState {
  readonly self: NodeId;
  readonly config: ReplicationConfig;
  readonly hard: ReplicationHard;
  readonly clock: Hlc;
  /** objectId → push in progress. */
  readonly pushes: PMap<Push>;
  readonly pending: PMap<PendingWrite, number>;
  /** objectId → writes of it in flight: an ack for the object waits until there are none (ack after persist). */
  readonly inflight: PMap<number>;
  readonly deferredAcks: PMap<readonly DeferredAck[]>;
  /** Objects a write of which failed here (a full disk): pushes of them are nacked until the node reboots (nack.ts). */
  readonly failedWrites?: PMap<true>;
  /** Tombstones held here (soft index over hard.objects, so GC does not scan every object). */
  readonly tombstones: PMap<true>;
  /** tombstone objectId → when we learned its delete retired (this node's clock). */
  readonly retiredAtMs: PMap<number>;
  /** quarantined objectId → the other replicas that answered "nothing here". */
  readonly reconcileNulls: PMap<readonly NodeId[]>;
  /**
   * This node is in a view with a majority of the cluster (B15, maintenance.ts onContact): only then does its
   * alive mark advance. Soft: false from boot until the node's first view says otherwise.
   */
  readonly inTouch: boolean;
  /** Persist ids of this module are negative, so they never collide with the node's own (positive) ids. */
  readonly nextPersistId: number;
}

/** Effects of this module: the node's Effect with replication's own message and write types. */
export type ReplicationEffect =
  | Exclude<Effect, { kind: 'send' } | { kind: 'persist' }>
  | { readonly kind: 'send'; readonly to: NodeId; readonly message: ReplicationMessage }
  | { readonly kind: 'persist'; readonly id: PersistId; readonly write: ReplicationWrite };

/** What the replication manager tells the rest of the node (mailbox, user DB, the RPC waiting on an update). */
export type ReplicationEvent =
  /** `ackNeeded` copies of the update started with `ref` are durable: the caller may answer (SMTP 250). */
  | { readonly kind: 'durable'; readonly ref: string; readonly objectId: ObjectId; readonly ts: Timestamp }
  /** The update could not be started (bad targets); the caller answers with a temporary failure. */
  | { readonly kind: 'rejected'; readonly ref: string; readonly reason: string }
  /** The local replica of an object changed (views: mailbox fragments, user DB, mail map notices). */
  | { readonly kind: 'applied'; readonly version: Versioned; readonly previous: Versioned | undefined }
  /** The local replica of an object is gone (a retired tombstone collected, a stale replica reconciled away). */
  | { readonly kind: 'dropped'; readonly objectId: ObjectId; readonly previous: Versioned };

export interface ReplicationStep {
  readonly state: ReplicationState;
  readonly effects: readonly ReplicationEffect[];
  readonly events: readonly ReplicationEvent[];
}

/** Accumulator of one step: handlers push into it; nothing outlives the step but the returned data. */
export interface Ctx {
  readonly self: NodeId;
  readonly env: Env;
  readonly config: ReplicationConfig;
  readonly effects: ReplicationEffect[];
  readonly events: ReplicationEvent[];
}

export function newCtx(s: ReplicationState, env: Env): Ctx {
  return { self: s.self, env, config: s.config, effects: [], events: [] };
}

export function sendRepl(ctx: Ctx, to: NodeId, message: ReplicationMessage): void {
  ctx.effects.push({ kind: 'send', to, message });
}

export function setTimer(ctx: Ctx, timer: TimerKey, afterMs: number): void {
  ctx.effects.push({ kind: 'setTimer', timer, afterMs });
}

export function traceRepl(ctx: Ctx, action: ReplicationTraceAction, args: Readonly<Record<string, unknown>>): void {
  ctx.effects.push({ kind: 'trace', action, args });
}

/** Trace actions of this module (STYLE.md habit 8), named like the actions of a replication spec. */
export const replicationTraceActions = [
  'ReplUpdate', // a coordinator started an update (new timestamp)
  'ReplApply', // a replica applied a newer version
  'ReplIgnore', // a replica ignored a stale or duplicate push (still acknowledged)
  'ReplDurable', // ackNeeded copies durable: the caller is told
  'ReplRetire', // every target acknowledged: the log entry retires
  'ReplTakeover', // a participant took over pushing from a silent coordinator
  'ReplExpire', // a log entry older than the retention period was dropped
  'ReplCollect', // a retired tombstone (or reconciled stale replica) was garbage-collected
  'ReplQuarantine', // a node back from a long outage distrusts its replicas
  'ReplTrust', // a quarantined replica was confirmed by another replica
  'ReplPersist', // a message copy or tombstone written here is durable (the mailbox view changed on disk)
] as const;

export type ReplicationTraceAction = (typeof replicationTraceActions)[number];

/** Writes through the hard slice: applied in memory at once, durable when `persisted` comes back. */
export function persistRepl(ctx: Ctx, s: ReplicationState, write: ReplicationWrite, what: PendingWrite): ReplicationState {
  const id = s.nextPersistId;
  ctx.effects.push({ kind: 'persist', id, write });
  const objectId = what.objectId;
  const inflight = objectId === undefined ? s.inflight : s.inflight.set(objectId, (s.inflight.get(objectId) ?? 0) + 1);
  const mail = mailCopyOf(write);
  const pending = s.pending.set(id, mail === undefined ? what : { ...what, mail });
  return { ...s, hard: applyReplicationWrite(s.hard, write), pending, inflight, nextPersistId: id - 1 };
}

/**
 * The mailbox-view change a write makes once durable, for the trace. Only versions (`replPut`) are covered:
 * quarantine, trust and the collection of a stale message copy (after an outage longer than the log
 * retention) change the view without a `ReplPersist` (docs/spec.md "Limits").
 */
function mailCopyOf(write: ReplicationWrite): MailCopy | undefined {
  if (write.kind !== 'replPut') return undefined;
  const v = write.object.value;
  return v.kind === 'profile' ? undefined : { user: v.user, msgId: v.msgId, kind: v.kind, ts: describeTimestamp(write.object.ts) };
}
