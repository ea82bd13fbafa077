// The `porcupine tla` command: exit codes, help, errors for missing files and bad flags, trace dumps.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runTlaCli, type CliIo } from '../../../src/tla/cli/index.js';
import { conformanceDir, repoRoot } from './helpers.js';

function capture(): CliIo & { outText: () => string; errText: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  return { out: (l) => out.push(l), err: (l) => err.push(l), outText: () => out.join('\n'), errText: () => err.join('\n') };
}

const dir = conformanceDir();
const tmp = mkdtempSync(path.join(tmpdir(), 'tla-cli-'));

describe('porcupine tla', () => {
  it('check prints TLC-style output and exits 12 on an invariant violation, dumping JSON and ITF traces', async () => {
    const io = capture();
    const json = path.join(tmp, 'trace.json');
    const itf = path.join(tmp, 'trace.itf.json');
    const code = await runTlaCli(['check', `${dir}/InvViolTrace.tla`, '--dump-trace-json', json, '--dump-itf', itf], io);
    expect(code).toBe(12);
    expect(io.outText()).toContain('Error: Invariant StaysLocked is violated.');
    expect(io.outText()).toContain('14 states generated, 14 distinct states found, 6 states left on queue.');
    const states = JSON.parse(readFileSync(json, 'utf8'));
    expect(states).toHaveLength(5);
    expect(states[4]).toEqual({ dial: { inner: 2, outer: 3 }, last: 'outer' });
    const itfDoc = JSON.parse(readFileSync(itf, 'utf8'));
    expect(itfDoc.vars).toEqual(['dial', 'last']);
    expect(itfDoc.states[4].dial).toEqual({ inner: { '#bigint': '2' }, outer: { '#bigint': '3' } });
  });

  it('check exits 0 and prints the success summary', async () => {
    const io = capture();
    expect(await runTlaCli(['check', `${dir}/ViewAbstract.tla`], io)).toBe(0);
    expect(io.outText()).toContain('Model checking completed. No error has been found.');
  });

  it('--no-deadlock turns deadlock checking off', async () => {
    const io = capture();
    expect(await runTlaCli(['check', `${dir}/DeadlockFound.tla`, '--no-deadlock'], io)).toBe(0);
    expect(await runTlaCli(['check', `${dir}/DeadlockFound.tla`], capture())).toBe(11);
  });

  it('refuses bad usage with exit 2 and a clear message', async () => {
    const cases: [string[], RegExp][] = [
      [['check', `${dir}/InvViolTrace.tla`, '--bogus'], /unknown flag --bogus/],
      [['check', `${dir}/InvViolTrace.tla`, '--workers', '4'], /--workers 4 is not supported/],
      [['check'], /give exactly one SPEC\.tla/],
      [['frobnicate'], /unknown command "frobnicate"/],
    ];
    for (const [argv, re] of cases) {
      const io = capture();
      expect(await runTlaCli(argv, io), argv.join(' ')).toBe(2);
      expect(io.errText()).toMatch(re);
    }
  });

  it('refuses --tlc clearly when TLA2TOOLS_JAR is not set', async () => {
    const saved = process.env.TLA2TOOLS_JAR;
    delete process.env.TLA2TOOLS_JAR;
    const io = capture();
    expect(await runTlaCli(['check', `${dir}/InvViolTrace.tla`, '--tlc'], io)).toBe(2);
    expect(io.errText()).toMatch(/TLA2TOOLS_JAR/);
    if (saved !== undefined) process.env.TLA2TOOLS_JAR = saved;
  });

  it('reports missing spec and cfg files with TLC exit codes', async () => {
    const io = capture();
    expect(await runTlaCli(['check', path.join(tmp, 'Nope.tla')], io)).toBe(150);
    expect(io.errText()).toMatch(/cannot read the spec/);
    const io2 = capture();
    expect(await runTlaCli(['check', `${dir}/InvViolTrace.tla`, '--config', path.join(tmp, 'none.cfg')], io2)).toBe(151);
    expect(io2.errText()).toMatch(/cannot read the config file/);
  });

  it('reports a bad cfg with line and column, exit 151', async () => {
    const cfg = path.join(tmp, 'bad.cfg');
    writeFileSync(cfg, 'INIT Init\nNEXT\n');
    const io = capture();
    expect(await runTlaCli(['check', `${dir}/InvViolTrace.tla`, '--config', cfg], io)).toBe(151);
    expect(io.errText()).toMatch(/bad\.cfg:3:1: NEXT needs at least one name/);
  });

  it('every command has a --help', async () => {
    for (const cmd of ['check', 'validate', 'parse']) {
      const io = capture();
      expect(await runTlaCli([cmd, '--help'], io)).toBe(0);
      expect(io.outText()).toMatch(new RegExp(`Usage: porcupine tla ${cmd}`));
    }
  });

  it('validate accepts a valid trace file and rejects an edited one with exit 1', async () => {
    const trace = path.join(tmp, 'pair.ndjson');
    const spec = path.join(repoRoot, 'test/tla/cases/CounterPair.tla');
    const cfg = path.join(repoRoot, 'test/tla/cases/CounterPairAll.cfg');
    writeFileSync(trace, ['{"module":"CounterPair"}', '{"i":0,"state":{"a":0,"b":0}}', '{"i":1,"action":"IncB","state":{"a":0,"b":1}}'].join('\n'));
    const io = capture();
    expect(await runTlaCli(['validate', spec, trace, '--config', cfg], io)).toBe(0);
    expect(io.outText()).toMatch(/2 events validated/);
    writeFileSync(trace, ['{"module":"CounterPair"}', '{"i":0,"state":{"a":0,"b":0}}', '{"i":1,"action":"IncB","state":{"a":1,"b":0}}'].join('\n'));
    const io2 = capture();
    expect(await runTlaCli(['validate', spec, trace, '--config', cfg], io2)).toBe(1);
    expect(io2.outText()).toMatch(/line 3: no IncB step leads to the traced state/);
    expect(io2.outText()).toMatch(/Enabled actions: IncA, IncB/);
  });

  it('parse prints a summary', async () => {
    const io = capture();
    expect(await runTlaCli(['parse', `${dir}/LiveWFHolds.tla`], io)).toBe(0);
    expect(io.outText()).toMatch(/Module LiveWFHolds\nVariables: phase, charge/);
  });
});
