// Generated simulation cases for the foundation properties: small clusters (3–6 nodes), a handful of
// users and messages, every knob drawn by fast-check so failures shrink to a small case. A case is plain
// data; `caseConfig` turns it into the simulator's SimConfig (which is what a failure trace records).
import fc from 'fast-check';
import { makeConfig, NO_FAULTS, type FaultConfig, type SimConfig } from '../../src/sim/index.js';

export type Policy = SimConfig['node']['loadPolicy'];

export interface SimCase {
  readonly seed: number;
  readonly nodes: number;
  readonly users: number;
  readonly messages: number;
  readonly policy: Policy;
  readonly spread: number;
  readonly distribution: 'zipf' | 'uniform';
  /** Fraction of sessions that are POP sessions (which list, retrieve and delete). */
  readonly popFraction: number;
  readonly deleteProbability: number;
  readonly arrivalIntervalMs: number;
  readonly faults: FaultConfig;
}

export const seedArb = fc.integer({ min: 0, max: 2 ** 31 - 1 });
export const policyArb: fc.Arbitrary<Policy> = fc.constantFrom('dynamic', 'static', 'random');

/** Probabilities in steps of 1/100 (short, readable counterexamples). */
function rateArb(maxPercent: number): fc.Arbitrary<number> {
  return fc.integer({ min: 0, max: maxPercent }).map((p) => p / 100);
}

export function simCaseArb(overrides: { faults?: fc.Arbitrary<FaultConfig>; maxMessages?: number } = {}): fc.Arbitrary<SimCase> {
  return fc.record({
    seed: seedArb,
    nodes: fc.integer({ min: 3, max: 6 }),
    users: fc.integer({ min: 1, max: 12 }),
    messages: fc.integer({ min: 1, max: overrides.maxMessages ?? 20 }),
    policy: policyArb,
    spread: fc.integer({ min: 1, max: 3 }),
    distribution: fc.constantFrom('zipf' as const, 'uniform' as const),
    popFraction: rateArb(40),
    deleteProbability: rateArb(90),
    arrivalIntervalMs: fc.integer({ min: 0, max: 50 }),
    faults: overrides.faults ?? fc.constant(NO_FAULTS),
  });
}

/** Loss, duplication and reordering (no crashes): at least one of them on, each at most 30% / 50%. */
export const networkFaultsArb: fc.Arbitrary<FaultConfig> = fc
  .record({ lossRate: rateArb(30), dupRate: rateArb(30), reorderRate: rateArb(50), reorderDelayMsMax: fc.integer({ min: 1, max: 100 }) })
  .filter((f) => f.lossRate + f.dupRate + f.reorderRate > 0)
  .map((f) => ({ ...NO_FAULTS, ...f }));

export function caseConfig(c: SimCase): SimConfig {
  return makeConfig({
    seed: c.seed,
    nodes: c.nodes,
    users: c.users,
    messages: c.messages,
    node: { loadPolicy: c.policy, spread: c.spread },
    faults: c.faults,
    workload: {
      distribution: c.distribution,
      popFraction: c.popFraction,
      deleteProbability: c.deleteProbability,
      arrivalIntervalMs: c.arrivalIntervalMs,
    },
  });
}

/** The same cases with more POP sessions deleting more: enough QUITs meet a lost or slow delete to judge them. */
export function deleteHeavy(cases: fc.Arbitrary<SimCase>): fc.Arbitrary<SimCase> {
  return cases.map((c) => ({ ...c, popFraction: Math.max(c.popFraction, 0.3), deleteProbability: Math.max(c.deleteProbability, 0.5) }));
}
