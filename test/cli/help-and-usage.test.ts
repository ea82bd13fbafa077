// `porcupine` as a process: help texts, the version, and bad usage — exit status 2 and a message on stderr
// that names the problem and where to look (STYLE.md habit 11), with nothing on stdout.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../properties/support/failure-trace.js';
import { runCli } from './run-cli.js';

describe('porcupine --help and --version', () => {
  it('--help lists the commands and exits 0', () => {
    const r = runCli(['--help']);
    expect(r.code).toBe(0);
    for (const cmd of ['sim', 'replay', 'tla', 'help']) expect(r.stdout).toMatch(new RegExp(`^\\s+${cmd}\\s+\\S`, 'm'));
  });

  it('no command prints the usage and exits 2', () => {
    const r = runCli([]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('Usage: porcupine <command>');
  });

  it('--version prints the package version', () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(runCli(['--version'])).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
  });

  it('sim --help documents every option and the exit status', () => {
    const r = runCli(['sim', '--help']);
    expect(r.code).toBe(0);
    for (const flag of ['--nodes', '--users', '--messages', '--seed', '--faults', '--policy', '--spread', '--distribution', '--trace', '--trace-state', '--json']) {
      expect(r.stdout).toContain(flag);
    }
    expect(r.stdout).toMatch(/Exit status: 0 .*1 .*2 bad usage/);
  });

  it('replay --help explains what is compared and the exit status', () => {
    const r = runCli(['replay', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: porcupine replay FILE');
    expect(r.stdout).toMatch(/Exit status: 0 identical, 1 diverged, 2 /);
  });
});

describe('bad usage exits 2 with a clear message', () => {
  const cases: readonly [string, readonly string[], RegExp][] = [
    ['an unknown command', ['frobnicate'], /unknown command 'frobnicate'.*porcupine --help/],
    ['an unknown sim option', ['sim', '--bogus'], /unknown option '--bogus'/],
    ['a non-numeric --nodes', ['sim', '--nodes', 'many'], /--nodes needs a whole number, got 'many'/],
    ['--nodes 0', ['sim', '--nodes', '0'], /--nodes must be at least 1, got 0/],
    ['--seed without a value', ['sim', '--seed'], /--seed needs a whole number, got nothing/],
    ['an unknown fault', ['sim', '--faults', 'fire'], /unknown fault 'fire' in --faults \(known: loss, dup, reorder/],
    ['a fault rate out of range', ['sim', '--faults', 'loss=1.5'], /--faults loss=1.5: the rate must be a probability in \[0, 1\)/],
    ['an unknown policy', ['sim', '--policy', 'best'], /--policy must be dynamic, static or random, got 'best'/],
    ['a spread above the limit', ['sim', '--spread', '99'], /spread must be <= \d+, got 99/],
    ['--trace without a file', ['sim', '--trace'], /--trace needs a file name/],
    ['replay without a file', ['replay'], /expected exactly one trace file/],
    ['replay with two files', ['replay', 'a.ndjson', 'b.ndjson'], /expected exactly one trace file/],
    ['replay with an unknown option', ['replay', '--fast', 'x.ndjson'], /unknown option '--fast'/],
    ['replay of a missing file', ['replay', 'traces/no-such-trace.ndjson'], /cannot read traces\/no-such-trace\.ndjson/],
    ['replay of a file that is not a trace', ['replay', 'package.json'], /package\.json: line 1 is not (JSON|a simulation trace header)/],
  ];
  for (const [what, args, message] of cases) {
    it(`${what}: porcupine ${args.join(' ')}`, () => {
      const r = runCli(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
    });
  }
});
