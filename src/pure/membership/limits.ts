// Every timer and bound of the membership protocol, in one place (STYLE.md habit 4). All values are ms of
// the node's own clock; the simulator maps them onto virtual time. The relationships between them are
// what makes the protocol live, so they are asserted whenever a set of limits is built, not assumed.
import { assert } from '../assert.js';

export interface MembershipLimits {
  /** How often a node pings its successor on the ring (PORCUPINE.md "Self-management": ping ring). */
  readonly pingIntervalMs: number;
  /** Consecutive unanswered pings after which the successor is suspected and a round starts. */
  readonly pingMisses: number;
  /** How often the coordinator of the current epoch probes every known non-member (merges partitions). */
  readonly probeIntervalMs: number;
  /** Round 2: how long a coordinator collects `accept`s before committing with those who answered. */
  readonly roundTimeoutMs: number;
  /** A participant that accepted a proposal but saw no round 3 within this gives up and starts a round. */
  readonly commitTimeoutMs: number;
  /** Upper bound of the random delay between detecting a change and proposing (breaks duels). */
  readonly roundJitterMs: number;
  /** Largest one-way delivery time we plan for; rounds must outlast a request/answer exchange. */
  readonly packetLifetimeMaxMs: number;
}

export const defaultMembershipLimits: MembershipLimits = checkMembershipLimits({
  pingIntervalMs: 1_000,
  pingMisses: 3,
  probeIntervalMs: 3_000,
  roundTimeoutMs: 400,
  commitTimeoutMs: 1_500,
  roundJitterMs: 300,
  packetLifetimeMaxMs: 100,
});

/** Returns `l` after asserting the relationships the protocol relies on. */
export function checkMembershipLimits(l: MembershipLimits): MembershipLimits {
  for (const [name, v] of Object.entries(l)) {
    assert(Number.isInteger(v) && v > 0, `membership limit ${name} must be a positive integer, got ${v}`);
  }
  // Round 2 must leave time for newGroup to reach every node and the accept to come back.
  assert(l.roundTimeoutMs >= 2 * l.packetLifetimeMaxMs, 'roundTimeoutMs < 2 * packetLifetimeMaxMs');
  // A participant must not give up on a live coordinator: round 2, then the commit's own trip.
  assert(
    l.commitTimeoutMs > l.roundTimeoutMs + l.roundJitterMs + 2 * l.packetLifetimeMaxMs,
    'commitTimeoutMs must exceed roundTimeoutMs + roundJitterMs + 2 * packetLifetimeMaxMs',
  );
  // A pong must be able to come back before the next ping counts the previous one as missed.
  assert(l.pingIntervalMs > 2 * l.packetLifetimeMaxMs, 'pingIntervalMs <= 2 * packetLifetimeMaxMs');
  // Suspecting a node must take longer than one whole round, or rounds would suspect their own members.
  assert(
    l.pingIntervalMs * l.pingMisses > l.roundTimeoutMs + l.roundJitterMs,
    'pingIntervalMs * pingMisses must exceed roundTimeoutMs + roundJitterMs',
  );
  return l;
}

/** The time a single uncontended round takes from detection to the last commit delivered. */
export function roundDurationMaxMs(l: MembershipLimits): number {
  return l.roundJitterMs + l.roundTimeoutMs + l.packetLifetimeMaxMs;
}

/**
 * How long after faults stop a change is certainly detected: a dead successor needs `pingMisses + 1`
 * ping periods; a divergent view is seen by the next pong; a merge by the next probe and its answer.
 */
export function detectionMaxMs(l: MembershipLimits): number {
  return Math.max(l.pingIntervalMs * (l.pingMisses + 1), l.probeIntervalMs) + 2 * l.packetLifetimeMaxMs;
}
