// `porcupine replay --from-spec CE.json` end to end: real counterexamples written by `porcupine tla check`
// (--dump-trace-json and --dump-itf) of PorcupineReplication, replayed against the implementation.
//   - the real spec with a deliberately violable invariant (NeverConfirmed: no delete is ever confirmed): the
//     counterexample is a store, a delete, its copies and the +OK, and the implementation follows it;
//   - the seeded spec bug "a participant applies an older update": the counterexample makes an older version
//     durable over a tombstone, and the implementation parts ways at that step, with the differing variable.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';
import { repoRoot } from '../spec/harness.js';

const spec = path.join(repoRoot, 'spec/PorcupineReplication.tla');
const mcTla = path.join(repoRoot, 'spec/MCPorcupineReplication.tla');
const mcCfg = path.join(repoRoot, 'spec/MCPorcupineReplication.cfg');

/** Model-checks a scratch copy of the model (spec and model edited by the callbacks); returns the CE files. */
function counterexample(editSpec: (s: string) => string, editMc: (s: string) => string, editCfg: (s: string) => string): { json: string; itf: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ce-replay-'));
  writeFileSync(path.join(dir, 'PorcupineReplication.tla'), editSpec(readFileSync(spec, 'utf8')));
  writeFileSync(path.join(dir, 'MCPorcupineReplication.tla'), editMc(readFileSync(mcTla, 'utf8')));
  writeFileSync(path.join(dir, 'MCPorcupineReplication.cfg'), editCfg(readFileSync(mcCfg, 'utf8')));
  const json = path.join(dir, 'ce.json');
  const itf = path.join(dir, 'ce.itf.json');
  const r = runCli(['tla', 'check', path.join(dir, 'MCPorcupineReplication.tla'), '--dump-trace-json', json, '--dump-itf', itf]);
  expect(r.code, r.stdout).toBe(12); // an invariant is violated
  return { json, itf };
}

const once = (s: string, from: string, to: string): string => {
  expect(s.split(from).length, `"${from}" occurs once`).toBe(2);
  return s.replace(from, to);
};

describe('porcupine replay --from-spec', () => {
  it('the implementation follows a counterexample of the real spec (a delete confirmed), in TLC json and ITF', () => {
    const ce = counterexample(
      (s) => s,
      (s) => once(s, 'MCDiskLoss == {FALSE}\n', 'MCDiskLoss == {FALSE}\nNeverConfirmed == ~confirmed\n'),
      (s) => once(once(s, '    DeleteSticks\n', '    DeleteSticks\n    NeverConfirmed\n'), 'PROPERTIES\n    ReplicasConverge\n', ''),
    );
    for (const file of [ce.json, ce.itf]) {
      const r = runCli(['replay', '--from-spec', file]);
      expect(r.stdout).toMatch(/of PorcupineReplication against the implementation/);
      expect(r.stdout).toMatch(/ReplUpdate\(1, "tomb", \d\) -- delete at n1/);
      expect(r.stdout).toMatch(/ReplDurable\(1, \[ts \|-> \d, node \|-> 1, kind \|-> "tomb"\]\) -- deliver replAck/);
      expect(r.stdout).toMatch(/^FOLLOWS: the implementation reaches every state of the counterexample \(\d+ states\)$/m);
      expect(r.code).toBe(0);
    }
  });

  it('the implementation parts ways with the seeded bug "a participant applies an older update", at the step that applies it', () => {
    const ce = counterexample(
      (s) => once(s, '    /\\ Newer(v, hard[n])\n', ''),
      (s) => s,
      (s) => once(s, 'PROPERTIES\n    ReplicasConverge\n', ''),
    );
    const r = runCli(['replay', '--from-spec', ce.json]);
    expect(r.code).toBe(1);
    const m = /^PARTS WAYS at state (\d+) \(ReplPersist\((\d), \[ts \|-> (\d), node \|-> \d, kind \|-> "msg"\]\)\): (.*)$/m.exec(r.stdout);
    expect(m, r.stdout).not.toBeNull();
    // The variable that differs: the spec has the older message at that node, the implementation its tombstone.
    expect(r.stdout).toMatch(new RegExp(`^  hard\\[${m?.[2]}\\]: spec \\[ts \\|-> ${m?.[3]}, node \\|-> \\d, kind \\|-> "msg"\\], implementation \\[ts \\|-> \\d, node \\|-> \\d, kind \\|-> "tomb"\\]$`, 'm'));
  });

  it('bad usage and an unknown spec exit 2, and --help documents the exit codes', () => {
    expect(runCli(['replay', '--from-spec']).code).toBe(2);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ce-replay-'));
    const other = path.join(dir, 'other.json');
    writeFileSync(other, JSON.stringify({ counterexample: { state: [[1, { x: 1 }]] } }));
    const r = runCli(['replay', '--from-spec', other]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no translator for a counterexample with variables x; translators exist for: PorcupineReplication');
    const help = runCli(['replay', '--help']).stdout;
    expect(help).toContain('--from-spec CE.json');
    expect(help).toMatch(/With --from-spec: 0 the implementation follows the counterexample, 1 it parts ways, 2 bad\s+usage/);
  });
});
