// Fixed-seed runs at cluster scale that failed before their fix (issue 13; docs/bugs-found-by-properties.md).
// Each is `porcupine sim` with the flags in its name; the checks are the ones the command runs.
import { describe, expect, it } from 'vitest';
import { parseSimArgs } from '../../src/cli/sim-command.js';
import { checkers, noAnomalyAfterBound, runSimulation } from '../../src/sim/index.js';

function failedChecks(argv: string[]): string[] {
  const args = parseSimArgs(argv);
  if (args === 'help') throw new Error('unexpected help');
  const r = runSimulation(args.config);
  return [...checkers.checkAll(r), noAnomalyAfterBound(r)].filter((c) => !c.ok && !c.soft).map((c) => `${c.name}: ${c.examples[0] ?? ''}`);
}

const faulty = ['--users', '2000', '--messages', '4000', '--faults', 'crash,restart,partition,loss'];

describe('B8: a deleted message never comes back from a retry\'s copy on other replicas', () => {
  // Seed 1: the deleting session's listing missed the retry's copy (a holder unreachable while gathering).
  it('--nodes 20 --seed 1 (crash, restart, partition, loss): every check passes', () => {
    expect(failedChecks(['--nodes', '20', '--seed', '1', ...faulty])).toEqual([]);
  }, 60_000);
  // Seed 11: the retry's copy was stored after the deleting session logged in (only QUIT's fresh mail map has it).
  it('--nodes 30 --seed 11 (crash, restart, partition, loss): every check passes', () => {
    expect(failedChecks(['--nodes', '30', '--seed', '11', ...faulty])).toEqual([]);
  }, 60_000);
});
