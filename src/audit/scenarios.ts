// The fixed mix of simulations an audit runs at both revisions: run i uses scenario i mod the table's length
// and seed `seed + i`, so the same --runs and --seed give the same runs at every revision. The mix covers the
// unreplicated and replicated paths, every network fault and the node faults, from 3 to 12 nodes, at sizes
// that keep one run around a second.

export interface Scenario {
  readonly name: string;
  readonly nodes: number;
  readonly users: number;
  readonly messages: number;
  readonly faults: string;
  /** Replication factor; undefined = the revision's default. */
  readonly replicas?: number;
}

export const SCENARIOS: readonly Scenario[] = [
  { name: 'calm-3', nodes: 3, users: 120, messages: 200, faults: '' },
  { name: 'net-5', nodes: 5, users: 200, messages: 300, faults: 'loss,dup,reorder' },
  { name: 'crash-5', nodes: 5, users: 200, messages: 300, faults: 'crash,restart,loss' },
  { name: 'partition-7', nodes: 7, users: 300, messages: 400, faults: 'partition,crash,loss' },
  { name: 'unreplicated-4', nodes: 4, users: 150, messages: 250, faults: 'loss,reorder', replicas: 0 },
  { name: 'churn-9', nodes: 9, users: 300, messages: 400, faults: 'churn,loseDisk,loss' },
  { name: 'wide-12', nodes: 12, users: 400, messages: 500, faults: 'crash,partition,dup' },
];

export interface Run {
  readonly index: number;
  readonly seed: number;
  readonly scenario: Scenario;
}

export function plannedRuns(count: number, seed: number): Run[] {
  return Array.from({ length: count }, (_, index) => ({ index, seed: seed + index, scenario: SCENARIOS[index % SCENARIOS.length] }));
}

/** `porcupine sim` arguments of a run (also its replay command). */
export function simArgs(run: Run): string[] {
  const s = run.scenario;
  const args = ['--nodes', String(s.nodes), '--users', String(s.users), '--messages', String(s.messages), '--seed', String(run.seed)];
  if (s.faults !== '') args.push('--faults', s.faults);
  if (s.replicas !== undefined) args.push('--replicas', String(s.replicas));
  return args;
}

/** The cost runs: one larger fault-free run repeated, for simulated deliveries per CPU second. */
export const COST_RUN: Run = { index: -1, seed: 4242, scenario: { name: 'cost-10', nodes: 10, users: 2000, messages: 3000, faults: '' } };
