// Routing of messages, timers and disk completions to the module that owns them (node.ts's switchboard).
import { assertNever } from './assert.js';
import type { Message } from './messages.js';
import { loadRingIntervalMs } from './load/limits.js';
import { learnLoad, loadTableEntries, mergeLoadTable, ringSuccessor } from './load/load-table.js';
import * as mailbox from './mailbox/mailbox.js';
import { canDenyExistence, clusterView, ownPending, patchNode, withProxy, type NodeState } from './node-state.js';
import { onReply, onRpcSweep } from './proxy/proxy.js';
import { rpcSweepTimer } from './proxy/proxy-state.js';
import { onLookupUser, onMailMapUpdate } from './soft-state/manager.js';
import { send, trace, type StepCtx } from './step-context.js';
import type { NodeId } from './types.js';
import type { PersistFailure } from './io.js';
import * as userDb from './user-db/user-db-manager.js';
import { isReplicationTimer } from './replication/timers.js';
import {
  onReplicatedDelete,
  onReplicatedSetProfile,
  onReplicatedStore,
  onReplicationMessage,
  onReplicationPersisted,
  onReplicationPersistFailed,
  onReplicationTimer,
  ownsReplicationPersist,
  replicationEnabled,
} from './replication/node-glue.js';
import { isMembershipTimerKey, routeMembershipMessage, routeMembershipTimer, suspectOverduePeers } from './membership/node-membership.js';
import { onReconstructRetry, onSoftStateReport, onSoftStateReportAck, reconstructRetryTimer } from './soft-state/reconstruct-node.js';

export const loadRingTimer = 'load:ring';

export function startLoadRing(ctx: StepCtx): void {
  ctx.effects.push({ kind: 'setTimer', timer: loadRingTimer, afterMs: loadRingIntervalMs });
}

export function routeMessage(ctx: StepCtx, s: NodeState, from: NodeId, m: Message): NodeState {
  switch (m.kind) {
    case 'lookupUser':
      onLookupUser(ctx, s.manager, s.hard.userDb, s.userMap, canDenyExistence(s), from, m);
      return s;
    case 'setProfile': {
      if (replicationEnabled(s)) return onReplicatedSetProfile(ctx, s, from, m);
      const r = userDb.onSetProfile(ctx, s.userDb, s.hard, s.userMap, from, m);
      return patchNode(s, { userDb: r.st, hard: r.hard });
    }
    case 'storeMsg':
      if (replicationEnabled(s)) return onReplicatedStore(ctx, s, from, m);
      return withMailbox(s, mailbox.onStoreMsg(ctx, s, from, m));
    case 'deleteMsgs':
      if (replicationEnabled(s)) return onReplicatedDelete(ctx, s, from, m);
      return withMailbox(s, mailbox.onDeleteMsgs(ctx, s, from, m));
    case 'listDigests':
      mailbox.onListDigests(ctx, s.hard, from, m);
      return s;
    case 'fetchMsg':
      mailbox.onFetchMsg(ctx, s.hard, from, m);
      return s;
    case 'mailMapUpdate':
      return patchNode(s, { manager: onMailMapUpdate(ctx, s.manager, s.userMap, from, m) });
    case 'mailMapAck':
      return patchNode(s, { mailbox: mailbox.onMailMapAck(s.mailbox, m) });
    case 'loadRing':
      return patchNode(s, { load: mergeLoadTable(s.load, ctx.self, m.table) });
    case 'memPing':
    case 'memPong':
    case 'memProbe':
    case 'memProbeReply':
    case 'memNewGroup':
    case 'memAccept':
    case 'memNack':
    case 'memCommit':
      return routeMembershipMessage(ctx, s, from, m);
    case 'softStateReport':
      return onSoftStateReport(ctx, s, from, m);
    case 'softStateReportAck':
      return onSoftStateReportAck(s, from, m);
    case 'replPush':
    case 'replAck':
    case 'replNack':
    case 'replRetire':
    case 'replReconcile':
    case 'replReconciled':
      return onReplicationMessage(ctx, s, from, m);
    case 'listUsers':
      send(ctx, from, { kind: 'userList', rid: m.rid, users: userDb.liveProfileUsers(s.hard.userDb), load: ctx.load });
      return s;
    case 'userList':
    case 'userInfo':
    case 'profileSet':
    case 'stored':
    case 'digests':
    case 'fetched':
    case 'deleted': {
      const load = learnLoad(s.load, ctx.self, from, m.load);
      if (load === s.load) return withProxy(s, onReply(ctx, s.proxy, clusterView(ctx, s), from, m));
      // `next` was built just now and nobody else holds it: the proxy slice is set in place rather than
      // copying all of NodeState a second time (hot path: every RPC reply passes here).
      const next = patchNode(s, { load }) as { -readonly [K in keyof NodeState]: NodeState[K] };
      next.proxy = onReply(ctx, next.proxy, clusterView(ctx, next), from, m);
      return next;
    }
  }
  return assertNever(m, 'message');
}

function withMailbox(s: NodeState, r: mailbox.MailboxStep): NodeState {
  return r.hard === s.hard && r.mailbox === s.mailbox ? s : patchNode(s, { hard: r.hard, mailbox: r.mailbox });
}

export function routeTimer(ctx: StepCtx, s: NodeState, timer: string): NodeState {
  if (timer === rpcSweepTimer) {
    const t = suspectOverduePeers(ctx, s); // RPC timeouts are a failure detector too (membership)
    return patchNode(t, { proxy: onRpcSweep(ctx, t.proxy, clusterView(ctx, t)) });
  }
  if (isMembershipTimerKey(timer)) return routeMembershipTimer(ctx, s, timer);
  if (timer === reconstructRetryTimer) return onReconstructRetry(ctx, s);
  if (timer === loadRingTimer) {
    onLoadRingTimer(ctx, s);
    return s;
  }
  if (timer === mailbox.noticeTimer) return patchNode(s, { mailbox: mailbox.onNoticeTimer(ctx, s.mailbox, s.userMap) });
  if (isReplicationTimer(timer)) return onReplicationTimer(ctx, s, timer);
  trace(ctx, 'Drop', { input: 'timer', timer, reason: 'unknown timer' });
  return s;
}

/** The ring pass (PORCUPINE.md "Load balancing"): our load table goes to the next node in node order. */
function onLoadRingTimer(ctx: StepCtx, s: NodeState): void {
  const next = ringSuccessor(s.members, ctx.self);
  if (next !== undefined) {
    send(ctx, next, { kind: 'loadRing', table: loadTableEntries(s.load, ctx.self, { pending: ownPending(s), at: ctx.env.now }) });
  }
  startLoadRing(ctx);
}

export function routePersisted(ctx: StepCtx, s: NodeState, id: number): NodeState {
  if (id === s.bootPersistId) {
    if (s.ready) return s;
    trace(ctx, 'Ready', { node: ctx.self, incarnation: s.incarnation });
    return patchNode(s, { ready: true });
  }
  const write = s.mailbox.pending.get(id);
  if (write !== undefined) return withMailbox(s, mailbox.onPersisted(ctx, s, s.userMap, id, write));
  const profile = s.userDb.pending.get(id);
  if (profile !== undefined) return patchNode(s, { userDb: userDb.onPersisted(ctx, s.userDb, id, profile) });
  if (ownsReplicationPersist(s, id)) return onReplicationPersisted(ctx, s, id);
  trace(ctx, 'Drop', { input: 'persisted', id, reason: 'no pending write' });
  return s;
}

/**
 * A write could not be made durable (io.ts `persistFailed`): whoever waits on it is told "not stored" (the
 * proxy answers SMTP 452 / POP -ERR [SYS/TEMP]) and nothing is acknowledged. Memory keeps the write applied;
 * the runtime reboots the node from its disk once writes succeed again (docs/decisions.md).
 */
export function routePersistFailed(ctx: StepCtx, s: NodeState, id: number, reason: PersistFailure): NodeState {
  trace(ctx, 'Drop', { input: 'persistFailed', id, reason });
  if (id === s.bootPersistId) return s; // not ready: requests get 451 until the runtime reboots the node
  const write = s.mailbox.pending.get(id);
  if (write !== undefined) return withMailbox(s, mailbox.onPersistFailed(ctx, s, id, write));
  const profile = s.userDb.pending.get(id);
  if (profile !== undefined) return patchNode(s, { userDb: userDb.onPersistFailed(ctx, s.userDb, id, profile) });
  if (ownsReplicationPersist(s, id)) return onReplicationPersistFailed(ctx, s, id);
  return s;
}
