// Durability under the faults replication exists for (issue 5): crashes and restarts, a partition, and the
// permanent loss of one disk, on top of duplication, reordering, light loss and clock skew. With
// ackReplicas = 2 (the default for R >= 2), an acknowledged message must survive losing any ONE disk: after
// the faults stop and the convergence bound passes, every acknowledged, undeleted message is listed exactly
// once at every live node with its exact body. Losing as many disks as ackReplicas may lose mail; that is
// checked separately, so the property cannot pass by excusing everything.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { convergenceBoundMs, defaultReplicationLimits } from '../src/pure/replication/limits.js';
import { checkers, makeConfig, type ScheduledFault, type SimConfig, type SimResult } from '../src/sim/index.js';
// The simulator's runSimulation plus in-process validation of the run's trace against the specs.
import { runSimulation } from './support/validated-sim.js';
import { propertyParams } from '../test/replication/fc-params.js';

const file = 'properties/replication-durability.test.ts';
const bound = convergenceBoundMs(defaultReplicationLimits);
const nodeNames = ['n1', 'n2', 'n3', 'n4', 'n5'];
const nodeArb = fc.constantFrom(...nodeNames);

/** A crash and a later restart of one node, a partition cutting one node off, and one disk lost for good. */
const scheduleArb: fc.Arbitrary<ScheduledFault[]> = fc
  .record({
    crashed: nodeArb,
    crashAtMs: fc.integer({ min: 0, max: 2_000 }),
    downMs: fc.integer({ min: 500, max: 10_000 }),
    isolated: nodeArb,
    partitionAtMs: fc.integer({ min: 0, max: 3_000 }),
    partitionMs: fc.integer({ min: 500, max: 6_000 }),
    diskLost: nodeArb,
    diskLostAtMs: fc.integer({ min: 0, max: 4_000 }),
  })
  .map((f): ScheduledFault[] => [
    { kind: 'crash', atMs: f.crashAtMs, node: f.crashed },
    { kind: 'restart', atMs: f.crashAtMs + f.downMs, node: f.crashed },
    { kind: 'partition', atMs: f.partitionAtMs, groups: [[f.isolated], nodeNames.filter((n) => n !== f.isolated)] },
    { kind: 'healNetwork', atMs: f.partitionAtMs + f.partitionMs },
    { kind: 'loseDisk', atMs: f.diskLostAtMs, node: f.diskLost },
  ]);

const runArb = fc.record({
  seed: fc.integer({ min: 1, max: 1_000_000 }),
  replicas: fc.constantFrom(2, 3),
  lossRate: fc.constantFrom(0, 0.01),
  dupRate: fc.constantFrom(0, 0.05),
  reorderRate: fc.constantFrom(0, 0.1),
  clockSkewMsMax: fc.constantFrom(0, 200),
  schedule: scheduleArb,
});
type Run = typeof runArb extends fc.Arbitrary<infer R> ? R : never;

function config(run: Run): SimConfig {
  return makeConfig({
    seed: run.seed,
    nodes: nodeNames.length,
    users: 10,
    messages: 20,
    node: { replicas: run.replicas },
    faults: { lossRate: run.lossRate, dupRate: run.dupRate, reorderRate: run.reorderRate, clockSkewMsMax: run.clockSkewMsMax },
    schedule: run.schedule,
    workload: { popFraction: 0.3, deleteProbability: 0.3, arrivalIntervalMs: 100 },
    phases: { warmupMs: 2_000, healMs: bound + 5_000 },
  });
}

/** Every safety and convergence check, and no acknowledged message excused as "lost with all its replicas". */
function failures(r: SimResult): string[] {
  const excused = [...r.history.acked.values()].filter((m) => checkers.lostWithReplicas(r, m));
  return [
    ...checkers
      .checkAll(r, { spreadMaxNodes: nodeNames.length })
      .filter((c) => !c.ok && !c.soft)
      .map((c) => JSON.stringify(c).slice(0, 400)),
    ...excused.slice(0, 3).map((m) => `${m.msgId} was acknowledged with ackReplicas = 2 but counted as lost with every replica after one disk loss`),
  ];
}

describe('replication durability in the simulated cluster', () => {
  it('an acknowledged message survives a crash, a partition and the permanent loss of any one disk (R=2,3, ackReplicas=2)', () => {
    fc.assert(
      fc.property(runArb, (run) => {
        expect(failures(runSimulation(config(run))).join('\n')).toBe('');
      }),
      { ...propertyParams<[Run]>('replication durability', file), examples: [] },
    );
  });

  it('losing as many disks as ackReplicas can lose mail, and the checker says so (the property above is not vacuous)', () => {
    // Two disks lost at once with R = 2: some message acknowledged before the loss had both copies there.
    const lostBoth = (r: SimResult): boolean => [...r.history.acked.values()].some((m) => checkers.lostWithReplicas(r, m));
    const found = fc.sample(fc.integer({ min: 1, max: 1_000_000 }), { seed: 7, numRuns: 20 }).some((seed) =>
      lostBoth(
        runSimulation(
          makeConfig({
            seed,
            nodes: 3,
            users: 4,
            messages: 20,
            node: { replicas: 2 },
            schedule: [
              { kind: 'loseDisk', atMs: 2_500, node: 'n1' },
              { kind: 'loseDisk', atMs: 2_500, node: 'n2' },
            ],
            workload: { popFraction: 0, arrivalIntervalMs: 20 },
            phases: { warmupMs: 2_000, healMs: bound + 5_000 },
          }),
        ),
      ),
    );
    expect(found).toBe(true);
  });
});
