// The proxies' entry points (front end, PORCUPINE.md "Modules"): client requests, RPC replies, RPC timeouts
// and password-check completions are routed here and on to delivery / retrieval / admin. Replies and timers
// that match no outstanding call (duplicates, replies after a timeout) are traced drops.
import { assert, assertNever } from '../assert.js';
import type { ClientReply, ClientRequest } from '../client.js';
import type { Message, RequestId } from '../messages.js';
import { trace, type StepCtx } from '../step-context.js';
import type { NodeId, SessionId } from '../types.js';
import { onAdminDone, onAdminListDone, onAdminListUsers, onAdminSetUser } from './admin.js';
import { onDeliverLookupDone, onRcptDone, onSmtpData, onSmtpRcpt, onStoreDone } from './delivery.js';
import { onDeleteDone, onPopDele, onPopQuit, onPopRset, onQuitLookupDone } from './pop-update.js';
import { armSweep, endCall, patchProxy, withSession, type Call, type ClusterView, type ProxyState } from './proxy-state.js';
import { onAuthDone, onDigestsDone, onFetchDone, onPopAuth, onPopList, onPopRetr } from './retrieval.js';

export type ReplyMessage = Extract<Message, { kind: 'userInfo' | 'profileSet' | 'stored' | 'digests' | 'fetched' | 'deleted' | 'userList' }>;

/** The reply kind each call waits for. */
const expectedReply: { readonly [K in Call['kind']]: ReplyMessage['kind'] } = {
  rcpt: 'userInfo',
  deliverLookup: 'userInfo',
  auth: 'userInfo',
  store: 'stored',
  digests: 'digests',
  fetch: 'fetched',
  delete: 'deleted',
  quitLookup: 'userInfo',
  admin: 'profileSet',
  adminList: 'userList',
};

/** A session running a transaction refuses another request until it is answered (clients are sequential). */
function busyReply(request: Exclude<ClientRequest, { kind: 'sessionEnd' }>): ClientReply {
  const text = 'another command is in progress';
  return temporaryFailureReply(request, `4.5.0 ${text}`, text);
}

/** A temporary refusal of `request` (SMTP 451 with `smtpText`; POP and admin: not ok with `text`). */
export function temporaryFailureReply(request: Exclude<ClientRequest, { kind: 'sessionEnd' }>, smtpText: string, text: string): ClientReply {
  switch (request.kind) {
    case 'smtpRcpt':
      return { kind: 'smtpRcpt', code: 451, text: smtpText };
    case 'smtpData':
      return { kind: 'smtpData', code: 451, text: smtpText, results: request.recipients.map((user) => ({ user, code: 451 })) };
    case 'popAuth':
      return { kind: 'popAuth', ok: false, text };
    case 'popList':
      return { kind: 'popList', ok: false, messages: [], text };
    case 'popRetr':
      return { kind: 'popRetr', ok: false, text };
    case 'popDele':
      return { kind: 'popDele', ok: false, text };
    case 'popRset':
      return { kind: 'popRset', ok: false, text };
    case 'popQuit':
      return { kind: 'popQuit', ok: false, deleted: 0, text };
    case 'adminSetUser':
      return { kind: 'adminSetUser', ok: false, text };
    case 'adminListUsers':
      return { kind: 'adminListUsers', ok: false, users: [], text };
  }
  return assertNever(request, 'client request');
}

/** Why a request cannot start now (an SMTP/admin transaction is in flight in this session), or undefined. */
function ignoreClientRequest(proxy: ProxyState, session: SessionId, request: ClientRequest): string | undefined {
  if (request.kind === 'sessionEnd') return undefined;
  const s = proxy.sessions.get(session);
  // POP handlers check their own phases; an SMTP transaction between commands waits for the next one.
  if (s === undefined || s.kind === 'pop' || s.kind === 'smtpTxn') return undefined;
  return 'busy';
}

export function onClientRequest(ctx: StepCtx, proxy: ProxyState, view: ClusterView, session: SessionId, request: ClientRequest): ProxyState {
  if (request.kind !== 'sessionEnd' && ignoreClientRequest(proxy, session, request) !== undefined) {
    ctx.effects.push({ kind: 'reply', session, reply: busyReply(request) });
    return proxy;
  }
  switch (request.kind) {
    case 'smtpRcpt':
      return onSmtpRcpt(ctx, proxy, view, session, request.user);
    case 'smtpData':
      return onSmtpData(ctx, proxy, view, session, request);
    case 'popAuth':
      return onPopAuth(ctx, proxy, view, session, request.user, request.password);
    case 'popList':
      return onPopList(ctx, proxy, session);
    case 'popRetr':
      return onPopRetr(ctx, proxy, session, request.msgId, view.members);
    case 'popDele':
      return onPopDele(ctx, proxy, session, request.msgId);
    case 'popRset':
      return onPopRset(ctx, proxy, session);
    case 'popQuit':
      return onPopQuit(ctx, proxy, view, session);
    case 'sessionEnd':
      // The connection closed: forget the session; its outstanding calls end as drops (RFC 1939 §6: no QUIT, no deletes).
      return withSession(proxy, session, undefined);
    case 'adminSetUser':
      return onAdminSetUser(ctx, proxy, view, session, request.user, request.verifier);
    case 'adminListUsers':
      return onAdminListUsers(ctx, proxy, view, session);
  }
  return assertNever(request, 'client request');
}

/** Why a reply is dropped (no such call, wrong sender or kind), or undefined to accept it. */
export function ignoreReply(call: Call | undefined, from: NodeId, m: ReplyMessage): string | undefined {
  if (call === undefined) return 'no outstanding call (duplicate or after timeout)';
  if (call.to !== from) return `reply from ${from}, call went to ${call.to}`;
  if (expectedReply[call.kind] !== m.kind) return `expected ${expectedReply[call.kind]}`;
  return undefined;
}

export function onReply(ctx: StepCtx, proxy: ProxyState, view: ClusterView, from: NodeId, m: ReplyMessage): ProxyState {
  const call = proxy.calls.get(m.rid)?.call;
  const reason = ignoreReply(call, from, m);
  if (reason !== undefined || call === undefined) {
    trace(ctx, 'Drop', { input: m.kind, from, rid: m.rid, reason });
    return proxy;
  }
  return callDone(ctx, endCall(proxy, m.rid), view, call, m);
}

/** The sweep: every call past its deadline times out (in rid order); re-armed while calls remain. */
export function onRpcSweep(ctx: StepCtx, proxy: ProxyState, view: ClusterView): ProxyState {
  const overdue: RequestId[] = [];
  proxy.calls.forEach((o, rid) => {
    if (o.deadline <= ctx.env.now) overdue.push(rid);
  });
  overdue.sort((a, b) => a - b);
  let p = proxy;
  for (const rid of overdue) p = onRpcTimeout(ctx, p, view, rid);
  if (p.calls.size > 0) armSweep(ctx);
  return patchProxy(p, { sweepArmed: p.calls.size > 0 });
}

function onRpcTimeout(ctx: StepCtx, proxy: ProxyState, view: ClusterView, rid: RequestId): ProxyState {
  const call = proxy.calls.get(rid)?.call;
  if (call === undefined) return proxy;
  trace(ctx, 'Timeout', { node: ctx.self, call: call.kind, to: call.to, rid });
  return callDone(ctx, endCall(proxy, rid), view, call, 'timeout');
}

function narrow<K extends ReplyMessage['kind']>(r: ReplyMessage | 'timeout', kind: K): Extract<ReplyMessage, { kind: K }> | 'timeout' {
  if (r === 'timeout') return r;
  assert(r.kind === kind, `reply ${r.kind} routed as ${kind}`); // ignoreReply checked it
  return r as Extract<ReplyMessage, { kind: K }>;
}

function callDone(ctx: StepCtx, p: ProxyState, view: ClusterView, call: Call, r: ReplyMessage | 'timeout'): ProxyState {
  switch (call.kind) {
    case 'rcpt':
      return onRcptDone(ctx, p, call, narrow(r, 'userInfo'));
    case 'deliverLookup':
      return onDeliverLookupDone(ctx, p, view, call, narrow(r, 'userInfo'));
    case 'store':
      return onStoreDone(ctx, p, call, narrow(r, 'stored'));
    case 'auth':
      return onAuthDone(ctx, p, call, narrow(r, 'userInfo'));
    case 'digests':
      return onDigestsDone(ctx, p, call, narrow(r, 'digests'));
    case 'fetch':
      return onFetchDone(ctx, p, call, narrow(r, 'fetched'));
    case 'delete':
      return onDeleteDone(ctx, p, call, narrow(r, 'deleted'));
    case 'quitLookup':
      return onQuitLookupDone(ctx, p, call, narrow(r, 'userInfo'));
    case 'admin':
      return onAdminDone(ctx, p, call, narrow(r, 'profileSet'));
    case 'adminList':
      return onAdminListDone(ctx, p, call, narrow(r, 'userList'));
  }
  return assertNever(call, 'call');
}

export function describeProxy(proxy: ProxyState): string {
  const sessions = proxy.sessions.sortedEntries().map(([id, s]) => `${id}:${s.kind}${s.kind === 'pop' ? `/${s.phase}` : ''}`);
  return `sessions{${sessions.join(' ')}} calls=${proxy.calls.size} msgs=${proxy.msgCounter}`;
}
