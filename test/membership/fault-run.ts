// A fault-schedule runner for the membership property (properties/membership.test.ts) and for replaying
// its counterexamples: the real node reducer in the simulator (sim-harness.ts), actions applied between
// gaps of virtual time, client requests issued synchronously.
import fc from 'fast-check';
import { expect } from 'vitest';
import { defaultMembershipLimits as L, detectionMaxMs, roundDurationMaxMs } from '../../src/pure/membership/limits.js';
import type { MembershipBugs } from '../../src/pure/membership/bugs.js';
import type { NodeState } from '../../src/pure/node.js';
import { convergenceBoundMs, defaultReplicationLimits } from '../../src/pure/replication/limits.js';
import type { NodeReducer } from '../../src/sim/world.js';
import { SimHarness, PASSWORD } from './sim-harness.js';
import { checkDriverRun, recordLifecycle } from '../support/driver-trace.js';

/** How the cluster of a run is set up besides its seed (default: unreplicated, the real node). */
export interface RunOptions {
  readonly membershipBugs?: MembershipBugs;
  /** NodeConfig.replicas (0: the unreplicated path). */
  readonly replicas?: number;
  /** A wrapped node reducer (seeded bugs outside src/pure). */
  readonly reducer?: NodeReducer<NodeState>;
}

/** One detection, then at most three rounds each preceded by a commit timeout (see docs/membership.md). */
export const agreementBoundMs = detectionMaxMs(L) + 3 * (roundDurationMaxMs(L) + L.commitTimeoutMs);

export const initial = 5;
const spares = 2; // never booted at first: "new nodes" that join, or replace a node gone for good
const ids = Array.from({ length: initial + spares }, (_, i) => `n${i + 1}`);
export const users = Array.from({ length: 12 }, (_, i) => `user${i}`);

export type Action =
  | { kind: 'crash'; node: number }
  | { kind: 'restart'; node: number }
  | { kind: 'replace'; node: number }
  | { kind: 'partition'; side: number[] }
  | { kind: 'heal' }
  | { kind: 'networkFaults'; on: boolean }
  | { kind: 'deliver'; user: number; at: number }
  | { kind: 'deleteAll'; user: number; at: number };

const nodeArb = fc.integer({ min: 0, max: initial + spares - 1 });
export const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('crash' as const), node: nodeArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('restart' as const), node: nodeArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('replace' as const), node: nodeArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('partition' as const), side: fc.subarray([0, 1, 2, 3, 4, 5, 6], { minLength: 1, maxLength: 3 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'heal' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('networkFaults' as const), on: fc.boolean() }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('deliver' as const), user: fc.nat(users.length - 1), at: nodeArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('deleteAll' as const), user: fc.nat(users.length - 1), at: nodeArb }) },
);

export const runArb = fc.record({
  seed: fc.integer({ min: 1, max: 1_000_000 }),
  steps: fc.array(fc.record({ gapMs: fc.integer({ min: 0, max: 4_000 }), action: actionArb }), { maxLength: 12 }),
});

export class Run {
  readonly h: SimHarness;
  unanswered = 0;
  /** Replies that refused a valid request permanently (5xx): reconfiguration may only fail temporarily. */
  readonly permanentFailures: string[] = [];
  readonly validated: boolean;

  constructor(seed: number, o: RunOptions = {}) {
    const faults = { lossRate: 0.1, dupRate: 0.05, reorderRate: 0.1 };
    this.h = new SimHarness({ nodes: initial + spares, users: users.length, seed, faults, ...o });
    // Runs of the real node are validated against spec/PorcupineMembership.tla (not seeded-bug runs: they
    // must fail through the property they test).
    this.validated = o.membershipBugs === undefined && o.reducer === undefined;
    if (this.validated) recordLifecycle(this.h, { boots: false });
    for (let i = 0; i < initial; i++) this.h.world.boot(i);
    this.h.run(agreementBoundMs);
  }

  private upNode(i: number): string | undefined {
    const up = this.h.up();
    return up.length === 0 ? undefined : up[i % up.length];
  }

  apply(a: Action): void {
    const w = this.h.world;
    switch (a.kind) {
      case 'crash':
        if (w.nodes[a.node].up && this.h.up().length > 2) w.crash(a.node);
        return;
      case 'restart':
        // A node never booted stays a spare; one that crashed comes back with its disk.
        if (!w.nodes[a.node].up && w.nodes[a.node].inc > 0) w.restart(a.node);
        return;
      case 'replace': {
        const spare = w.nodes.findIndex((n) => !n.up && n.inc === 0 && n.steps === 0);
        if (spare < 0 || !w.nodes[a.node].up || this.h.up().length <= 2) return;
        w.crash(a.node);
        w.boot(spare);
        return;
      }
      case 'partition':
        w.network.healCuts();
        w.network.partition([a.side, ids.map((_, i) => i).filter((i) => !a.side.includes(i))]);
        return;
      case 'heal':
        w.network.healCuts();
        return;
      case 'networkFaults':
        w.network.faultsOn = a.on;
        return;
      case 'deliver':
      case 'deleteAll':
        return this.client(a);
    }
  }

  private client(a: Extract<Action, { kind: 'deliver' | 'deleteAll' }>): void {
    const at = this.upNode(a.at);
    if (at === undefined) return;
    const user = users[a.user];
    if (a.kind === 'deliver') {
      const r = this.h.deliver(at, user, `to ${user}`);
      if (r === undefined) this.unanswered++;
      else if (r.kind === 'smtpData' && r.code >= 500) this.permanentFailures.push(`${at} ${user}: ${r.code} ${r.text}`);
      return;
    }
    const s = `d${this.h.time}`;
    const auth = this.h.request(at, { kind: 'popAuth', user, password: PASSWORD }, s);
    if (auth === undefined) this.unanswered++;
    if (auth?.kind !== 'popAuth' || !auth.ok) return;
    const list = this.h.request(at, { kind: 'popList' }, s);
    for (const m of list?.kind === 'popList' ? list.messages : []) this.h.request(at, { kind: 'popDele', msgId: m.msgId }, s);
    if (this.h.request(at, { kind: 'popQuit' }, s) === undefined) this.unanswered++;
  }

  heal(): void {
    this.h.world.network.healCuts();
    this.h.world.network.faultsOn = false;
  }
}


function balanced(map: readonly { node: string }[], members: readonly string[]): boolean {
  const counts = new Map<string, number>();
  for (const e of map) counts.set(e.node, (counts.get(e.node) ?? 0) + 1);
  const lo = Math.floor(map.length / members.length);
  return members.every((m) => [lo, Math.ceil(map.length / members.length)].includes(counts.get(m) ?? 0)) && [...counts.keys()].every((n) => members.includes(n));
}

/**
 * Runs one schedule and asserts the membership properties after the faults stop (see
 * properties/membership.test.ts); returns how long after healing the cluster agreed. `options`: seeded
 * bugs (test/membership/seeded-bugs.test.ts only) and the replication factor.
 */
export function checkSchedule(
  seed: number,
  steps: readonly { readonly gapMs: number; readonly action: Action }[],
  options: RunOptions = {},
): number {
  const r = new Run(seed, options);
  for (const s of steps) {
    r.h.run(s.gapMs);
    r.apply(s.action);
  }
  r.heal();
  const healedAt = r.h.time;
  let agreedAt: number | undefined;
  for (let t = 0; t < agreementBoundMs && !r.h.world.halted; t += 100) {
    r.h.run(100);
    if (r.h.disagreement() === undefined) agreedAt ??= r.h.time;
    else agreedAt = undefined;
  }
  expect(r.h.world.errors.map((e) => e.error), 'reducer errors').toEqual([]);
  expect(r.h.disagreement(), `no agreement ${agreementBoundMs} ms after the faults stopped`).toBeUndefined();
  const view = r.h.state(r.h.up()[0]).membership!.view;
  expect(balanced(view.map, view.members)).toBe(true);
  // Reports are retried every reportRetryMs; give the last ones time to land, then compare. Replicated, the
  // fragments are a view of the replicas, which converge (pushes retried, tombstones applied) within the bound.
  r.h.run(2_000 + ((options.replicas ?? 0) > 0 ? convergenceBoundMs(defaultReplicationLimits) : 0));
  const mismatches = r.h.softStateMismatches(users);
  expect(mismatches, `soft state: ${mismatches.join('; ')}`).toEqual([]);
  expect(r.unanswered).toBe(0);
  expect(r.permanentFailures).toEqual([]);
  expect(r.h.state(r.h.up()[0]).membership!.view).toBe(view); // stable: no further change
  if (r.validated) checkDriverRun(r.h, `seed ${seed}`);
  return agreedAt! - healedAt;
}
