// The membership inside the node reducer: boots it, routes its messages and `membership/*` timers to
// stepMembership, turns RPC timeouts into suspicions, carries out its effects through the step context,
// and on `installed` hands over to soft-state reconstruction, which switches the node to the new map.
import type { Message } from '../messages.js';
import type { NodeState } from '../node-state.js';
import { send, type StepCtx } from '../step-context.js';
import { onReplicationViewChange } from '../replication/node-glue.js';
import { onViewInstalled } from '../soft-state/reconstruct-node.js';
import type { NodeId } from '../types.js';
import type { MembershipLimits } from './limits.js';
import { bootMembership, stepMembership } from './membership.js';
import {
  membershipTimerKey,
  membershipTimerPrefix,
  type MembershipEffect,
  type MembershipInput,
  type MembershipMessage,
  type MembershipTimer,
} from './messages.js';

const timers: readonly MembershipTimer[] = ['ping', 'probe', 'start', 'round', 'commit'];

/** At boot (after the node's own boot work): a provisional view over the configured nodes, a round wanted. */
export function bootNodeMembership(ctx: StepCtx, s: NodeState, limits?: MembershipLimits): NodeState {
  const r = bootMembership(ctx.self, s.members, s.userMap, ctx.env, limits, ctx.config.membershipBugs);
  return applyEffects(ctx, { ...s, membership: r.state }, r.effects);
}

export function isMembershipTimerKey(timer: string): boolean {
  return timer.startsWith(membershipTimerPrefix);
}

export function routeMembershipMessage(ctx: StepCtx, s: NodeState, from: NodeId, m: MembershipMessage): NodeState {
  return step(ctx, s, { kind: 'message', from, message: m });
}

export function routeMembershipTimer(ctx: StepCtx, s: NodeState, key: string): NodeState {
  const timer = timers.find((t) => membershipTimerKey(t) === key);
  if (timer === undefined) {
    ctx.effects.push({ kind: 'trace', action: 'Drop', args: { input: 'timer', timer: key, reason: 'unknown membership timer' } });
    return s;
  }
  return step(ctx, s, { kind: 'timer', timer });
}

/**
 * Detection by RPC timeouts (PORCUPINE.md "Self-management"): before the proxy's sweep times its overdue
 * calls out, every peer they went to is reported suspected. Read-only on the proxy's state.
 */
export function suspectOverduePeers(ctx: StepCtx, s0: NodeState): NodeState {
  const peers = new Set<NodeId>();
  s0.proxy.calls.forEach((o) => {
    if (o.deadline <= ctx.env.now && o.call.to !== ctx.self) peers.add(o.call.to);
  });
  let s = s0;
  for (const peer of [...peers].sort()) s = step(ctx, s, { kind: 'peerSuspected', peer });
  return s;
}

/** True once this incarnation belongs to an installed view: before that it serves no soft state. */
export function isJoinedNode(s: NodeState): boolean {
  return s.membership?.joined ?? false;
}

function step(ctx: StepCtx, s: NodeState, input: MembershipInput): NodeState {
  if (s.membership === undefined) return s;
  const r = stepMembership(s.membership, input, ctx.env);
  return applyEffects(ctx, { ...s, membership: r.state }, r.effects);
}

function applyEffects(ctx: StepCtx, s0: NodeState, effects: readonly MembershipEffect[]): NodeState {
  let s = s0;
  for (const e of effects) {
    switch (e.kind) {
      case 'send':
        send(ctx, e.to, e.message satisfies Message);
        break;
      case 'setTimer':
        ctx.effects.push({ kind: 'setTimer', timer: membershipTimerKey(e.timer), afterMs: e.afterMs });
        break;
      case 'cancelTimer':
        ctx.effects.push({ kind: 'cancelTimer', timer: membershipTimerKey(e.timer) });
        break;
      case 'trace':
        ctx.effects.push({ kind: 'trace', action: e.action, args: e.args });
        break;
      case 'installed':
        s = onViewInstalled(ctx, s, e.previous, e.view, e.selfJustJoined);
        s = onReplicationViewChange(ctx, s, e.previous.members, e.view.members);
        break;
    }
  }
  return s;
}
