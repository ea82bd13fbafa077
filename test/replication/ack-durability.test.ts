// Regression tests for B5, B6 and B7 (docs/bugs-found-by-properties.md): SMTP 250 means ackReplicas distinct
// nodes durably hold the message, and a message its recipient already read and deleted is acknowledged
// (the delivery succeeded) rather than bounced or stored again. Each case is the simulator run that failed.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSimArgs } from '../../src/cli/sim-command.js';
import { checkers, makeConfig, NO_FAULTS, noAnomalyAfterBound, runSimulation, type SimConfig } from '../../src/sim/index.js';
import { deliveryChecks } from '../../properties/support/foundation-checks.js';
import { caseConfig, type SimCase } from '../../properties/support/sim-cases.js';

/** The config `porcupine sim <argv> --config <file with {"workload":{"arrivalIntervalMs":30}}>` runs. */
function cliConfig(argv: string[]): SimConfig {
  const dir = mkdtempSync(join(tmpdir(), 'ack-durability-'));
  const file = join(dir, 'w30.json');
  writeFileSync(file, JSON.stringify({ workload: { arrivalIntervalMs: 30 } }));
  const args = parseSimArgs([...argv, '--config', file]);
  if (args === 'help') throw new Error('unexpected --help');
  return args.config;
}

const failedChecks = (c: SimConfig): string[] => {
  const r = runSimulation(c);
  return [...checkers.checkAll(r), noAnomalyAfterBound(r)].filter((x) => !x.ok && !x.soft).map((x) => `${x.name} (${x.count}): ${x.examples[0]}`);
};

const noFaults = NO_FAULTS;

describe('B5: mail read and deleted before its copies were durable is acknowledged, once (R = 2, no faults)', () => {
  const cases: SimCase[] = [
    { seed: 0, nodes: 3, users: 1, messages: 6, policy: 'dynamic', spread: 2, distribution: 'zipf', popFraction: 0.14, deleteProbability: 0.71, arrivalIntervalMs: 1, faults: noFaults },
    { seed: 795138857, nodes: 3, users: 1, messages: 1, policy: 'dynamic', spread: 1, distribution: 'uniform', popFraction: 0.14, deleteProbability: 0.04, arrivalIntervalMs: 1, faults: noFaults },
  ];
  for (const c of cases) {
    it(`seed ${c.seed}: every offer acknowledged, listed once, deletes stick`, () => {
      const r = runSimulation(caseConfig(c));
      const failed = deliveryChecks(r).filter((x) => !x.ok).map((x) => `${x.name}: ${x.examples[0]}`);
      expect(failed, `replay: ${JSON.stringify(c)}`).toEqual([]);
      expect(r.history.acked.size).toBe(c.messages);
    });
  }

  it('porcupine sim --nodes 3 --users 6 --messages 12 --seed 5 acknowledges all 12 (R = 2)', () => {
    const args = parseSimArgs(['--nodes', '3', '--users', '6', '--messages', '12', '--seed', '5']);
    if (args === 'help') throw new Error('unexpected --help');
    const r = runSimulation(args.config);
    expect(r.history.acked.size).toBe(12);
    expect(checkers.ackedDurable(r, 2).ok).toBe(true);
  });
});

describe('B6: no SMTP 250 with fewer than ackReplicas = 2 durable copies', () => {
  it('(a) a node isolated by a partition does not acknowledge alone (seed 1, partition=0.1)', () => {
    const c = cliConfig(['--nodes', '5', '--users', '50', '--messages', '300', '--seed', '1', '--faults', 'partition=0.1']);
    expect(failedChecks(c)).toEqual([]);
  });

  it('(b) a retry of a message whose other replica left is re-replicated before 250 (seed 9, churn=0.1)', () => {
    const c = cliConfig(['--nodes', '5', '--users', '50', '--messages', '300', '--seed', '9', '--faults', 'churn=0.1']);
    expect(failedChecks(c)).toEqual([]);
  });

  it('(c) a retry of a message whose other replica lost its disk is re-replicated before 250 (seed 9, every node fault)', () => {
    const c = cliConfig(['--nodes', '5', '--users', '50', '--messages', '300', '--seed', '9', '--faults', 'crash,restart,partition,join,leave,churn,loseDisk']);
    expect(failedChecks(c)).toEqual([]);
  });
});

describe('B7: POP QUIT is answered +OK only once a tombstone is durable on ackReplicas nodes', () => {
  // properties/replication-durability.test.ts (SEED=20261124), shrunk. user8's message is on n1 and n3; a
  // POP session at n4 gets n3's digest, n1's times out (partition); n3 then loses its disk; QUIT sends the
  // delete to n3 alone, which holds nothing. Before the fix n3 answered "deleted" with no tombstone anywhere,
  // and the copy on n1 reappeared in every final listing (deletedNeverReappears).
  const config = makeConfig({
    seed: 270466,
    nodes: 5,
    users: 10,
    messages: 20,
    node: { replicas: 2 },
    faults: { lossRate: 0, dupRate: 0, reorderRate: 0, clockSkewMsMax: 0 },
    schedule: [
      { kind: 'crash', atMs: 248, node: 'n1' },
      { kind: 'restart', atMs: 748, node: 'n1' },
      { kind: 'partition', atMs: 654, groups: [['n1'], ['n2', 'n3', 'n4', 'n5']] },
      { kind: 'healNetwork', atMs: 1154 },
      { kind: 'loseDisk', atMs: 1301, node: 'n3' },
    ],
    workload: { popFraction: 0.3, deleteProbability: 0.3, arrivalIntervalMs: 100 },
    phases: { warmupMs: 2_000, healMs: 35_000 },
  });

  it('the run that once confirmed a delete no node held passes every check (seed 270466)', () => {
    const r = runSimulation(config);
    const failed = [...checkers.checkAll(r, { spreadMaxNodes: 5 }), noAnomalyAfterBound(r)].filter((x) => !x.ok && !x.soft).map((x) => `${x.name}: ${x.examples[0]}`);
    expect(failed, 'replay: porcupine sim --config <the config above>').toEqual([]);
    // (Since membership epochs follow the wall clock, this schedule no longer routes the QUIT to the wiped node
    // alone, so only the verdict is pinned here; properties/replication-durability.test.ts keeps hunting for
    // such interleavings with partitions and disk loss on every CI run.)
  });
});
