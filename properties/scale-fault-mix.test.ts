// Issue 13, property scale: the simulator at cluster sizes up to 30 nodes, with fault mixes that combine
// network faults (loss, duplication, reordering) with node faults (crashes, restarts, partitions, churn, disk
// loss). Few runs at large sizes and more at small ones keep CI time low; PROPERTY_RUNS / SEED run longer
// sweeps locally (both properties scale their run counts from PROPERTY_RUNS). Every hard check of
// `porcupine sim` must pass, anomalies included: none after the convergence bound.
import { describe, it } from 'vitest';
import fc from 'fast-check';
import { checkers, makeConfig, noAnomalyAfterBound, runSimulation, type NodeFaultKind, type SimConfig } from '../src/sim/index.js';
import { expectChecks } from './support/expect-checks.js';
import { propertyParams, propertyRuns } from './support/fc-params.js';
import { seedArb } from './support/sim-cases.js';

const FILE = 'properties/scale-fault-mix.test.ts';

const NODE_FAULTS: readonly NodeFaultKind[] = ['crash', 'restart', 'partition', 'churn', 'loseDisk'];

/** A fault mix: each network fault at 0–10% (at least one on), at least one node fault at 0.05–0.3 events/s. */
const faultMixArb = fc
  .record({
    lossPercent: fc.integer({ min: 0, max: 10 }),
    dupPercent: fc.integer({ min: 0, max: 10 }),
    reorderPercent: fc.integer({ min: 0, max: 10 }),
    nodeFaults: fc.subarray([...NODE_FAULTS], { minLength: 1 }),
    nodeRatePercent: fc.integer({ min: 5, max: 30 }),
  })
  .filter((f) => f.lossPercent + f.dupPercent + f.reorderPercent > 0);

function caseArb(nodesMin: number, nodesMax: number) {
  return fc.record({
    seed: seedArb,
    nodes: fc.integer({ min: nodesMin, max: nodesMax }),
    users: fc.integer({ min: 5, max: 60 }),
    messages: fc.integer({ min: 20, max: 120 }),
    faults: faultMixArb,
  });
}
type ScaleCase = typeof caseArb extends (...a: never[]) => fc.Arbitrary<infer C> ? C : never;

function scaleConfig(c: ScaleCase): SimConfig {
  const rate = c.faults.nodeRatePercent / 100;
  const nodeFaultRates = Object.fromEntries(c.faults.nodeFaults.map((k) => [k, rate]));
  return makeConfig({
    seed: c.seed, nodes: c.nodes, users: c.users, messages: c.messages,
    faults: { lossRate: c.faults.lossPercent / 100, dupRate: c.faults.dupPercent / 100, reorderRate: c.faults.reorderPercent / 100, nodeFaultRates },
    workload: { popFraction: 0.2, deleteProbability: 0.3 },
  });
}

function everyCheckHolds(c: ScaleCase): void {
  const r = runSimulation(scaleConfig(c));
  expectChecks(r, [...checkers.checkAll(r), noAnomalyAfterBound(r)].filter((x) => !x.soft));
}

const LARGE = 'clusters of 20-30 nodes under combined network and node faults: no acked mail lost, deletes stick, listings agree, no anomaly after the bound';
const SMALL = 'clusters of 3-10 nodes under combined network and node faults: no acked mail lost, deletes stick, listings agree, no anomaly after the bound';

describe('property scale (issue 13): combined faults at up to 30 nodes', () => {
  // Large runs cost about ten small ones: 1 large run per 10 small (at least one).
  const largeRuns = Math.max(1, Math.round(propertyRuns(100) / 10));
  it(`${LARGE} (${largeRuns} runs)`, () => {
    fc.assert(fc.property(caseArb(20, 30), everyCheckHolds), propertyParams<[ScaleCase]>(LARGE, { file: FILE, defaultRuns: largeRuns, toConfig: ([c]) => scaleConfig(c) }));
  }, 600_000);

  it(`${SMALL} (${propertyRuns(60)} runs)`, () => {
    fc.assert(fc.property(caseArb(3, 10), everyCheckHolds), propertyParams<[ScaleCase]>(SMALL, { file: FILE, defaultRuns: 60, toConfig: ([c]) => scaleConfig(c) }));
  }, 600_000);
});
