// The SMTP delivery proxy (PORCUPINE.md "Delivery"): RCPT asks the user's manager whether the user exists;
// DATA delivers to each recipient independently: get the mail map from the manager (or reuse RCPT's fresh
// answer, rcpt-answers.ts), let the load balancer choose a node, store there (the mailbox answers once the
// message is durable), then answer the client.
import type { ClientReply, ClientRequest, RecipientResult } from '../client.js';
import type { Message } from '../messages.js';
import { chooseNode } from '../load/choose.js';
import { withOutstanding } from '../load/outstanding.js';
import { chooseReplicas } from '../replication/replica-choice.js';
import { ackReplicasDefault } from '../replication/limits.js';
import { random, trace, type StepCtx } from '../step-context.js';
import type { MsgId, NodeId, SessionId, UserId } from '../types.js';
import { checkUserName } from '../user-name.js';
import { managerOf } from '../user-map/user-map.js';
import { recipientsMax } from './limits.js';
import { bucketEntry, freshMailMap, knownAnswers, rememberAnswer } from './rcpt-answers.js';
import { patchProxy, startCall, withSession, type Call, type ClusterView, type ProxyState, type SmtpDataSession } from './proxy-state.js';

type UserInfo = Extract<Message, { kind: 'userInfo' }>;
type Stored = Extract<Message, { kind: 'stored' }>;

function reply(ctx: StepCtx, session: SessionId, r: ClientReply): void {
  ctx.effects.push({ kind: 'reply', session, reply: r });
}

export function onSmtpRcpt(ctx: StepCtx, proxy: ProxyState, view: ClusterView, session: SessionId, raw: string): ProxyState {
  const name = checkUserName(raw);
  if (!name.ok) {
    reply(ctx, session, { kind: 'smtpRcpt', code: 553, text: `5.1.3 bad recipient name: ${name.reason}` });
    return proxy;
  }
  const entry = bucketEntry(view.userMap, name.user);
  const to = entry.node;
  const known = knownAnswers(proxy.sessions.get(session));
  const p = startCall(ctx, proxy, { kind: 'rcpt', session, to }, (rid) => ({ kind: 'lookupUser', rid, user: name.user, purpose: 'rcpt' }));
  return withSession(p, session, { kind: 'smtpRcpt', user: name.user, manager: to, bucketEpoch: entry.epoch, known });
}

/** The manager's answer to an RCPT lookup, or its timeout. */
export function onRcptDone(ctx: StepCtx, proxy: ProxyState, call: Extract<Call, { kind: 'rcpt' }>, r: UserInfo | 'timeout'): ProxyState {
  const s = proxy.sessions.get(call.session);
  if (s === undefined || s.kind !== 'smtpRcpt') return proxy;
  const status = r === 'timeout' ? 'timeout' : r.status;
  const [code, text] =
    status === 'ok' ? [250, '2.1.5 recipient ok'] : status === 'unknown' ? [550, '5.1.1 no such user'] : [451, `4.4.3 user manager unavailable (${status})`];
  trace(ctx, code === 250 ? 'AcceptRcpt' : 'RejectRcpt', { node: ctx.self, user: s.user, code });
  reply(ctx, call.session, { kind: 'smtpRcpt', code, text });
  // An accepted recipient's answer (with its mail map) stays with the transaction for DATA (rcpt-answers.ts).
  const known =
    r !== 'timeout' && r.status === 'ok'
      ? rememberAnswer(s.known, { user: s.user, mailMap: r.mailMap, manager: s.manager, bucketEpoch: s.bucketEpoch, at: ctx.env.now })
      : s.known;
  return withSession(proxy, call.session, known.length === 0 ? undefined : { kind: 'smtpTxn', known });
}

/**
 * A true retry of a message — same Message-ID and same body — gets the same id, so stores and listings
 * deduplicate it. The body is part of the id (issue 13): a Message-ID alone is the client's word, and a second,
 * different message with a reused one (mailing lists, broken clients, a forger who wants a later message
 * dropped) would otherwise be acknowledged and then ignored by a mailbox already holding the id.
 */
function mintMsgId(ctx: StepCtx, proxy: ProxyState, view: ClusterView, clientMsgId: string | undefined, body: string): { msgId: MsgId; proxy: ProxyState } {
  if (clientMsgId !== undefined && clientMsgId.length > 0) {
    // 64 bits from two independent FNV passes over (Message-ID, body): collisions within one mailbox are negligible.
    const [a, b] = twoHashes(clientMsgId, body);
    return { msgId: `c${a.toString(36)}${b.toString(36)}`, proxy };
  }
  return { msgId: `${ctx.self}-${view.instance}.${view.incarnation}-${proxy.msgCounter}`, proxy: patchProxy(proxy, { msgCounter: proxy.msgCounter + 1 }) };
}

/**
 * fnv1a32(s) and fnv1a32(`${id.length}:${s}`) of s = `${id}${body}` in one pass (FNV-1a is sequential, so the
 * second hash continues from the prefix's state): the same values as hashing the two strings, with no string
 * built. The length prefix keeps (id, body) pairs that concatenate alike apart in the second hash.
 */
function twoHashes(id: string, body: string): [number, number] {
  let a = fnvOffset;
  let b = fnvOffset;
  const prefix = `${id.length}:`;
  for (let i = 0; i < prefix.length; i++) b = Math.imul(b ^ prefix.charCodeAt(i), fnvPrime);
  for (const part of [id, body]) {
    for (let i = 0; i < part.length; i++) {
      const c = part.charCodeAt(i);
      a = Math.imul(a ^ c, fnvPrime);
      b = Math.imul(b ^ c, fnvPrime);
    }
  }
  return [a >>> 0, b >>> 0];
}

const fnvOffset = 0x811c9dc5;
const fnvPrime = 0x01000193;

type SmtpData = Extract<ClientRequest, { kind: 'smtpData' }>;

export function onSmtpData(ctx: StepCtx, proxy0: ProxyState, view: ClusterView, session: SessionId, req: SmtpData): ProxyState {
  // Body size in UTF-16 code units: equal to bytes for the 7-bit/8BITMIME ASCII bodies the front ends pass.
  const sizeBytes = req.body.length;
  const blanket = blanketRefusal(ctx, view, sizeBytes);
  const { msgId, proxy } = blanket === undefined ? mintMsgId(ctx, proxy0, view, req.clientMsgId, req.body) : { msgId: '', proxy: proxy0 };
  const users = req.recipients.map((r) => {
    const c = checkUserName(r);
    return c.ok ? c.user : null;
  });
  const results = req.recipients.map((user, i): RecipientResult | null => {
    if (blanket !== undefined) return { user, code: blanket };
    if (i >= recipientsMax) return { user, code: 452 };
    return users[i] === null ? { user, code: 553 } : null;
  });
  const open = results.reduce((n, r, i) => (r === null && users[i] !== null ? n + 1 : n), 0);
  const s: SmtpDataSession = { kind: 'smtpData', msgId, body: req.body, sizeBytes, recipients: req.recipients, users, results, open };
  if (open === 0) return finishData(ctx, proxy, session, s);
  const known = knownAnswers(proxy.sessions.get(session));
  let p = withSession(proxy, session, s);
  results.forEach((r, index) => {
    const user = users[index];
    if (r !== null || user === null) return;
    // A fresh RCPT answer of this transaction stands in for the lookup (rcpt-answers.ts).
    const mailMap = freshMailMap(known, view.userMap, user, ctx.env.now);
    if (mailMap !== undefined) {
      p = startStore(ctx, p, view, session, s, index, user, mailMap);
      return;
    }
    const to = managerOf(view.userMap, user);
    p = startCall(ctx, p, { kind: 'deliverLookup', session, to, index }, (rid) => ({ kind: 'lookupUser', rid, user, purpose: 'deliver' }));
  });
  return p;
}

/** A code refusing every recipient before anything is stored (552 too big, 451 not ready), or undefined. */
function blanketRefusal(ctx: StepCtx, view: ClusterView, sizeBytes: number): number | undefined {
  // RFC 5321 §4.5.3.1.7: the size limit is checked before anything is stored.
  if (sizeBytes > ctx.config.messageSizeMaxBytes) return 552;
  if (!view.ready) return 451;
  return undefined;
}

export function onDeliverLookupDone(
  ctx: StepCtx,
  proxy: ProxyState,
  view: ClusterView,
  call: Extract<Call, { kind: 'deliverLookup' }>,
  r: UserInfo | 'timeout',
): ProxyState {
  const s = proxy.sessions.get(call.session);
  if (s === undefined || s.kind !== 'smtpData') return proxy;
  const user = s.users[call.index];
  if (r === 'timeout' || r.status !== 'ok' || user === null) {
    const code = r !== 'timeout' && r.status === 'unknown' ? 550 : 451;
    return setResult(ctx, proxy, call.session, s, call.index, code);
  }
  return startStore(ctx, proxy, view, call.session, s, call.index, user, r.mailMap);
}

/** The load balancer picks the node for one recipient's copy (given the user's mail map) and the store starts. */
function startStore(
  ctx: StepCtx,
  proxy: ProxyState,
  view: ClusterView,
  session: SessionId,
  s: SmtpDataSession,
  index: number,
  user: UserId,
  mailMap: readonly NodeId[],
): ProxyState {
  const outstanding = outstandingStores(proxy);
  const choice = {
    policy: ctx.config.loadPolicy,
    spread: ctx.config.spread,
    user,
    members: view.members,
    fragmentNodes: mailMap,
    loadOf: withOutstanding(view.loadOf, outstanding, ctx.self),
    outstandingOf: (node: NodeId) => outstanding.get(node) ?? 0,
    random: (n: number) => random(ctx, n),
  };
  const to = chooseNode(choice);
  const msg = { msgId: s.msgId, body: s.body, sizeBytes: s.sizeBytes };
  // With replication the chosen node coordinates and R-1 more replicas are chosen the same way (docs/replication.md).
  const replicas = ctx.config.replicas === undefined ? undefined : chooseReplicas(choice, to, ctx.config.replicas);
  // B6: a view with fewer members than ackReplicas (a minority partition) cannot make enough durable copies
  // for a truthful 250: a temporary failure at once, the client retries once the partition heals.
  if (replicas !== undefined && replicas.length < (ctx.config.ackReplicas ?? ackReplicasDefault(ctx.config.replicas ?? 1))) {
    // The session as it is now: an earlier recipient of this DATA may have been answered synchronously too.
    const cur = proxy.sessions.get(session);
    return setResult(ctx, proxy, session, cur?.kind === 'smtpData' ? cur : s, index, 451);
  }
  return startCall(ctx, proxy, { kind: 'store', session, to, index }, (rid) =>
    replicas === undefined ? { kind: 'storeMsg', rid, user, msg } : { kind: 'storeMsg', rid, user, msg, replicas },
  );
}

/**
 * This proxy's disk-bound RPCs in flight per target node, for load accounting (load/outstanding.ts): a store
 * writes the message to the target's disk. Counted straight off the map (no copy of the calls: this runs
 * for every store).
 */
function outstandingStores(proxy: ProxyState): Map<NodeId, number> {
  const out = new Map<NodeId, number>();
  proxy.calls.forEach((o) => {
    if (o.call.kind === 'store') out.set(o.call.to, (out.get(o.call.to) ?? 0) + 1);
  });
  return out;
}

export function onStoreDone(ctx: StepCtx, proxy: ProxyState, call: Extract<Call, { kind: 'store' }>, r: Stored | 'timeout'): ProxyState {
  const s = proxy.sessions.get(call.session);
  if (s === undefined || s.kind !== 'smtpData') return proxy;
  if (r !== 'timeout' && r.storageFailed !== true) trace(ctx, 'Deliver', { node: ctx.self, user: s.users[call.index], msgId: s.msgId, at: call.to });
  // 452 (RFC 5321 §4.2.2 "insufficient system storage"): the chosen node's disk refused the write.
  return setResult(ctx, proxy, call.session, s, call.index, r === 'timeout' ? 451 : r.storageFailed === true ? insufficientStorage : 250);
}

/** SMTP 452 for a recipient whose copy could not be stored; too many recipients is 452 as well (rcpt index). */
const insufficientStorage = 452;

function setResult(ctx: StepCtx, proxy: ProxyState, session: SessionId, s: SmtpDataSession, index: number, code: number): ProxyState {
  if (s.results[index] !== null) return proxy;
  const results = s.results.slice();
  results[index] = code === 250 ? { user: s.recipients[index], code, msgId: s.msgId } : { user: s.recipients[index], code };
  const next: SmtpDataSession = {
    kind: 'smtpData', msgId: s.msgId, body: s.body, sizeBytes: s.sizeBytes, recipients: s.recipients, users: s.users, results, open: s.open - 1,
  };
  return next.open === 0 ? finishData(ctx, proxy, session, next) : withSession(proxy, session, next);
}

/** Enhanced status texts (RFC 3463) for the overall DATA reply. */
function failureText(code: number, results: readonly RecipientResult[]): string {
  switch (code) {
    case 451:
      return '4.3.0 temporary failure for some recipients, try again later';
    case 452:
      // 452 is both "too many recipients" (the recipients past recipientsMax) and "insufficient storage".
      return results.length > recipientsMax ? '4.5.3 too many recipients' : '4.3.1 insufficient system storage';
    case 550:
      return '5.1.1 unknown recipients';
    case 552:
      return '5.3.4 message too big for system';
    case 553:
      return '5.1.3 bad recipient address syntax';
    case 554:
      return '5.5.1 no valid recipients';
  }
  return `${code} delivery failed`;
}

/** Overall code: 250 when every recipient got 250, else the first failing code, 451 winning over 5xx. */
function overallCode(results: readonly RecipientResult[]): number {
  if (results.length === 0) return 554;
  if (results.every((r) => r.code === 250)) return 250;
  if (results.some((r) => r.code === 451)) return 451;
  return results.find((r) => r.code !== 250)?.code ?? 554;
}

function finishData(ctx: StepCtx, proxy: ProxyState, session: SessionId, s: SmtpDataSession): ProxyState {
  const results = s.results.map((r, i) => r ?? { user: s.recipients[i], code: 451 });
  const code = overallCode(results);
  const text = code === 250 ? `2.0.0 queued as ${s.msgId}` : failureText(code, results);
  trace(ctx, 'Ack', { node: ctx.self, msgId: s.msgId, code });
  reply(ctx, session, { kind: 'smtpData', code, text, results });
  return withSession(proxy, session, undefined);
}
