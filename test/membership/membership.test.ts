// Scenario tests of the membership reducer in the mini world (harness.ts): boot, crash, restart,
// partition and merge, duelling coordinators, stale messages, and the limits' relationships.
import { describe, expect, it } from 'vitest';
import { checkMembershipLimits, defaultMembershipLimits, detectionMaxMs, roundDurationMaxMs } from '../../src/pure/membership/limits.js';
import { stepMembership } from '../../src/pure/membership/membership.js';
import { describeMap, describeMembership } from '../../src/pure/membership/state.js';
import { movedCount } from '../../src/pure/user-map/reassign.js';
import { MembershipCluster } from '../support/world-driver.js';

const L = defaultMembershipLimits;
/** After a change, agreement within detection + a few rounds (duels cost one extra round each). */
const settleMs = detectionMaxMs(L) + 3 * (roundDurationMaxMs(L) + L.commitTimeoutMs);
const nodes = (n: number) => Array.from({ length: n }, (_, i) => `n${i + 1}`);

function deepFreeze<T>(x: T): T {
  if (x !== null && typeof x === 'object' && !Object.isFrozen(x)) {
    Object.freeze(x);
    for (const v of Object.values(x)) deepFreeze(v);
  }
  return x;
}

function bootAll(c: MembershipCluster, ns: readonly string[]): void {
  for (const n of ns) c.boot(n);
  c.run(settleMs);
}

describe('membership limits', () => {
  it('accepts the defaults and rejects a round longer than the commit timeout', () => {
    expect(checkMembershipLimits(defaultMembershipLimits)).toBe(defaultMembershipLimits);
    expect(() => checkMembershipLimits({ ...L, commitTimeoutMs: L.roundTimeoutMs })).toThrow(/commitTimeoutMs/);
    expect(() => checkMembershipLimits({ ...L, pingMisses: 0 })).toThrow(/positive/);
  });
});

describe('membership scenarios', () => {
  it('a freshly booted cluster of 5 agrees on one epoch with every node a member and a balanced map', () => {
    const c = new MembershipCluster(nodes(5), 7);
    bootAll(c, nodes(5));
    expect(c.disagreement()).toBeNull();
    const view = c.state('n1').view;
    expect(view.epoch).toBeGreaterThan(0);
    const counts = new Map<string, number>();
    for (const e of view.map) counts.set(e.node, (counts.get(e.node) ?? 0) + 1);
    expect([...counts.values()].every((k) => k === 51 || k === 52)).toBe(true);
    // Every node was fresh in the first round: every bucket carries the new epoch (reports go everywhere).
    expect(view.map.every((e) => e.epoch === view.epoch)).toBe(true);
  });

  it('a crashed node is removed within the detection bound, and only its buckets move', () => {
    const c = new MembershipCluster(nodes(5), 11);
    bootAll(c, nodes(5));
    const before = c.state('n1').view;
    c.crash('n3');
    c.run(settleMs);
    expect(c.disagreement()).toBeNull();
    const after = c.state('n1').view;
    expect(after.members).toEqual(['n1', 'n2', 'n4', 'n5']);
    expect(movedCount(before.map, after.map)).toBe(before.map.filter((e) => e.node === 'n3').length);
    expect(after.map.every((e, b) => e.node !== before.map[b].node || e.epoch === before.map[b].epoch)).toBe(true);
  });

  it('a restarted node rejoins as a new incarnation: its kept buckets are re-stamped, selfJustJoined is reported', () => {
    const c = new MembershipCluster(nodes(4), 3);
    bootAll(c, nodes(4));
    c.crash('n2');
    c.boot('n2'); // restarts before anyone noticed the crash
    c.run(settleMs);
    expect(c.disagreement()).toBeNull();
    const view = c.state('n1').view;
    expect(view.members).toEqual(nodes(4));
    expect(view.map.filter((e) => e.node === 'n2').every((e) => e.epoch === view.epoch)).toBe(true);
    expect(c.installs.some((i) => i.node === 'n2' && i.selfJustJoined && i.view.epoch === view.epoch)).toBe(true);
  });

  it('a restarted node ignores a re-sent commit of a view from before its restart and is admitted by a new round', () => {
    const c = new MembershipCluster(nodes(3), 4);
    bootAll(c, nodes(3));
    const old = c.state('n1').view;
    c.crash('n2');
    c.boot('n2');
    // n1 pinged n2, saw it "behind" and re-sends its view's commit (onPeerView): n2 must not install it.
    c.inject('n2', { kind: 'message', from: 'n1', message: { kind: 'memCommit', view: old } });
    c.run(1);
    expect(c.state('n2').joined).toBe(false);
    expect(c.traces.some((t) => t.node === 'n2' && t.action === 'DropStale')).toBe(true);
    c.run(settleMs);
    expect(c.disagreement()).toBeNull();
    const view = c.state('n1').view;
    expect(view.epoch).toBeGreaterThan(old.epoch);
    expect(view.map.filter((e) => e.node === 'n2').every((e) => e.epoch === view.epoch)).toBe(true);
  });

  it('a partition splits the cluster into two agreeing groups, and the coordinators probes merge them again', () => {
    const c = new MembershipCluster(nodes(5), 5);
    bootAll(c, nodes(5));
    for (const n of ['n4', 'n5']) c.groups.set(n, 1);
    c.run(settleMs);
    expect(c.disagreement(['n1', 'n2', 'n3'])).toBeNull();
    expect(c.disagreement(['n4', 'n5'])).toBeNull();
    c.groups.clear();
    c.run(settleMs);
    expect(c.disagreement()).toBeNull();
  });

  it('a new node that only knows one seed is found and admitted', () => {
    const c = new MembershipCluster(nodes(3), 9);
    bootAll(c, nodes(3));
    c.boot('n9', ['n2']);
    c.run(settleMs);
    expect(c.disagreement()).toBeNull();
    expect(c.state('n1').view.members).toEqual(['n1', 'n2', 'n3', 'n9']);
  });

  it('two nodes that detect a failure at once duel, and the larger proposal wins everywhere', () => {
    const c = new MembershipCluster(nodes(4), 13);
    bootAll(c, nodes(4));
    c.crash('n4');
    c.inject('n1', { kind: 'peerSuspected', peer: 'n4' });
    c.inject('n2', { kind: 'peerSuspected', peer: 'n4' });
    c.run(settleMs);
    expect(c.disagreement()).toBeNull();
    expect(c.state('n1').view.members).toEqual(['n1', 'n2', 'n3']);
  });

  it('converges under 20% message loss and 10% duplication once the faults stop', () => {
    const c = new MembershipCluster(nodes(6), 21);
    c.faults = { lossRate: 0.2, dupRate: 0.1 };
    bootAll(c, nodes(6));
    c.crash('n5');
    c.run(settleMs);
    c.faults = { lossRate: 0, dupRate: 0 };
    c.run(2 * settleMs);
    expect(c.disagreement()).toBeNull();
  });

  it('ignores a stale commit and refuses a stale proposal as traced drops, with frozen input state', () => {
    const c = new MembershipCluster(nodes(3), 2);
    bootAll(c, nodes(3));
    const s = deepFreeze(c.state('n1'));
    const old = { ...s.view, epoch: 0 };
    const r1 = stepMembership(s, { kind: 'message', from: 'n2', message: { kind: 'memCommit', view: old } }, { now: 0, entropy: 1 });
    expect(r1.state.view).toBe(s.view);
    expect(r1.effects).toEqual([expect.objectContaining({ kind: 'trace', action: 'DropStale' })]);
    const r2 = stepMembership(
      s,
      { kind: 'message', from: 'n2', message: { kind: 'memNewGroup', proposal: { epoch: 0, coordinator: 'n2' } } },
      { now: 0, entropy: 1 },
    );
    expect(r2.effects).toContainEqual({ kind: 'send', to: 'n2', message: { kind: 'memNack', proposal: { epoch: 0, coordinator: 'n2' }, clock: s.clock } });
  });

  it('renders the state and the map canonically', () => {
    const c = new MembershipCluster(nodes(3), 2);
    bootAll(c, nodes(3));
    const s = c.state('n2');
    expect(describeMembership(s)).toBe(`n2 e=${s.view.epoch} coord=${s.view.coordinator} members=[n1,n2,n3] clock=${s.clock} idle`);
    expect(describeMap(s.view.map)).toBe('0-85:n1 86-170:n2 171-255:n3');
  });
});
