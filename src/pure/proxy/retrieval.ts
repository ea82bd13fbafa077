// The POP retrieval proxy (PORCUPINE.md "Retrieval"; RFC 1939): authenticate through the user's manager
// (which returns the verifier and the mail map), check the password off the reducer (`checkPassword`),
// gather digests from every fragment node, fetch bodies on demand, mark deletions and send them at QUIT
// (RFC 1939 §6, UPDATE state). A fragment node that does not answer the gathering is left out of the
// maildrop (loose consistency, PORCUPINE.md "Replication": users may briefly see part of their mail).
import type { ClientReply, PopListing } from '../client.js';
import type { Digest, Message } from '../messages.js';
import { allocRid, trace, type StepCtx } from '../step-context.js';
import { compareNodeId, type MsgId, type NodeId, type SessionId } from '../types.js';
import { checkUserName } from '../user-name.js';
import { managerOf } from '../user-map/user-map.js';
import { maildropMessagesMax } from './limits.js';
import { patchProxy, startCall, withSession, type Call, type ClusterView, type MaildropEntry, type PopSession, type ProxyState } from './proxy-state.js';

type UserInfo = Extract<Message, { kind: 'userInfo' }>;

function reply(ctx: StepCtx, session: SessionId, r: ClientReply): void {
  ctx.effects.push({ kind: 'reply', session, reply: r });
}

function popSession(proxy: ProxyState, session: SessionId): PopSession | undefined {
  const s = proxy.sessions.get(session);
  return s !== undefined && s.kind === 'pop' ? s : undefined;
}

export function onPopAuth(ctx: StepCtx, proxy: ProxyState, view: ClusterView, session: SessionId, raw: string, password: string): ProxyState {
  const name = checkUserName(raw);
  if (!name.ok) {
    reply(ctx, session, { kind: 'popAuth', ok: false, text: `bad user name: ${name.reason}` });
    return proxy;
  }
  if (proxy.sessions.has(session)) {
    reply(ctx, session, { kind: 'popAuth', ok: false, text: 'already authenticated' });
    return proxy;
  }
  const to = managerOf(view.userMap, name.user);
  const p = startCall(ctx, proxy, { kind: 'auth', session, to }, (rid) => ({ kind: 'lookupUser', rid, user: name.user, purpose: 'auth' }));
  const s: PopSession = {
    kind: 'pop', phase: 'lookup', user: name.user, password, mailMap: [], gathered: [], unreachable: [], maildrop: [], marked: [], open: 0, failed: false,
  };
  return withSession(p, session, s);
}

export function onAuthDone(ctx: StepCtx, proxy: ProxyState, call: Extract<Call, { kind: 'auth' }>, r: UserInfo | 'timeout'): ProxyState {
  const s = popSession(proxy, call.session);
  if (s === undefined || s.phase !== 'lookup') return proxy;
  if (r === 'timeout' || r.status !== 'ok' || r.verifier === undefined) {
    // Unknown user and wrong password read the same to the client (no user enumeration).
    const text = r !== 'timeout' && r.status === 'unknown' ? 'authentication failed' : '[SYS/TEMP] user manager unavailable';
    reply(ctx, call.session, { kind: 'popAuth', ok: false, text });
    return withSession(proxy, call.session, undefined);
  }
  const id = allocRid(ctx);
  ctx.effects.push({ kind: 'checkPassword', id, password: s.password, verifier: r.verifier });
  const next: PopSession = { ...s, phase: 'password', password: '', mailMap: r.mailMap };
  return withSession(patchProxy(proxy, { checks: proxy.checks.set(id, call.session) }), call.session, next);
}

export function onPasswordChecked(ctx: StepCtx, proxy0: ProxyState, id: number, ok: boolean): ProxyState {
  const session = proxy0.checks.get(id);
  if (session === undefined) return proxy0;
  const proxy = patchProxy(proxy0, { checks: proxy0.checks.delete(id) });
  const s = popSession(proxy, session);
  if (s === undefined || s.phase !== 'password') return proxy;
  if (!ok) {
    trace(ctx, 'AuthFail', { node: ctx.self, user: s.user });
    reply(ctx, session, { kind: 'popAuth', ok: false, text: 'authentication failed' });
    return withSession(proxy, session, undefined);
  }
  trace(ctx, 'Authenticate', { node: ctx.self, user: s.user });
  let p = proxy;
  for (const to of s.mailMap) {
    p = startCall(ctx, p, { kind: 'digests', session, to }, (rid) => ({ kind: 'listDigests', rid, user: s.user }));
  }
  const next: PopSession = { ...s, phase: 'gather', open: s.mailMap.length };
  return next.open === 0 ? finishGather(ctx, p, session, next) : withSession(p, session, next);
}

export function onDigestsDone(ctx: StepCtx, proxy: ProxyState, call: Extract<Call, { kind: 'digests' }>, r: Extract<Message, { kind: 'digests' }> | 'timeout'): ProxyState {
  const s = popSession(proxy, call.session);
  if (s === undefined || s.phase !== 'gather') return proxy;
  const next: PopSession =
    r === 'timeout'
      ? { ...s, open: s.open - 1, unreachable: [...s.unreachable, call.to] }
      : { ...s, open: s.open - 1, gathered: [...s.gathered, { node: call.to, items: r.items }] };
  return next.open === 0 ? finishGather(ctx, proxy, call.session, next) : withSession(proxy, call.session, next);
}

/** Merges the fragments' digests into one maildrop, one entry per msgId, in msgId order. */
export function buildMaildrop(gathered: readonly { readonly node: NodeId; readonly items: readonly Digest[] }[]): MaildropEntry[] {
  const byId = new Map<MsgId, { sizeBytes: number; nodes: NodeId[] }>();
  for (const g of gathered) {
    for (const d of g.items) {
      const e = byId.get(d.msgId);
      if (e === undefined) byId.set(d.msgId, { sizeBytes: d.sizeBytes, nodes: [g.node] });
      else if (!e.nodes.includes(g.node)) e.nodes.push(g.node);
    }
  }
  return [...byId.entries()]
    .sort((a, b) => compareNodeId(a[0], b[0]))
    .slice(0, maildropMessagesMax)
    .map(([msgId, e]) => ({ msgId, sizeBytes: e.sizeBytes, nodes: e.nodes.sort(compareNodeId) }));
}

function finishGather(ctx: StepCtx, proxy: ProxyState, session: SessionId, s: PopSession): ProxyState {
  const maildrop = buildMaildrop(s.gathered);
  const partial = s.unreachable.length > 0 ? ` (partial: ${[...s.unreachable].sort(compareNodeId).join(',')} unreachable)` : '';
  trace(ctx, 'List', { node: ctx.self, user: s.user, count: maildrop.length, partial: s.unreachable.length > 0 });
  reply(ctx, session, { kind: 'popAuth', ok: true, text: `maildrop has ${maildrop.length} messages${partial}` });
  return withSession(proxy, session, { ...s, phase: 'ready', gathered: [], maildrop });
}

/** A request in a session that is not authenticated and idle gets this refusal, or undefined if allowed. */
function ignorePopRequest(s: PopSession | undefined): string | undefined {
  if (s === undefined) return 'not authenticated';
  if (s.phase !== 'ready') return 'another command is in progress';
  return undefined;
}

export function onPopList(ctx: StepCtx, proxy: ProxyState, session: SessionId): ProxyState {
  const s = popSession(proxy, session);
  const refusal = ignorePopRequest(s);
  if (refusal !== undefined || s === undefined) {
    reply(ctx, session, { kind: 'popList', ok: false, messages: [], text: refusal ?? '' });
    return proxy;
  }
  const messages: PopListing[] = s.maildrop.filter((e) => !s.marked.includes(e.msgId)).map((e) => ({ msgId: e.msgId, sizeBytes: e.sizeBytes }));
  reply(ctx, session, { kind: 'popList', ok: true, messages, text: `${messages.length} messages` });
  return proxy;
}

export function onPopRetr(ctx: StepCtx, proxy: ProxyState, session: SessionId, msgId: MsgId, members: readonly NodeId[]): ProxyState {
  const s = popSession(proxy, session);
  const refusal = ignorePopRequest(s);
  const listed = s?.maildrop.find((e) => e.msgId === msgId);
  if (refusal !== undefined || s === undefined || listed === undefined || s.marked.includes(msgId)) {
    reply(ctx, session, { kind: 'popRetr', ok: false, text: refusal ?? 'no such message' });
    return proxy;
  }
  // Fetch only from holders the current view still counts as members. A holder that failed since the listing
  // was gathered would cost a full RPC timeout per RETR, and a session retrieving many messages would outlast
  // any client's patience (found by `porcupine sim --faults ...,crash,leave` with POP sessions). With no live
  // holder the answer is an immediate temporary error; the client may retry once the holder is back.
  const live = listed.nodes.filter((n) => members.includes(n));
  if (live.length === 0) {
    reply(ctx, session, { kind: 'popRetr', ok: false, text: '[SYS/TEMP] mailbox node unavailable' });
    return proxy;
  }
  const entry = live.length === listed.nodes.length ? listed : { ...listed, nodes: live };
  const maildrop = entry === listed ? s.maildrop : s.maildrop.map((e) => (e.msgId === msgId ? entry : e));
  return withSession(startFetch(ctx, proxy, session, s, entry, 0), session, { ...s, maildrop, phase: 'retr' });
}

/**
 * The holders in the order a RETR tries them: this node first when it holds a copy (the fetch is then a local
 * step, not a round trip; with R = 2 on three nodes the proxy holds two messages in three), then node order.
 */
function fetchOrder(self: NodeId, nodes: readonly NodeId[]): readonly NodeId[] {
  const at = nodes.indexOf(self);
  return at <= 0 ? nodes : [self, ...nodes.slice(0, at), ...nodes.slice(at + 1)];
}

function startFetch(ctx: StepCtx, proxy: ProxyState, session: SessionId, s: PopSession, entry: MaildropEntry, attempt: number): ProxyState {
  const call = { kind: 'fetch', session, to: fetchOrder(ctx.self, entry.nodes)[attempt], msgId: entry.msgId, attempt } as const;
  return startCall(ctx, proxy, call, (rid) => ({ kind: 'fetchMsg', rid, user: s.user, msgId: entry.msgId }));
}

export function onFetchDone(ctx: StepCtx, proxy: ProxyState, call: Extract<Call, { kind: 'fetch' }>, r: Extract<Message, { kind: 'fetched' }> | 'timeout'): ProxyState {
  const s = popSession(proxy, call.session);
  if (s === undefined || s.phase !== 'retr') return proxy;
  if (r === 'timeout' || r.body === null) {
    // Another node that listed the message (a duplicate, or a replica) may still have it.
    const entry = s.maildrop.find((e) => e.msgId === call.msgId);
    if (entry !== undefined && call.attempt + 1 < entry.nodes.length) return startFetch(ctx, proxy, call.session, s, entry, call.attempt + 1);
    const text = r === 'timeout' ? '[SYS/TEMP] mailbox node unavailable' : 'message no longer exists';
    reply(ctx, call.session, { kind: 'popRetr', ok: false, text });
  } else {
    trace(ctx, 'Retrieve', { node: ctx.self, user: s.user, at: call.to });
    reply(ctx, call.session, { kind: 'popRetr', ok: true, body: r.body, text: `${r.body.length} octets` });
  }
  return withSession(proxy, call.session, { ...s, phase: 'ready' });
}
