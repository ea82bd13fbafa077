// Load-balancing cases (property 4): a cluster whose nodes' disks serve writes at different rates
// (slow-disk.ts: the simulator has no per-node disk latency yet), a Zipf-skewed burst of deliveries, and
// the same workload run once under the dynamic policy and once under static (same seed, same arrivals,
// same recipients: the workload's random stream does not depend on the policy).
import fc from 'fast-check';
import { makeConfig, porcupineReducer, runSimulation, type NodeReducer, type SimConfig } from '../../src/sim/index.js';
import { seedArb } from './sim-cases.js';
import { slowDiskReducer } from './slow-disk.js';

export interface LoadCase {
  readonly nodes: number;
  /** Extra service time per durable write, per node (n1 first); at least one 0 and one >= 40. */
  readonly extraDiskMs: readonly number[];
  readonly spread: number;
  readonly users: number;
  readonly messages: number;
  readonly zipfExponent: number;
  readonly arrivalIntervalMs: number;
}

export const clusterArb: fc.Arbitrary<Omit<LoadCase, 'users' | 'messages' | 'zipfExponent' | 'arrivalIntervalMs'>> = fc
  .integer({ min: 3, max: 6 })
  .chain((nodes) =>
    fc.record({
      nodes: fc.constant(nodes),
      extraDiskMs: fc.array(fc.constantFrom(0, 40, 80), { minLength: nodes, maxLength: nodes }),
      spread: fc.integer({ min: 2, max: 3 }),
    }),
  )
  .filter((c) => c.extraDiskMs.includes(0) && c.extraDiskMs.some((ms) => ms >= 40));

export const workloadArb = fc.record({
  seed: seedArb,
  users: fc.integer({ min: 5, max: 40 }),
  messages: fc.integer({ min: 40, max: 80 }),
  zipfExponent: fc.constantFrom(1, 1.2, 1.5),
  arrivalIntervalMs: fc.constantFrom(0.5, 1, 2),
});

export function loadConfig(c: LoadCase, seed: number, policy: SimConfig['node']['loadPolicy']): SimConfig {
  return makeConfig({
    seed, nodes: c.nodes, users: c.users, messages: c.messages,
    node: { loadPolicy: policy, spread: c.spread },
    workload: { distribution: 'zipf', zipfExponent: c.zipfExponent, arrivalIntervalMs: c.arrivalIntervalMs, popFraction: 0 },
    // The queue statistic is gathered during the run; the final retrieval check is other properties' job.
    phases: { finalCheck: 'none' },
  });
}

export function slowDisks(c: Pick<LoadCase, 'extraDiskMs'>): Record<string, number> {
  return Object.fromEntries(c.extraDiskMs.map((ms, i) => [`n${i + 1}`, ms]));
}

/** Peak queue length (events queued for one node at once, max over nodes) of one run. */
export function peakQueue(c: LoadCase, seed: number, policy: SimConfig['node']['loadPolicy'], inner?: NodeReducer<unknown>): number {
  const reducer = slowDiskReducer(inner ?? (porcupineReducer as NodeReducer<unknown>), slowDisks(c)) as NodeReducer<unknown>;
  const r = runSimulation(loadConfig(c, seed, policy), { reducer });
  if (r.errors.length > 0) throw new Error(`seed ${seed} (${policy}): a reducer threw: ${r.errors[0].error.split('\n')[0]}`);
  return Math.max(0, ...Object.values(r.load.queuePeakPerNode));
}
