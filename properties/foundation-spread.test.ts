// Issue 2 ("Foundation"), property 3 — spread: under the dynamic policy, with all nodes up and none
// saturated, each user's mail lives on at most `spread` nodes (spread generated in 1..3). Deliveries are
// spaced (mean 200–2000 ms apart) so nodes are idle between them; a user with two deliveries in flight at
// once is not judged (spread is soft under that race: see support/spread.ts), and each run must judge
// at least one user with mail, so the property cannot pass vacuously.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { makeConfig, type NodeReducer, type SimConfig } from '../src/sim/index.js';
// The simulator's runSimulation plus in-process validation of the run's trace against the specs.
import { runSimulation } from './support/validated-sim.js';
import { propertyParams, propertyRuns, propertySeed } from './support/fc-params.js';
import { seedArb } from './support/sim-cases.js';
import { contendedUsers, spreadViolations } from './support/spread.js';
import { spreadIgnored } from './support/mutations.js';

const FILE = 'properties/foundation-spread.test.ts';
const NAME = 'dynamic policy, all nodes up, unsaturated: each user\'s mail lives on at most `spread` nodes';

const configArb: fc.Arbitrary<SimConfig> = fc
  .record({
    seed: seedArb,
    nodes: fc.integer({ min: 3, max: 6 }),
    users: fc.integer({ min: 1, max: 8 }),
    messages: fc.integer({ min: 1, max: 15 }),
    spread: fc.integer({ min: 1, max: 3 }),
    arrivalIntervalMs: fc.integer({ min: 200, max: 2_000 }),
    popFraction: fc.integer({ min: 0, max: 30 }).map((p) => p / 100),
    deleteProbability: fc.integer({ min: 0, max: 90 }).map((p) => p / 100),
  })
  .map((g) =>
    makeConfig({
      seed: g.seed, nodes: g.nodes, users: g.users, messages: g.messages,
      node: { loadPolicy: 'dynamic', spread: g.spread },
      workload: { arrivalIntervalMs: g.arrivalIntervalMs, popFraction: g.popFraction, deleteProbability: g.deleteProbability },
    }),
  );

function spreadHolds(config: SimConfig, reducer?: NodeReducer<unknown>): void {
  const r = runSimulation(config, reducer === undefined ? {} : { reducer });
  expect(r.errors).toEqual([]);
  const v = spreadViolations(r);
  expect(v, `seed ${config.seed}: ${v.join('; ')}`).toEqual([]);
}

describe('foundation property 3: spread', () => {
  it(`${NAME} (${propertyRuns()} runs)`, () => {
    fc.assert(fc.property(configArb, (c) => spreadHolds(c)), propertyParams<[SimConfig]>(NAME, { file: FILE, toConfig: ([c]) => c }));
  });

  it('the spread property judges most users: few deliveries overlap at these arrival rates', () => {
    const sample = fc.sample(configArb, { seed: propertySeed(), numRuns: 30 });
    let judged = 0;
    let withMail = 0;
    for (const c of sample) {
      const r = runSimulation(c);
      const contended = contendedUsers(r);
      for (const user of r.holders.keys()) {
        withMail++;
        if (!contended.has(user)) judged++;
      }
    }
    expect(judged / withMail, `${judged} of ${withMail} users with mail judged`).toBeGreaterThan(0.8);
  });

  it('property 3 catches the mutation: nodes ignore the configured spread (boot with spread + 2)', () => {
    const out = fc.check(fc.property(configArb, (c) => spreadHolds(c, spreadIgnored)), { seed: propertySeed(), numRuns: 100, endOnFailure: true });
    expect(out.failed, `the mutation went unnoticed in ${out.numRuns} runs`).toBe(true);
  });
});
