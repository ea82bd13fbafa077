// `porcupine tla check --workers N` (src/tla/check/parallel): with 2 workers, the report is the one-worker
// report line for line (verdict, counts, depth, outdegree, counterexample) on conformance cases covering
// invariants, deadlock, constraints, action constraints and properties, SYMMETRY, VIEW and Assert, and on a
// few fast corpus models, and with liveness properties (checked on the graph the workers explored); specs
// that build strings at run time say that they use one worker.
// The workers run the compiled worker (dist/), which `npm test` builds first.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { runTlaCli } from '../../../src/tla/cli/index.js';
import { parseWorkers } from '../../../src/tla/check/index.js';
import { checkArgs, corpusDir, mismatches, parseReport, readManifest, rowName } from '../../../bench/tla/corpus.js';
import { conformanceDir, repoRoot } from './helpers.js';

interface Run {
  readonly code: number;
  readonly out: string[];
  readonly err: string[];
}

async function check(argv: readonly string[], workers: number): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runTlaCli(['check', ...argv, '--workers', String(workers)], { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

/** The report without what legitimately differs: the header naming the worker count, clock times, notes. */
function report(r: Run): string[] {
  return r.out
    .filter((l) => !l.startsWith('Porcupine TLA+ checker') && !l.startsWith('Starting...') && !l.startsWith('Finished in') && !l.startsWith('Note: '))
    .map((l) => l.replace(/ at \(?\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\)?/, '').replace(/in \d+s$/, ''));
}

const dir = conformanceDir();
const CONFORMANCE = ['InvViolTrace', 'DeadlockFound', 'ActionConstraint', 'ActionPropViolated', 'ConstraintInvChecked', 'StateConstraint', 'SymmetryPerm', 'ViewAbstract', 'AssertFail'];

describe('tla check --workers 2 gives the one-worker report', () => {
  for (const name of CONFORMANCE) {
    it(`conformance ${name}: same exit code and report line for line`, async () => {
      const argv = [path.join(dir, `${name}.tla`), '--config', path.join(dir, `${name}.cfg`)];
      const one = await check(argv, 1);
      const two = await check(argv, 2);
      expect(two.out[0]).toMatch(/with 2 workers$/);
      expect(two.out.filter((l) => l.startsWith('Note: '))).toEqual([]);
      expect(two.code).toBe(one.code);
      expect(report(two)).toEqual(report(one));
      expect(report(one).some((l) => /states generated/.test(l))).toBe(true);
    });
  }

  const corpus = corpusDir(repoRoot);
  const rows = readManifest(corpus);
  // Fast rows: two successes (one under SYMMETRY and VIEW) and two invariant violations.
  for (const want of ['tcp/MCtcp', 'Paxos/MCVoting', 'SDP_Verification/MC', 'MissionariesAndCannibals/MissionariesAndCannibals']) {
    it(`corpus ${want}: TLC's verdict and counts with 2 workers, and the one-worker report`, async () => {
      const row = rows.find((r) => rowName(r) === want && (want !== 'SDP_Verification/MC' || r.config.includes('SDP_Attack_Spec/')));
      expect(row, want).toBeDefined();
      if (row === undefined) return;
      const argv = checkArgs(corpus, row);
      const one = await check(argv, 1);
      const two = await check(argv, 2);
      expect(mismatches(row, parseReport(two.code, two.out, two.err, 0)), two.err.join('\n')).toEqual([]);
      expect(two.out.filter((l) => l.startsWith('Note: '))).toEqual([]);
      expect(report(two)).toEqual(report(one));
    });
  }

  for (const name of ['LiveWFHolds', 'LiveLassoWF', 'RefineCarryBug']) {
    it(`liveness ${name}: the workers explore the graph, the report is the one-worker report`, async () => {
      const argv = [path.join(dir, `${name}.tla`), '--config', path.join(dir, `${name}.cfg`)];
      const two = await check(argv, 2);
      const one = await check(argv, 1);
      expect(two.out.filter((l) => l.startsWith('Note: '))).toEqual([]);
      expect(two.code).toBe(one.code);
      expect(report(two)).toEqual(report(one));
    });
  }

  it('a spec that builds strings while exploring falls back to one worker with the same counts', async () => {
    const tmp = mkdtempSync(path.join(tmpdir(), 'tla-workers-'));
    const spec = path.join(tmp, 'RuntimeNames.tla');
    writeFileSync(
      spec,
      ['---- MODULE RuntimeNames ----', 'EXTENDS Naturals, TLC', 'VARIABLES n, s', 'Init == n = 0 /\\ s = {}', 'Next == n < 30 /\\ n\' = n + 1 /\\ s\' = s \\cup {ToString(n % 7)}', '===='].join('\n'),
    );
    writeFileSync(path.join(tmp, 'RuntimeNames.cfg'), 'INIT Init\nNEXT Next\nCHECK_DEADLOCK FALSE\n');
    const two = await check([spec], 2);
    expect(two.out.some((l) => /^Note: the spec builds new strings while exploring .*: exploring again with 1 worker\.$/.test(l))).toBe(true);
    expect(report(two)).toEqual(report(await check([spec], 1)));
    expect(two.out).toContain('31 states generated, 31 distinct states found, 0 states left on queue.');
  });

  // Invariants are checked when a state is expanded (parallel.ts): a stop found first in commit order
  // (deadlock, action property, later violation) must give way to an invariant violation of a state
  // generated before it, with the counts one worker had then.
  const deferTmp = mkdtempSync(path.join(tmpdir(), 'tla-workers-defer-'));
  const deferSpec = path.join(deferTmp, 'Defer.tla');
  writeFileSync(
    deferSpec,
    [
      '---- MODULE Defer ----',
      'EXTENDS Naturals',
      'VARIABLES x',
      'Init == x = 0',
      "Next == \\/ x = 0 /\\ x' \\in {1, 2, 3}",
      "        \\/ x = 2 /\\ x' = 4",
      "        \\/ x = 3 /\\ x' = 5",
      "        \\/ x = 4 /\\ x' = 6",
      'Inv == x # 3',
      'InvErr == IF x = 3 THEN x.a = 1 ELSE TRUE',
      "Up == [][x' > x /\\ x' # 2]_x",
      "Stays == [][x' # 4]_x",
      '====',
    ].join('\n'),
  );
  const deferCases: [string, string, number][] = [
    ['deadlock after the violating state was generated', 'INVARIANT Inv\n', 12],
    ['an action property fails before', 'INVARIANT Inv\nPROPERTY Up\nCHECK_DEADLOCK FALSE\n', 13],
    ['an action property fails after', 'INVARIANT Inv\nPROPERTY Stays\nCHECK_DEADLOCK FALSE\n', 12],
    ['evaluating the invariant fails', 'INVARIANT InvErr\nCHECK_DEADLOCK FALSE\n', 75],
  ];
  for (const [what, cfgText, exit] of deferCases) {
    it(`invariants checked at expansion, ${what}: the one-worker verdict, counts and trace`, async () => {
      const cfg = path.join(deferTmp, `${what.replace(/\W+/g, '-')}.cfg`);
      writeFileSync(cfg, `INIT Init\nNEXT Next\n${cfgText}`);
      const one = await check([deferSpec, '--config', cfg], 1);
      const two = await check([deferSpec, '--config', cfg], 2);
      expect(one.code).toBe(exit);
      expect(two.code).toBe(exit);
      expect(report(two)).toEqual(report(one));
    });
  }

  it('--workers auto is one per core; 0 and words are refused', () => {
    expect(parseWorkers('auto')).toBe(availableParallelism());
    expect(parseWorkers('3')).toBe(3);
    expect(parseWorkers('0')).toBeUndefined();
    expect(parseWorkers('two')).toBeUndefined();
  });
});
