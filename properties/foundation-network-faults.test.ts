// Issue 2 ("Foundation"), property 2 — with message loss, duplication and reordering (no crashes yet): no
// acknowledged message is lost, no message is listed twice, every client request is answered and no
// reducer throws. Generated: the fault rates as well as cluster, workload and seed (see sim-cases.ts).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { NO_FAULTS, type NodeReducer } from '../src/sim/index.js';
// The simulator's runSimulation plus in-process validation of the run's trace against the specs.
import { runSimulation } from './support/validated-sim.js';
import { propertyParams, propertyRuns, propertySeed } from './support/fc-params.js';
import { caseConfig, deleteHeavy, networkFaultsArb, simCaseArb, type SimCase } from './support/sim-cases.js';
import { expectChecks } from './support/expect-checks.js';
import { networkFaultChecks } from './support/foundation-checks.js';
import { quitConfirmsFailedDeletes, rpcTimeoutsDisabled } from './support/mutations.js';
import { propertyTest } from './support/known-bugs.js';

const FILE = 'properties/foundation-network-faults.test.ts';
const NAME = 'loss+dup+reorder: no acked message lost or listed twice, confirmed deletes stick, every request answered, no reducer throws';
const cases = simCaseArb({ faults: networkFaultsArb });
const deleteHeavyCases = deleteHeavy(cases);

function caseWith(seed: number, c: Omit<SimCase, 'seed' | 'faults' | 'distribution'>, faults: Partial<SimCase['faults']>): SimCase {
  return { seed, distribution: 'zipf', ...c, faults: { ...NO_FAULTS, ...faults } };
}

function faultsTolerated(c: SimCase, reducer?: NodeReducer<unknown>): void {
  const r = runSimulation(caseConfig(c), reducer === undefined ? {} : { reducer });
  expectChecks(r, networkFaultChecks(r));
}

describe('foundation property 2: network faults', () => {
  // This property found B1 (docs/bugs-found-by-properties.md): 12 of these 200 cases failed before the fix.
  it(`${NAME} (${propertyRuns()} runs)`, () => {
    fc.assert(fc.property(cases, (c) => faultsTolerated(c)), propertyParams<[SimCase]>(NAME, { file: FILE, toConfig: ([c]) => caseConfig(c) }));
  });

  // Counterexamples this property found, pinned so CI runs them whatever SEED is (docs/bugs-found-by-properties.md).
  it('B1 stays fixed: a node re-admitted without seeing its exclusion reports its fragments (seed 382497647)', () => {
    faultsTolerated(caseWith(382497647, { nodes: 6, users: 1, messages: 7, policy: 'dynamic', spread: 2, popFraction: 0, deleteProbability: 0, arrivalIntervalMs: 30 }, { lossRate: 0.11, dupRate: 0.01, reorderRate: 0.3, reorderDelayMsMax: 2 }));
  });
  propertyTest('B4: acked mail survives two views committed with one epoch (seed 2147483630)', 'epoch-reused', () => {
    faultsTolerated(caseWith(2147483630, { nodes: 5, users: 8, messages: 13, policy: 'static', spread: 1, popFraction: 0.32, deleteProbability: 0, arrivalIntervalMs: 20 }, { lossRate: 0.26, dupRate: 0.01, reorderRate: 0, reorderDelayMsMax: 1 }));
  });
  propertyTest('B4: acked mail survives two views committed with one epoch (seed 1750489944)', 'epoch-reused', () => {
    faultsTolerated(caseWith(1750489944, { nodes: 6, users: 10, messages: 19, policy: 'random', spread: 1, popFraction: 0.17, deleteProbability: 0, arrivalIntervalMs: 18 }, { lossRate: 0.19, dupRate: 0.22, reorderRate: 0.4, reorderDelayMsMax: 99 }));
  });

  const mutants: readonly [string, NodeReducer<unknown>, fc.Arbitrary<SimCase>][] = [
    ['the proxy never times out a lost RPC', rpcTimeoutsDisabled, cases],
    // Caught by deletedNeverReappears (issue 13: before it joined this property, nothing caught this).
    ['QUIT answers +OK although a delete timed out', quitConfirmsFailedDeletes, deleteHeavyCases],
  ];
  for (const [what, reducer, arb] of mutants) {
    it(`property 2 catches the mutation: ${what}`, () => {
      const out = fc.check(fc.property(arb, (c) => faultsTolerated(c, reducer)), { seed: propertySeed(), numRuns: 100, endOnFailure: true });
      expect(out.failed, `the mutation "${what}" went unnoticed in ${out.numRuns} runs`).toBe(true);
    });
  }
});
