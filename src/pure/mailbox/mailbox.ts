// The mailbox manager (PORCUPINE.md "Modules", back end): stores, lists, fetches and deletes the messages
// of the fragments on this node. Writes are hard state: a store or delete is applied to memory at once,
// persisted with a `persist` effect, and answered only on `persisted` (DESIGN.md §3: the reply that must
// wait for durability is emitted on the completion input). When a store creates a fragment or a delete
// removes one, the user's manager is told (mail map), with retries until it acknowledges.
import { applyHardWrite, type HardState, type HardWrite } from '../hard-state.js';
import type { Message, RequestId } from '../messages.js';
import { PMap } from '../pmap.js';
import { addToFragment } from './fragment.js';
import { allocPersistId, send, trace, type StepCtx } from '../step-context.js';
import { compareNodeId, type NodeId, type UserId } from '../types.js';
import { managerOf, type UserMap } from '../user-map/user-map.js';
import { mailMapNoticeRetryMs, mailMapNoticesPerRetryMax, stampsPerIncarnation } from './limits.js';

interface Waiter {
  readonly from: NodeId;
  readonly rid: RequestId;
}

export type PendingWrite =
  | { readonly kind: 'store'; readonly user: UserId; readonly msgId: string; readonly created: boolean; readonly waiters: readonly Waiter[] }
  // msgIds: the ids the request named (the trace's Delete says which went; ids not held are no-ops).
  | { readonly kind: 'delete'; readonly user: UserId; readonly msgIds: readonly string[]; readonly waiter: Waiter };

interface Notice {
  readonly present: boolean;
  readonly stamp: number;
}

export interface MailboxState {
  /** Writes not yet durable, by persist id: the disk-bound RPCs that make up this node's load. */
  readonly pending: PMap<PendingWrite, number>;
  /** Fragment notices the manager has not acknowledged yet, by user (a newer notice replaces an older). */
  readonly notices: PMap<Notice>;
  readonly noticeTimerArmed: boolean;
  readonly nextStamp: number;
}

export const noticeTimer = 'mailbox:notices';

export function emptyMailboxState(incarnation: number): MailboxState {
  return { pending: PMap.empty(), notices: PMap.empty(), noticeTimerArmed: false, nextStamp: incarnation * stampsPerIncarnation };
}

/** `{ ...m, ...q }` written out (hot path; see patchNode in node-state.ts for why). */
function patchMailbox(m: MailboxState, q: Partial<MailboxState>): MailboxState {
  return {
    pending: q.pending !== undefined ? q.pending : m.pending,
    notices: q.notices !== undefined ? q.notices : m.notices,
    noticeTimerArmed: q.noticeTimerArmed !== undefined ? q.noticeTimerArmed : m.noticeTimerArmed,
    nextStamp: q.nextStamp !== undefined ? q.nextStamp : m.nextStamp,
  };
}

export interface MailboxStep {
  readonly mailbox: MailboxState;
  readonly hard: HardState;
}

function sendStored(ctx: StepCtx, w: Waiter): void {
  send(ctx, w.from, { kind: 'stored', rid: w.rid, load: ctx.load });
}

/** A fragment notice goes to the user's manager under the current user map (it may have moved). */
function sendMailMapUpdate(ctx: StepCtx, userMap: UserMap, user: UserId, n: Notice): void {
  send(ctx, managerOf(userMap, user), { kind: 'mailMapUpdate', user, present: n.present, stamp: n.stamp });
}

function persist(ctx: StepCtx, hard: HardState, write: HardWrite): { id: number; hard: HardState } {
  const id = allocPersistId(ctx);
  ctx.effects.push({ kind: 'persist', id, write });
  return { id, hard: applyHardWrite(hard, write) };
}

type StoreMsg = Extract<Message, { kind: 'storeMsg' }>;

/** The persist id of a store of this message still in flight (a duplicate request waits for that write). */
function storeInFlight(mailbox: MailboxState, user: UserId, msgId: string): number | undefined {
  // A scan, but only on the rare duplicate path: the common path pays nothing for duplicate detection.
  let found: number | undefined;
  mailbox.pending.forEach((p, id) => {
    if (p.kind === 'store' && p.user === user && p.msgId === msgId) found = id;
  });
  return found;
}

export function onStoreMsg(ctx: StepCtx, s: MailboxStep, from: NodeId, m: StoreMsg): MailboxStep {
  const frag = s.hard.fragments.get(m.user);
  const held = frag !== undefined && frag.has(m.msg.msgId);
  const inflightId = held ? storeInFlight(s.mailbox, m.user, m.msg.msgId) : undefined;
  const p = inflightId === undefined ? undefined : s.mailbox.pending.get(inflightId);
  if (inflightId !== undefined && p !== undefined && p.kind === 'store') {
    const pending = s.mailbox.pending.set(inflightId, { ...p, waiters: [...p.waiters, { from, rid: m.rid }] });
    return { hard: s.hard, mailbox: patchMailbox(s.mailbox, { pending }) };
  }
  if (held) {
    // Already durable here (a duplicated request or a client retry): answer without writing again.
    trace(ctx, 'StoreDuplicate', { node: ctx.self, user: m.user, msgId: m.msg.msgId });
    sendStored(ctx, { from, rid: m.rid });
    return s;
  }
  const id = allocPersistId(ctx);
  ctx.effects.push({ kind: 'persist', id, write: { kind: 'storeMessage', user: m.user, msg: m.msg } });
  // applyHardWrite(s.hard, that write) written out, reusing the fragment looked up above (hot path).
  const h = s.hard;
  const fragments = addToFragment(h.fragments, m.user, frag, m.msg);
  const hard: HardState = h.instance === undefined ? { incarnation: h.incarnation, fragments, userDb: h.userDb, replication: h.replication } : { incarnation: h.incarnation, instance: h.instance, fragments, userDb: h.userDb, replication: h.replication };
  const pw: PendingWrite = { kind: 'store', user: m.user, msgId: m.msg.msgId, created: frag === undefined, waiters: [{ from, rid: m.rid }] };
  const mailbox = patchMailbox(s.mailbox, { pending: s.mailbox.pending.set(id, pw) });
  return { hard, mailbox };
}

type DeleteMsgs = Extract<Message, { kind: 'deleteMsgs' }>;

export function onDeleteMsgs(ctx: StepCtx, s: MailboxStep, from: NodeId, m: DeleteMsgs): MailboxStep {
  // Always written, even when nothing matches: the reply must not overtake an earlier, undurable delete.
  const w = persist(ctx, s.hard, { kind: 'deleteMessages', user: m.user, msgIds: m.msgIds });
  const pw: PendingWrite = { kind: 'delete', user: m.user, msgIds: m.msgIds, waiter: { from, rid: m.rid } };
  return { hard: w.hard, mailbox: patchMailbox(s.mailbox, { pending: s.mailbox.pending.set(w.id, pw) }) };
}

type ListDigests = Extract<Message, { kind: 'listDigests' }>;

export function onListDigests(ctx: StepCtx, hard: HardState, from: NodeId, m: ListDigests): void {
  const frag = hard.fragments.get(m.user);
  const items: { msgId: string; sizeBytes: number }[] = [];
  frag?.forEach((msg) => items.push({ msgId: msg.msgId, sizeBytes: msg.sizeBytes }));
  items.sort((a, b) => compareNodeId(a.msgId, b.msgId));
  send(ctx, from, { kind: 'digests', rid: m.rid, items, load: ctx.load });
}

type FetchMsg = Extract<Message, { kind: 'fetchMsg' }>;

export function onFetchMsg(ctx: StepCtx, hard: HardState, from: NodeId, m: FetchMsg): void {
  const msg = hard.fragments.get(m.user)?.get(m.msgId);
  send(ctx, from, { kind: 'fetched', rid: m.rid, body: msg === undefined ? null : msg.body, load: ctx.load });
}

/** A write of ours is durable: answer its waiters and tell the manager about a created or vanished fragment. */
export function onPersisted(ctx: StepCtx, s: MailboxStep, userMap: UserMap, id: number, p: PendingWrite): MailboxStep {
  let mailbox = patchMailbox(s.mailbox, { pending: s.mailbox.pending.delete(id) });
  if (p.kind === 'store') {
    trace(ctx, 'Store', { node: ctx.self, user: p.user, msgId: p.msgId });
    for (const w of p.waiters) sendStored(ctx, w);
    // Re-check the current fragment: a delete in between may have removed it again (its own notice says so).
    if (p.created && s.hard.fragments.has(p.user)) mailbox = notify(ctx, mailbox, userMap, p.user, true);
  } else {
    trace(ctx, 'Delete', { node: ctx.self, user: p.user, msgIds: p.msgIds });
    send(ctx, p.waiter.from, { kind: 'deleted', rid: p.waiter.rid, load: ctx.load });
    if (!s.hard.fragments.has(p.user)) mailbox = notify(ctx, mailbox, userMap, p.user, false);
  }
  return { hard: s.hard, mailbox };
}

/** A write of ours failed (a full disk): its waiters hear "not stored"; no fragment notice is sent. */
export function onPersistFailed(ctx: StepCtx, s: MailboxStep, id: number, p: PendingWrite): MailboxStep {
  const mailbox = patchMailbox(s.mailbox, { pending: s.mailbox.pending.delete(id) });
  if (p.kind === 'store') {
    for (const w of p.waiters) send(ctx, w.from, { kind: 'stored', rid: w.rid, load: ctx.load, storageFailed: true });
  } else {
    send(ctx, p.waiter.from, { kind: 'deleted', rid: p.waiter.rid, load: ctx.load, storageFailed: true });
  }
  return { hard: s.hard, mailbox };
}

/** A fragment appeared or vanished here outside this module (replication applies pushed copies). */
export function noteFragmentChange(ctx: StepCtx, mailbox: MailboxState, userMap: UserMap, user: UserId, present: boolean): MailboxState {
  return notify(ctx, mailbox, userMap, user, present);
}

function notify(ctx: StepCtx, mailbox: MailboxState, userMap: UserMap, user: UserId, present: boolean): MailboxState {
  const stamp = mailbox.nextStamp;
  sendMailMapUpdate(ctx, userMap, user, { present, stamp });
  if (!mailbox.noticeTimerArmed) ctx.effects.push({ kind: 'setTimer', timer: noticeTimer, afterMs: mailMapNoticeRetryMs });
  return patchMailbox(mailbox, { nextStamp: stamp + 1, notices: mailbox.notices.set(user, { present, stamp }), noticeTimerArmed: true });
}

type MailMapAck = Extract<Message, { kind: 'mailMapAck' }>;

export function onMailMapAck(mailbox: MailboxState, m: MailMapAck): MailboxState {
  const n = mailbox.notices.get(m.user);
  if (n === undefined || n.stamp !== m.stamp) return mailbox;
  return patchMailbox(mailbox, { notices: mailbox.notices.delete(m.user) });
}

/** Retry tick: re-send unacknowledged notices (to the user's current manager). */
export function onNoticeTimer(ctx: StepCtx, mailbox: MailboxState, userMap: UserMap): MailboxState {
  if (mailbox.notices.size === 0) return patchMailbox(mailbox, { noticeTimerArmed: false });
  let sent = 0;
  mailbox.notices.forEach((n, user) => {
    if (sent++ < mailMapNoticesPerRetryMax) {
      sendMailMapUpdate(ctx, userMap, user, n);
    }
  });
  ctx.effects.push({ kind: 'setTimer', timer: noticeTimer, afterMs: mailMapNoticeRetryMs });
  return mailbox;
}

export function describeMailbox(hard: HardState): string {
  return hard.fragments
    .sortedEntries()
    .map(([user, frag]) => {
      const ids = frag.entries().map(([, m]) => `${m.msgId}(${m.sizeBytes}B)`).sort();
      return `${user}:[${ids.join(',')}]`;
    })
    .join(' ');
}
