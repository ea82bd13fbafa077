// POP DELE / RSET / QUIT (RFC 1939 §5–6): DELE only marks, RSET unmarks, QUIT enters the UPDATE state and
// asks the user manager for the current mail map, then sends the deletes to every node that listed a marked
// message (each tombstone also goes to the mail map's nodes, B8; without replication, holders whose listing
// was not seen get the deletes themselves, B13); QUIT is answered when all of them have
// acknowledged, or with an error if some failed or timed out (the undeleted messages reappear next time).
import type { ClientReply } from '../client.js';
import type { Message } from '../messages.js';
import { trace, type StepCtx } from '../step-context.js';
import { compareNodeId, type MsgId, type NodeId, type SessionId } from '../types.js';
import { managerOf } from '../user-map/user-map.js';
import { startCall, withSession, type Call, type ClusterView, type PopSession, type ProxyState } from './proxy-state.js';

type UserInfo = Extract<Message, { kind: 'userInfo' }>;

function reply(ctx: StepCtx, session: SessionId, r: ClientReply): void {
  ctx.effects.push({ kind: 'reply', session, reply: r });
}

function readySession(proxy: ProxyState, session: SessionId): PopSession | undefined {
  const s = proxy.sessions.get(session);
  return s !== undefined && s.kind === 'pop' && s.phase === 'ready' ? s : undefined;
}

export function onPopDele(ctx: StepCtx, proxy: ProxyState, session: SessionId, msgId: MsgId): ProxyState {
  const s = readySession(proxy, session);
  if (s === undefined || !s.maildrop.some((e) => e.msgId === msgId) || s.marked.includes(msgId)) {
    reply(ctx, session, { kind: 'popDele', ok: false, text: s === undefined ? 'not authenticated or busy' : 'no such message' });
    return proxy;
  }
  reply(ctx, session, { kind: 'popDele', ok: true, text: `message ${msgId} deleted` });
  return withSession(proxy, session, { ...s, marked: [...s.marked, msgId] });
}

export function onPopRset(ctx: StepCtx, proxy: ProxyState, session: SessionId): ProxyState {
  const s = readySession(proxy, session);
  if (s === undefined) {
    reply(ctx, session, { kind: 'popRset', ok: false, text: 'not authenticated or busy' });
    return proxy;
  }
  reply(ctx, session, { kind: 'popRset', ok: true, text: `maildrop has ${s.maildrop.length} messages` });
  return withSession(proxy, session, { ...s, marked: [] });
}

interface NodeDeletes {
  /** Delete these here (with replication: this node coordinates their tombstones). */
  readonly msgIds: MsgId[];
  /** Listed here too, but another lister coordinates the tombstone (replication only). */
  readonly covered: MsgId[];
}

/**
 * Marked messages grouped by the nodes that listed them, in node order. Without replication every lister
 * deletes its own copy. With it, one lister per message coordinates the tombstone (this node when it listed
 * the message: no network hop; else the first in node order), which goes to every known holder; the other
 * listers get the message as `covered` and add a tombstone only for replicas the holders miss. So a message
 * costs one replicated delete, not one per copy.
 */
function deletesByNode(ctx: StepCtx, s: PopSession, holders: readonly NodeId[]): [NodeId, NodeDeletes][] {
  const by = new Map<NodeId, NodeDeletes>();
  const at = (n: NodeId): NodeDeletes => {
    const d = by.get(n) ?? { msgIds: [], covered: [] };
    by.set(n, d);
    return d;
  };
  const replicated = ctx.config.replicas !== undefined;
  for (const e of s.maildrop) {
    if (!s.marked.includes(e.msgId) || e.nodes.length === 0) continue;
    const primary = !replicated ? undefined : e.nodes.includes(ctx.self) ? ctx.self : [...e.nodes].sort(compareNodeId)[0];
    for (const n of e.nodes) (primary === undefined || n === primary ? at(n).msgIds : at(n).covered).push(e.msgId);
  }
  if (!replicated) {
    // No tombstones on this path: a copy is deleted only where the delete goes. A holder whose listing we did
    // not see (unreachable while gathering, or missing from the login's mail map) may hold a copy of a marked
    // message (a client's retry stored there, B8), so it gets every marked message (B13). One that answered
    // without them held none then; a copy stored later is the residual race of B8.
    const answered = s.mailMap.filter((n) => !s.unreachable.includes(n));
    for (const n of holders) if (!answered.includes(n) && !by.has(n)) at(n).msgIds.push(...s.marked);
  }
  return [...by.entries()].sort((a, b) => compareNodeId(a[0], b[0]));
}

/**
 * Nodes that may hold a copy of a marked message: the user's mail map (`fresh`: read at QUIT, else the one read
 * at login) plus every node that listed one. A message's copies are not always one replica set: a client's retry
 * stored through a node that never saw the first attempt has replicas of its own, unknown to the first copy's
 * replicas, and the listing may have missed them (a holder unreachable while gathering, or the retry stored after
 * the login). Tombstones go to these nodes as well (issue 13, B8).
 */
function knownHolders(s: PopSession, fresh: readonly NodeId[]): NodeId[] {
  const out = new Set<NodeId>([...s.mailMap, ...fresh]);
  for (const e of s.maildrop) if (s.marked.includes(e.msgId)) for (const n of e.nodes) out.add(n);
  return [...out].sort(compareNodeId);
}

export function onPopQuit(ctx: StepCtx, proxy: ProxyState, view: ClusterView, session: SessionId): ProxyState {
  const open = proxy.sessions.get(session);
  if (open !== undefined && open.kind === 'pop' && open.phase !== 'ready' && open.phase !== 'lookup' && open.phase !== 'password') {
    reply(ctx, session, { kind: 'popQuit', ok: false, deleted: 0, text: 'another command is in progress' });
    return proxy;
  }
  const s = readySession(proxy, session);
  if (s === undefined) {
    // QUIT in the AUTHORIZATION state: nothing to update (RFC 1939 §4); a login in progress is abandoned.
    reply(ctx, session, { kind: 'popQuit', ok: true, deleted: 0, text: 'bye' });
    return withSession(proxy, session, undefined);
  }
  if (s.marked.length === 0) return finishQuit(ctx, proxy, session, { ...s, phase: 'quit', open: 0 });
  // Deletions: first the user's current mail map from its manager (B8), then the deletes.
  const to = managerOf(view.userMap, s.user);
  const p = startCall(ctx, proxy, { kind: 'quitLookup', session, to }, (rid) => ({ kind: 'lookupUser', rid, user: s.user, purpose: 'quit' }));
  return withSession(p, session, { ...s, phase: 'quitLookup' });
}

/** The mail map for QUIT arrived (or the manager did not answer: the login's map and the listing must do). */
export function onQuitLookupDone(ctx: StepCtx, proxy: ProxyState, call: Extract<Call, { kind: 'quitLookup' }>, r: UserInfo | 'timeout'): ProxyState {
  const s = proxy.sessions.get(call.session);
  if (s === undefined || s.kind !== 'pop' || s.phase !== 'quitLookup') return proxy;
  const holders = knownHolders(s, r === 'timeout' || r.status !== 'ok' ? [] : r.mailMap);
  let p = proxy;
  const groups = deletesByNode(ctx, s, holders);
  for (const [to, d] of groups) {
    const covered = d.covered.length === 0 ? {} : { covered: d.covered };
    p = startCall(ctx, p, { kind: 'delete', session: call.session, to }, (rid) => ({ kind: 'deleteMsgs', rid, user: s.user, msgIds: d.msgIds, holders, ...covered }));
  }
  const next: PopSession = { ...s, phase: 'quit', open: groups.length };
  return next.open === 0 ? finishQuit(ctx, p, call.session, next) : withSession(p, call.session, next);
}

export function onDeleteDone(ctx: StepCtx, proxy: ProxyState, call: Extract<Call, { kind: 'delete' }>, r: Extract<Message, { kind: 'deleted' }> | 'timeout'): ProxyState {
  const s = proxy.sessions.get(call.session);
  if (s === undefined || s.kind !== 'pop' || s.phase !== 'quit') return proxy;
  const next: PopSession = { ...s, open: s.open - 1, failed: s.failed || r === 'timeout' || r.storageFailed === true };
  return next.open === 0 ? finishQuit(ctx, proxy, call.session, next) : withSession(proxy, call.session, next);
}

function finishQuit(ctx: StepCtx, proxy: ProxyState, session: SessionId, s: PopSession): ProxyState {
  const deleted = s.failed ? 0 : s.marked.length;
  trace(ctx, 'Quit', { node: ctx.self, user: s.user, deleted, ok: !s.failed });
  const r: ClientReply = s.failed
    ? { kind: 'popQuit', ok: false, deleted, text: '[SYS/TEMP] some messages were not deleted' }
    : { kind: 'popQuit', ok: true, deleted, text: `bye (${deleted} messages deleted)` };
  reply(ctx, session, r);
  return withSession(proxy, session, undefined);
}
