// The membership reducer: one entry point (STYLE.md habit 2) routing detection and the three rounds.
// The node reducer owns the wiring: it wraps MembershipMessage in its Message union, maps the timers to
// `membership/<name>` keys, calls `peerSuspected` when an RPC times out, and on `installed` switches its
// user map and starts soft-state reconstruction (src/pure/soft-state/reconstruct.ts).
import { assertNever } from '../assert.js';
import type { Env, NodeId } from '../types.js';
import type { BucketOwner } from '../user-map/reassign.js';
import {
  detectChange,
  onPeerSuspected,
  onPing,
  onPingTimer,
  onPong,
  onProbe,
  onProbeReply,
  onProbeTimer,
  setTimer,
} from './detector.js';
import type { MembershipBugs } from './bugs.js';
import type { MembershipLimits } from './limits.js';
import type { MembershipEffect, MembershipInput, MembershipMessage, MembershipTimer } from './messages.js';
import { onAccept, onCommit, onCommitTimer, onNack, onNewGroup, onRoundTimer, onStartTimer } from './rounds.js';
import { initialMembership, type MembershipState } from './state.js';

export interface MembershipStep {
  readonly state: MembershipState;
  readonly effects: readonly MembershipEffect[];
}

/**
 * A (re)started node: provisional epoch-0 view over the seeds, ping and probe timers armed, and a round
 * wanted at once, since a new incarnation must be admitted before it serves soft state.
 */
export function bootMembership(
  self: NodeId,
  seeds: readonly NodeId[],
  initialMap: readonly BucketOwner[],
  env: Env,
  limits?: MembershipLimits,
  bugs?: MembershipBugs,
): MembershipStep {
  const out: MembershipEffect[] = [];
  const s0 = initialMembership(self, seeds, initialMap, limits, bugs);
  setTimer(out, 'ping', s0.limits.pingIntervalMs);
  setTimer(out, 'probe', s0.limits.probeIntervalMs);
  const state = detectChange({ ...s0, wantRound: false }, 'boot', null, env, out);
  return { state, effects: out };
}

export function stepMembership(s: MembershipState, input: MembershipInput, env: Env): MembershipStep {
  const out: MembershipEffect[] = [];
  let state: MembershipState;
  switch (input.kind) {
    case 'message':
      state = onMessage(s, input.from, input.message, env, out);
      break;
    case 'timer':
      state = onTimer(s, input.timer, env, out);
      break;
    case 'peerSuspected':
      state = onPeerSuspected(s, input.peer, out);
      break;
    default:
      return assertNever(input, 'membership input');
  }
  return { state, effects: out };
}

function onMessage(s: MembershipState, from: NodeId, m: MembershipMessage, env: Env, out: MembershipEffect[]): MembershipState {
  switch (m.kind) {
    case 'memPing':
      return onPing(s, from, m.view, out);
    case 'memPong':
      return onPong(s, from, m.view, env, out);
    case 'memProbe':
      return onProbe(s, from, m.view, out);
    case 'memProbeReply':
      return onProbeReply(s, from, m.view, env, out);
    case 'memNewGroup':
      return onNewGroup(s, from, m.proposal, out);
    case 'memAccept':
      return onAccept(s, from, m, out);
    case 'memNack':
      return onNack(s, from, m, env, out);
    case 'memCommit':
      return onCommit(s, from, m.view, env, out);
    default:
      return assertNever(m, 'membership message');
  }
}

function onTimer(s: MembershipState, t: MembershipTimer, env: Env, out: MembershipEffect[]): MembershipState {
  switch (t) {
    case 'ping':
      return onPingTimer(s, env, out);
    case 'probe':
      return onProbeTimer(s, out);
    case 'start':
      return onStartTimer(s, out, env.now);
    case 'round':
      return onRoundTimer(s, out);
    case 'commit':
      return onCommitTimer(s, env, out);
    default:
      return assertNever(t, 'membership timer');
  }
}
