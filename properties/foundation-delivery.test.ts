// Issue 2 ("Foundation"), property 1 — no faults: every acknowledged message appears exactly once in its
// user's POP listing from every node, with a byte-identical body, and a deleted message never reappears.
// Generated: cluster size, users, messages, placement policy, spread, recipient distribution, POP and
// delete rates, arrival rate and the simulation seed. Replay: see the failure message (SEED=…).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { type NodeReducer } from '../src/sim/index.js';
// The simulator's runSimulation plus in-process validation of the run's trace against the specs.
import { runSimulation } from './support/validated-sim.js';
import { propertyParams, propertyRuns, propertySeed } from './support/fc-params.js';
import { caseConfig, simCaseArb, type SimCase } from './support/sim-cases.js';
import { expectChecks } from './support/expect-checks.js';
import { deliveryChecks } from './support/foundation-checks.js';
import { corruptRetrievedBodies, deletesNeverArrive, duplicateFirstListed, remoteDeletesIgnored } from './support/mutations.js';

const FILE = 'properties/foundation-delivery.test.ts';
const NAME = 'no faults: acked mail listed exactly once everywhere, identical bodies, every delete confirmed and sticks';

function deliveryHolds(c: SimCase, reducer?: NodeReducer<unknown>): void {
  const r = runSimulation(caseConfig(c), reducer === undefined ? {} : { reducer });
  expectChecks(r, deliveryChecks(r));
}

describe('foundation property 1: delivery and retrieval without faults', () => {
  it(`${NAME} (${propertyRuns()} runs)`, () => {
    fc.assert(fc.property(simCaseArb(), (c) => deliveryHolds(c)), propertyParams<[SimCase]>(NAME, { file: FILE, toConfig: ([c]) => caseConfig(c) }));
  });

  // Mutation checks: the same property, run against a deliberately broken node, must fail.
  const mutants: readonly [string, NodeReducer<unknown>][] = [
    ['RETR returns a body with one byte changed', corruptRetrievedBodies],
    ['LIST shows a message twice', duplicateFirstListed],
    ['a fragment node acknowledges a delete without deleting', remoteDeletesIgnored],
    // Caught only by everyDeleteConfirmed: with every QUIT failing, "deletes stick" holds vacuously.
    ['every delete fails (deletes never reach the fragment nodes)', deletesNeverArrive],
  ];
  for (const [what, reducer] of mutants) {
    it(`property 1 catches the mutation: ${what}`, () => {
      const out = fc.check(fc.property(simCaseArb(), (c) => deliveryHolds(c, reducer)), { seed: propertySeed(), numRuns: 100, endOnFailure: true });
      expect(out.failed, `the mutation "${what}" went unnoticed in ${out.numRuns} runs`).toBe(true);
    });
  }
});
