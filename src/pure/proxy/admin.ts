// Administration through any node: create a user or set a password at the user's manager, which keeps the
// profile in its user DB (this issue; docs/decisions.md). The verifier is opaque (scrypt in the runtime).
import type { Message } from '../messages.js';
import type { StepCtx } from '../step-context.js';
import type { SessionId } from '../types.js';
import { checkUserName } from '../user-name.js';
import { managerOf } from '../user-map/user-map.js';
import { startCall, withSession, type Call, type ClusterView, type ProxyState } from './proxy-state.js';

export function onAdminSetUser(ctx: StepCtx, proxy: ProxyState, view: ClusterView, session: SessionId, raw: string, verifier: string): ProxyState {
  const name = checkUserName(raw);
  if (!name.ok) {
    ctx.effects.push({ kind: 'reply', session, reply: { kind: 'adminSetUser', ok: false, text: `bad user name: ${name.reason}` } });
    return proxy;
  }
  const to = managerOf(view.userMap, name.user);
  const p = startCall(ctx, proxy, { kind: 'admin', session, to }, (rid) => ({ kind: 'setProfile', rid, user: name.user, verifier }));
  return withSession(p, session, { kind: 'admin', user: name.user });
}

export function onAdminDone(ctx: StepCtx, proxy: ProxyState, call: Extract<Call, { kind: 'admin' }>, r: Extract<Message, { kind: 'profileSet' }> | 'timeout'): ProxyState {
  const s = proxy.sessions.get(call.session);
  if (s === undefined || s.kind !== 'admin') return proxy;
  const ok = r !== 'timeout' && r.status === 'ok' && r.storageFailed !== true;
  const why = r === 'timeout' ? 'user manager unavailable (timeout)' : r.storageFailed === true ? 'insufficient storage at the user manager' : `user manager unavailable (${r.status})`;
  const text = ok ? `user ${s.user} saved` : why;
  ctx.effects.push({ kind: 'reply', session: call.session, reply: { kind: 'adminSetUser', ok, text } });
  return withSession(proxy, call.session, undefined);
}

/** A user listing asks every member for the live profiles it holds (profiles are partitioned and replicated). */
export function onAdminListUsers(ctx: StepCtx, proxy: ProxyState, view: ClusterView, session: SessionId): ProxyState {
  let p = proxy;
  for (const to of view.members) p = startCall(ctx, p, { kind: 'adminList', session, to }, (rid) => ({ kind: 'listUsers', rid }));
  return withSession(p, session, { kind: 'adminList', users: [], open: view.members.length, failed: false });
}

export function onAdminListDone(ctx: StepCtx, proxy: ProxyState, call: Extract<Call, { kind: 'adminList' }>, r: Extract<Message, { kind: 'userList' }> | 'timeout'): ProxyState {
  const s = proxy.sessions.get(call.session);
  if (s === undefined || s.kind !== 'adminList') return proxy;
  const users = r === 'timeout' ? s.users : [...new Set([...s.users, ...r.users])];
  const next = { kind: 'adminList', users, open: s.open - 1, failed: s.failed || r === 'timeout' } as const;
  if (next.open > 0) return withSession(proxy, call.session, next);
  const sorted = [...users].sort();
  const text = next.failed ? 'some members did not answer: the list may be incomplete' : `${sorted.length} users`;
  ctx.effects.push({ kind: 'reply', session: call.session, reply: { kind: 'adminListUsers', ok: !next.failed, users: sorted, text } });
  return withSession(proxy, call.session, undefined);
}
