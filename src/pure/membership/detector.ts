// Change detection (PORCUPINE.md "Self-management"): RPC timeouts reported by the node, a ping ring
// (each member pings the next member in NodeId order, the last pings the first) and the coordinator's
// periodic probes of every known non-member. A detected change arms the `start` timer after a random
// delay of up to `roundJitterMs`, so two nodes seeing the same failure rarely propose at once.
import { randomInt } from '../random.js';
import type { Env, NodeId } from '../types.js';
import { compareProposal, viewIdOf, type MembershipEffect, type MembershipTimer, type ViewId } from './messages.js';
import { successorOf, withClock, withKnown, type MembershipState } from './state.js';

type Out = MembershipEffect[];

export type ChangeReason =
  | 'boot'
  | 'successorSilent'
  | 'viewMismatch'
  | 'outsiderFound'
  | 'rpcTimeout'
  | 'outbid'
  | 'coordinatorSilent'
  | 'excluded';

export function setTimer(out: Out, timer: MembershipTimer, afterMs: number): void {
  out.push({ kind: 'setTimer', timer, afterMs });
}

/** Remember that a change needs a round, and arm the jittered `start` timer unless it is armed already. */
export function detectChange(s: MembershipState, reason: ChangeReason, peer: NodeId | null, env: Env, out: Out): MembershipState {
  out.push({ kind: 'trace', action: 'DetectChange', args: { node: s.self, reason, peer } });
  if (s.startPending) return { ...s, wantRound: true };
  setTimer(out, 'start', 1 + randomInt(env, 0x6d656d, s.limits.roundJitterMs));
  return { ...s, wantRound: true, startPending: true };
}

/** Ping timer: count the successor silent after `pingMisses` unanswered pings, else ping it again. */
export function onPingTimer(s0: MembershipState, env: Env, out: Out): MembershipState {
  setTimer(out, 'ping', s0.limits.pingIntervalMs);
  const s = pingSuspects(s0, env, out);
  const next = successorOf(s.view, s.self);
  if (next === undefined || s.bugs.noPingRing) return s; // seeded bug: the ring is off
  if (s.pingsUnanswered >= s.limits.pingMisses) {
    return detectChange({ ...s, pingsUnanswered: 0 }, 'successorSilent', next, env, out);
  }
  out.push({ kind: 'send', to: next, message: { kind: 'memPing', view: viewIdOf(s.view) } });
  return { ...s, pingsUnanswered: s.pingsUnanswered + 1 };
}

/** Suspected members are pinged like a successor; `pingMisses` silent ticks make a change. */
function pingSuspects(s: MembershipState, env: Env, out: Out): MembershipState {
  let next = s;
  const still: { node: NodeId; unanswered: number }[] = [];
  for (const x of s.suspects) {
    if (!s.view.members.includes(x.node)) continue;
    if (x.unanswered >= s.limits.pingMisses) {
      next = detectChange(next, 'rpcTimeout', x.node, env, out);
      continue;
    }
    out.push({ kind: 'send', to: x.node, message: { kind: 'memPing', view: viewIdOf(s.view) } });
    still.push({ node: x.node, unanswered: x.unanswered + 1 });
  }
  return s.suspects.length === 0 && still.length === 0 ? next : { ...next, suspects: still };
}

export function onPing(s: MembershipState, from: NodeId, id: ViewId, out: Out): MembershipState {
  out.push({ kind: 'send', to: from, message: { kind: 'memPong', view: viewIdOf(s.view) } });
  return withKnown(withClock(s, id.epoch), [from]);
}

/** A pong from the successor resets its silence; a different view id means the views diverged. */
export function onPong(s: MembershipState, from: NodeId, id: ViewId, env: Env, out: Out): MembershipState {
  let next = withKnown(withClock(s, id.epoch), [from]);
  if (from === successorOf(s.view, s.self)) next = { ...next, pingsUnanswered: 0 };
  if (next.suspects.some((x) => x.node === from)) next = { ...next, suspects: next.suspects.filter((x) => x.node !== from) };
  return onPeerView(next, from, id, env, out);
}

/** Probe timer: the coordinator of the view probes every known non-member (seeds included). */
export function onProbeTimer(s: MembershipState, out: Out): MembershipState {
  setTimer(out, 'probe', s.limits.probeIntervalMs);
  if (s.view.coordinator !== s.self || s.bugs.noProbes) return s; // seeded bug: no probes
  for (const n of s.known) {
    if (!s.view.members.includes(n)) out.push({ kind: 'send', to: n, message: { kind: 'memProbe', view: viewIdOf(s.view) } });
  }
  return s;
}

export function onProbe(s: MembershipState, from: NodeId, id: ViewId, out: Out): MembershipState {
  out.push({ kind: 'send', to: from, message: { kind: 'memProbeReply', view: viewIdOf(s.view) } });
  return withKnown(withClock(s, id.epoch), [from]);
}

export function onProbeReply(s: MembershipState, from: NodeId, id: ViewId, env: Env, out: Out): MembershipState {
  return onPeerView(withKnown(withClock(s, id.epoch), [from]), from, id, env, out);
}

/**
 * What a peer's view id tells us. Same view: nothing. A member behind us missed round 3: re-send it the
 * commit (cheaper than a round). A peer outside our view, or ahead of us in a view we did not hear of
 * and have not accepted: a change.
 */
function onPeerView(s: MembershipState, from: NodeId, id: ViewId, env: Env, out: Out): MembershipState {
  const member = s.view.members.includes(from);
  const order = compareProposal(id, viewIdOf(s.view));
  if (member && order === 0) return s;
  if (member && order < 0) {
    out.push({ kind: 'send', to: from, message: { kind: 'memCommit', view: s.view } });
    return s;
  }
  if (s.phase.kind === 'accepted' && compareProposal(s.phase.proposal, id) === 0) return s; // its commit is on the way
  return detectChange(s, member ? 'viewMismatch' : 'outsiderFound', from, env, out);
}

/**
 * The node's RPC to `peer` timed out: if the peer is a member, watch it (pinged every tick until it
 * answers; `pingMisses` silent ticks make a change). Non-members are the prober's business.
 */
export function onPeerSuspected(s: MembershipState, peer: NodeId, out: Out): MembershipState {
  if (peer === s.self || !s.view.members.includes(peer) || s.suspects.some((x) => x.node === peer)) return s;
  out.push({ kind: 'trace', action: 'SuspectPeer', args: { node: s.self, peer } });
  return { ...s, suspects: [...s.suspects, { node: peer, unanswered: 0 }] };
}
