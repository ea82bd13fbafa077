// The schedule runner of the membership-protocol property (properties/membership-protocol.test.ts), shared
// with the mutation test (test/membership/seeded-bugs.test.ts): the membership reducer alone in MembershipCluster,
// faults applied between gaps, then Agreement within the bound, stability and the safety of every install.
import fc from 'fast-check';
import { expect } from 'vitest';
import type { MembershipBugs } from '../../src/pure/membership/bugs.js';
import { defaultMembershipLimits, detectionMaxMs, roundDurationMaxMs } from '../../src/pure/membership/limits.js';
import { compareProposal, viewIdOf } from '../../src/pure/membership/messages.js';
import { MembershipCluster } from '../support/world-driver.js';
import { checkDriverRun, recordLifecycle } from '../support/driver-trace.js';

const L = defaultMembershipLimits;
/**
 * The agreement bound after faults stop: one detection, then up to three rounds — a duel costs at most
 * one extra round, and a coordinator that learns of more nodes in round 2 may leave one of them out
 * for one more round — each waiting at worst a commit timeout first.
 */
export const agreementBoundMs = detectionMaxMs(L) + 3 * (roundDurationMaxMs(L) + L.commitTimeoutMs);

const initial = ['n1', 'n2', 'n3', 'n4', 'n5'];
const joiners = ['n6', 'n7'];

type Fault =
  | { kind: 'crash'; node: string }
  | { kind: 'restart'; node: string }
  | { kind: 'join'; node: string; seed: string }
  | { kind: 'partition'; side: string[] }
  | { kind: 'heal' }
  | { kind: 'network'; lossRate: number; dupRate: number };

const faultArb: fc.Arbitrary<Fault> = fc.oneof(
  fc.record({ kind: fc.constant('crash' as const), node: fc.constantFrom(...initial, ...joiners) }),
  fc.record({ kind: fc.constant('restart' as const), node: fc.constantFrom(...initial, ...joiners) }),
  fc.record({ kind: fc.constant('join' as const), node: fc.constantFrom(...joiners), seed: fc.constantFrom(...initial) }),
  fc.record({ kind: fc.constant('partition' as const), side: fc.subarray([...initial, ...joiners], { minLength: 1 }) }),
  fc.constant({ kind: 'heal' as const }),
  fc.record({
    kind: fc.constant('network' as const),
    lossRate: fc.constantFrom(0, 0.1, 0.3),
    dupRate: fc.constantFrom(0, 0.1),
  }),
);

export const scheduleArb = fc.record({
  seed: fc.integer({ min: 1, max: 1_000_000 }),
  steps: fc.array(fc.record({ gapMs: fc.integer({ min: 0, max: 3_000 }), fault: faultArb }), { maxLength: 8 }),
});

function applyFault(c: MembershipCluster, f: Fault): void {
  const running = (n: string) => c.states.get(n) !== undefined && c.states.get(n) !== null;
  switch (f.kind) {
    case 'crash':
      if (running(f.node) && c.live().length > 1) c.crash(f.node);
      return;
    case 'restart':
      if (c.states.has(f.node)) {
        if (running(f.node)) c.crash(f.node);
        c.boot(f.node, initial);
      }
      return;
    case 'join':
      // A joiner knows the configured seed list plus `seed` first; a node whose every seed is dead
      // cannot find the cluster, which no protocol can fix.
      if (!c.states.has(f.node)) c.boot(f.node, [f.seed, ...initial]);
      return;
    case 'partition':
      c.groups.clear();
      for (const n of f.side) c.groups.set(n, 1);
      return;
    case 'heal':
      c.groups.clear();
      return;
    case 'network':
      c.faults = { lossRate: f.lossRate, dupRate: f.dupRate };
      return;
  }
}

/** Safety of every install: view ids grow at each node, members include the node, the map is balanced. */
function checkInstalls(c: MembershipCluster): void {
  for (const i of c.installs) {
    expect(compareProposal(viewIdOf(i.view), viewIdOf(i.previous))).toBeGreaterThan(0);
    expect(i.view.members).toContain(i.node);
    const counts = new Map<string, number>();
    for (const e of i.view.map) counts.set(e.node, (counts.get(e.node) ?? 0) + 1);
    const lo = Math.floor(256 / i.view.members.length);
    for (const m of i.view.members) expect([lo, Math.ceil(256 / i.view.members.length)]).toContain(counts.get(m) ?? 0);
    // Entries are stamped with the epoch that assigned them: never one from the future.
    for (const e of i.view.map) expect(e.epoch).toBeLessThanOrEqual(i.view.epoch);
  }
}

export type Schedule = typeof scheduleArb extends fc.Arbitrary<infer T> ? T : never;

/**
 * Runs one schedule and asserts Agreement within the bound, stability and install safety; returns how long
 * after healing the nodes agreed. `bugs`: seeded bugs, for test/membership/seeded-bugs.test.ts only.
 */
export function checkProtocolSchedule({ seed, steps }: Schedule, bugs: MembershipBugs = {}): number {
  const c = new MembershipCluster(initial, seed);
  c.bugs = bugs;
  // Runs without seeded bugs are validated against spec/PorcupineMembership.tla (seeded-bug runs must fail
  // through the property they test).
  const validated = Object.keys(bugs).length === 0;
  if (validated) recordLifecycle(c, { boots: true });
  for (const n of initial) c.boot(n);
  for (const s of steps) {
    c.run(s.gapMs);
    applyFault(c, s.fault);
  }
  c.groups.clear();
  c.faults = { lossRate: 0, dupRate: 0 };
  const healedAt = c.now;
  let agreedAt: number | null = null;
  while (c.now - healedAt <= agreementBoundMs) {
    c.run(100);
    if (c.disagreement() === null) agreedAt ??= c.now;
    else agreedAt = null;
  }
  expect(c.disagreement(), `no agreement ${agreementBoundMs} ms after healing`).toBeNull();
  expect(agreedAt).not.toBeNull();
  // Stability: nothing changes any more once agreed.
  const view = c.state(c.live()[0]).view;
  c.run(2 * detectionMaxMs(L));
  expect(c.state(c.live()[0]).view).toBe(view);
  checkInstalls(c);
  if (validated) checkDriverRun(c, `seed ${seed}`);
  return agreedAt! - healedAt;
}
