// The proxies' soft state: client sessions with a transaction in flight (SMTP, admin) or open (POP), and the
// RPCs they are waiting for. Every outstanding RPC has a deadline; a periodic sweep timer (`rpc:sweep`,
// armed while any call is outstanding) times out the overdue ones. A reply or the timeout ends a call,
// whichever comes first, and the other is then a traced drop.
import type { RecipientResult } from '../client.js';
import type { Digest, Message, RequestId } from '../messages.js';
import { PMap } from '../pmap.js';
import { allocRid, send, type StepCtx } from '../step-context.js';
import type { MsgId, NodeId, SessionId, UserId } from '../types.js';
import type { UserMap } from '../user-map/user-map.js';
import { rpcSweepIntervalMs, rpcTimeoutMs } from './limits.js';

/** What the proxies need to know about the cluster (from the node). */
export interface ClusterView {
  readonly userMap: UserMap;
  /** Live nodes in node order. */
  readonly members: readonly NodeId[];
  readonly loadOf: (node: NodeId) => number;
  readonly incarnation: number;
  /** This data directory's instance (hard-state.ts): part of every minted message id. */
  readonly instance: string;
  /** False until this incarnation is durable: no message ids may be minted before (see hard-state.ts). */
  readonly ready: boolean;
}

/**
 * A manager's 'ok' answer to an RCPT lookup, kept for the DATA of the same transaction so that DATA need
 * not ask again (one lookup round trip per delivery instead of two). Soft state like the mail map itself:
 * it is reused only while fresh (same bucket assignment, see `bucketEpoch`, and younger than
 * rcptAnswerFreshMs); a mail map a little out of date only steers the load balancer, and the store's own
 * fragment notice keeps the manager's map right.
 */
export interface RcptAnswer {
  readonly user: UserId;
  readonly mailMap: readonly NodeId[];
  /** The manager asked, and the epoch of the user's bucket entry then: a moved bucket invalidates the answer. */
  readonly manager: NodeId;
  readonly bucketEpoch: number;
  /** This node's clock when the answer arrived (ms). */
  readonly at: number;
}

/** An RCPT lookup in flight; `known` holds the answers of earlier RCPTs of the transaction. */
export interface SmtpRcptSession {
  readonly kind: 'smtpRcpt';
  readonly user: UserId;
  readonly manager: NodeId;
  readonly bucketEpoch: number;
  readonly known: readonly RcptAnswer[];
}

/** A transaction with accepted recipients and nothing in flight: the next RCPT or DATA may come. */
export interface SmtpTxnSession {
  readonly kind: 'smtpTxn';
  readonly known: readonly RcptAnswer[];
}

export interface SmtpDataSession {
  readonly kind: 'smtpData';
  readonly msgId: MsgId;
  readonly body: string;
  readonly sizeBytes: number;
  /** Recipient names as the client gave them (results echo them). */
  readonly recipients: readonly string[];
  /** Canonical user per recipient (null where the name was bad). */
  readonly users: readonly (UserId | null)[];
  readonly results: readonly (RecipientResult | null)[];
  readonly open: number;
}

export interface MaildropEntry {
  readonly msgId: MsgId;
  readonly sizeBytes: number;
  /** Every node that listed this message (a duplicate stored twice is shown once, deleted everywhere). */
  readonly nodes: readonly NodeId[];
}

export type PopPhase = 'lookup' | 'password' | 'gather' | 'ready' | 'retr' | 'quitLookup' | 'quit';

export interface PopSession {
  readonly kind: 'pop';
  readonly phase: PopPhase;
  readonly user: UserId;
  /** Held only between USER/PASS and the lookup reply, then handed to `checkPassword` and dropped. */
  readonly password: string;
  readonly mailMap: readonly NodeId[];
  readonly gathered: readonly { readonly node: NodeId; readonly items: readonly Digest[] }[];
  readonly unreachable: readonly NodeId[];
  readonly maildrop: readonly MaildropEntry[];
  readonly marked: readonly MsgId[];
  /** Outstanding digest or delete RPCs of the current phase. */
  readonly open: number;
  readonly failed: boolean;
}

export interface AdminSession {
  readonly kind: 'admin';
  readonly user: UserId;
}

/** A user listing: the members' answers merged so far. */
export interface AdminListSession {
  readonly kind: 'adminList';
  readonly users: readonly UserId[];
  readonly open: number;
  readonly failed: boolean;
}

export type Session = SmtpRcptSession | SmtpTxnSession | SmtpDataSession | PopSession | AdminSession | AdminListSession;

export type Call =
  | { readonly kind: 'rcpt'; readonly session: SessionId; readonly to: NodeId }
  | { readonly kind: 'deliverLookup'; readonly session: SessionId; readonly to: NodeId; readonly index: number }
  | { readonly kind: 'store'; readonly session: SessionId; readonly to: NodeId; readonly index: number }
  | { readonly kind: 'auth'; readonly session: SessionId; readonly to: NodeId }
  | { readonly kind: 'digests'; readonly session: SessionId; readonly to: NodeId }
  /** `attempt` indexes the maildrop entry's nodes: a failed fetch tries the next node that listed the message. */
  | { readonly kind: 'fetch'; readonly session: SessionId; readonly to: NodeId; readonly msgId: MsgId; readonly attempt: number }
  | { readonly kind: 'delete'; readonly session: SessionId; readonly to: NodeId }
  /** QUIT with deletions: the user's current mail map, before the deletes are sent (B8). */
  | { readonly kind: 'quitLookup'; readonly session: SessionId; readonly to: NodeId }
  | { readonly kind: 'admin'; readonly session: SessionId; readonly to: NodeId }
  | { readonly kind: 'adminList'; readonly session: SessionId; readonly to: NodeId };

export interface ProxyState {
  readonly sessions: PMap<Session>;
  /** Outstanding RPCs by request id. */
  readonly calls: PMap<Outstanding, RequestId>;
  /** Whether the sweep timer is set (it is, whenever `calls` is not empty). */
  readonly sweepArmed: boolean;
  /** Outstanding password checks by id → session. */
  readonly checks: PMap<SessionId, number>;
  /** Counter of message ids minted in this incarnation. */
  readonly msgCounter: number;
}

export function emptyProxyState(): ProxyState {
  return { sessions: PMap.empty(), calls: PMap.empty(), sweepArmed: false, checks: PMap.empty(), msgCounter: 0 };
}

export interface Outstanding {
  readonly call: Call;
  /** This node's clock (ms) after which the call has timed out. */
  readonly deadline: number;
}

export const rpcSweepTimer = 'rpc:sweep';

/** `{ ...p, ...q }` written out (hot path; see patchNode in node-state.ts for why). */
export function patchProxy(p: ProxyState, q: Partial<ProxyState>): ProxyState {
  return {
    sessions: q.sessions !== undefined ? q.sessions : p.sessions,
    calls: q.calls !== undefined ? q.calls : p.calls,
    sweepArmed: q.sweepArmed !== undefined ? q.sweepArmed : p.sweepArmed,
    checks: q.checks !== undefined ? q.checks : p.checks,
    msgCounter: q.msgCounter !== undefined ? q.msgCounter : p.msgCounter,
  };
}

export function armSweep(ctx: StepCtx): void {
  ctx.effects.push({ kind: 'setTimer', timer: rpcSweepTimer, afterMs: rpcSweepIntervalMs });
}

/** Sends an RPC request built from a fresh rid and records the call with its deadline. */
export function startCall(ctx: StepCtx, proxy: ProxyState, call: Call, build: (rid: RequestId) => Message): ProxyState {
  const rid = allocRid(ctx);
  send(ctx, call.to, build(rid));
  if (!proxy.sweepArmed) armSweep(ctx);
  return patchProxy(proxy, { sweepArmed: true, calls: proxy.calls.set(rid, { call, deadline: ctx.env.now + rpcTimeoutMs }) });
}

/** Ends a call (on its reply or its timeout). */
export function endCall(proxy: ProxyState, rid: RequestId): ProxyState {
  return patchProxy(proxy, { calls: proxy.calls.delete(rid) });
}

export function withSession(proxy: ProxyState, id: SessionId, s: Session | undefined): ProxyState {
  const sessions = s === undefined ? proxy.sessions.delete(id) : proxy.sessions.set(id, s);
  return sessions === proxy.sessions ? proxy : patchProxy(proxy, { sessions });
}
