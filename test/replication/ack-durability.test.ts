// Regression tests for B5 and B6 (docs/bugs-found-by-properties.md): SMTP 250 means ackReplicas distinct
// nodes durably hold the message, and a message its recipient already read and deleted is acknowledged
// (the delivery succeeded) rather than bounced or stored again. Each case is the simulator run that failed.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSimArgs } from '../../src/cli/sim-command.js';
import { checkers, NO_FAULTS, noAnomalyAfterBound, runSimulation, type SimConfig } from '../../src/sim/index.js';
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
