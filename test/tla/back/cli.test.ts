// The `porcupine tla` command: exit codes, help, errors for missing files and bad flags, trace dumps.
import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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
    const dump = JSON.parse(readFileSync(json, 'utf8')).counterexample;
    expect(dump.state).toHaveLength(5);
    expect(dump.state[4]).toEqual([5, { dial: { inner: 2, outer: 3 }, last: 'outer' }]);
    expect(dump.action).toHaveLength(4);
    expect(dump.action[3][1]).toEqual({ name: 'TurnOuter', location: { beginLine: 13, beginColumn: 14, endLine: 15, endColumn: 31, module: 'InvViolTrace' } });
    expect(dump.action[3][2][0]).toBe(5);
    const itfDoc = JSON.parse(readFileSync(itf, 'utf8'));
    expect(itfDoc.vars).toEqual(['dial', 'last']);
    expect(itfDoc.states[4].dial).toEqual({ inner: { '#bigint': '2' }, outer: { '#bigint': '3' } });
  });

  it('check exits 13 on a liveness violation and dumps the lasso with its loop', async () => {
    const io = capture();
    const itf = path.join(tmp, 'lasso.itf.json');
    const json = path.join(tmp, 'lasso.json');
    expect(await runTlaCli(['check', `${dir}/LiveLassoWF.tla`, '--dump-itf', itf, '--dump-trace-json', json], io)).toBe(13);
    expect(io.outText()).toMatch(/Error: Temporal property ServedInfinitelyOften was violated\.\n\nError: The following behavior constitutes a counter-example:/);
    expect(io.outText()).toMatch(/\nBack to state \d+: <Toggle line 11, col 11 to line 11, col 75 of module LiveLassoWF>\n/);
    const doc = JSON.parse(readFileSync(itf, 'utf8'));
    expect(doc.loop).toBeGreaterThanOrEqual(0);
    expect(doc.loop).toBeLessThan(doc.states.length);
    const dump = JSON.parse(readFileSync(json, 'utf8')).counterexample;
    expect(dump.action.length).toBe(dump.state.length); // n - 1 steps plus the step back
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
      [['check', `${dir}/InvViolTrace.tla`, '--workers', '0'], /--workers 0: give a positive number or auto/],
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

  it('reports a cfg name the spec does not define with its line and column, exit 151', async () => {
    const cfg = path.join(tmp, 'undef.cfg');
    writeFileSync(cfg, 'INIT Init\nNEXT Next\nINVARIANT TypeOK\nINVARIANT Nope\n');
    const io = capture();
    expect(await runTlaCli(['check', `${dir}/InvViolTrace.tla`, '--config', cfg], io)).toBe(151);
    expect(io.errText()).toMatch(/undef\.cfg:4:11: the invariant Nope is not defined in module InvViolTrace/);
  });

  it('finds modules on the library path (--lib, repeatable, then TLA_PATH) and refuses a file not named after its module', async () => {
    const specDir = path.join(tmp, 'libspec');
    const libA = path.join(tmp, 'libA');
    const libB = path.join(tmp, 'libB');
    for (const d of [specDir, libA, libB]) mkdirSync(d, { recursive: true });
    writeFileSync(path.join(libA, 'Helper.tla'), '---- MODULE Helper ----\nEXTENDS Deeper\nStep(v) == v + One\n====\n');
    writeFileSync(path.join(libB, 'Deeper.tla'), '---- MODULE Deeper ----\nOne == 1\n====\n');
    writeFileSync(path.join(specDir, 'UsesLib.tla'), "---- MODULE UsesLib ----\nEXTENDS Naturals, Helper\nVARIABLE x\nInit == x = 0\nNext == x < 2 /\\ x' = Step(x)\n====\n");
    writeFileSync(path.join(specDir, 'UsesLib.cfg'), 'INIT Init\nNEXT Next\nCHECK_DEADLOCK FALSE\n');
    const spec = path.join(specDir, 'UsesLib.tla');
    const missing = capture();
    expect(await runTlaCli(['check', spec], missing)).toBe(150);
    expect(missing.errText()).toMatch(/Cannot find module Helper/);
    const both = capture();
    expect(await runTlaCli(['check', spec, '--lib', libA, '--lib', libB], both)).toBe(0);
    expect(both.outText()).toMatch(/^3 states generated, 3 distinct states found/m);
    const saved = process.env.TLA_PATH;
    process.env.TLA_PATH = [libA, libB].join(path.delimiter);
    try {
      const env = capture();
      expect(await runTlaCli(['check', spec], env)).toBe(0);
    } finally {
      if (saved === undefined) delete process.env.TLA_PATH;
      else process.env.TLA_PATH = saved;
    }
    const renamed = path.join(specDir, 'Renamed.tla');
    writeFileSync(renamed, readFileSync(spec, 'utf8'));
    writeFileSync(path.join(specDir, 'Renamed.cfg'), 'INIT Init\nNEXT Next\n');
    const io = capture();
    expect(await runTlaCli(['check', renamed, '--lib', libA, '--lib', libB], io)).toBe(150);
    expect(io.errText()).toContain("File name 'Renamed' does not match the name 'UsesLib' of the top level module it contains.");
  });

  it('refuses POSTCONDITION clearly; checks liveness with SYMMETRY and prints TLC\'s warning', async () => {
    const cfg = path.join(tmp, 'post.cfg');
    writeFileSync(cfg, 'INIT Init\nNEXT Next\nPOSTCONDITION TypeOK\n');
    const io = capture();
    expect(await runTlaCli(['check', `${dir}/InvViolTrace.tla`, '--config', cfg], io)).toBe(150);
    expect(io.errText()).toMatch(/post\.cfg:3:15: POSTCONDITION is not supported/);
    writeFileSync(cfg, 'CONSTANTS Porters = {p1, p2}\n Crates = {c1}\nINIT Init\nNEXT Next\nSYMMETRY Sym\nPROPERTY Live\n');
    writeFileSync(path.join(tmp, 'SymLive.tla'), readFileSync(`${dir}/SymmetryPerm.tla`, 'utf8').replace('MODULE SymmetryPerm', 'MODULE SymLive').replace('====', 'Live == <>(delivered = Crates)\n===='));
    const io2 = capture();
    expect(await runTlaCli(['check', path.join(tmp, 'SymLive.tla'), '--config', cfg], io2)).toBe(13);
    expect(io2.outText()).toMatch(/^Warning: Declaring symmetry during liveness checking is dangerous\./m);
  });

  it('prints counterexample states through ALIAS when the cfg gives one', async () => {
    const spec = path.join(tmp, 'AliasInv.tla');
    const src = readFileSync(`${dir}/InvViolTrace.tla`, 'utf8').replace('MODULE InvViolTrace', 'MODULE AliasInv');
    writeFileSync(spec, src.replace(/\n=+\s*$/, '\nAl == [inner |-> dial.inner, sum |-> dial.inner + dial.outer]\n====\n'));
    writeFileSync(path.join(tmp, 'AliasInv.cfg'), 'INIT Init\nNEXT Next\nINVARIANT StaysLocked\nALIAS Al\n');
    const io = capture();
    expect(await runTlaCli(['check', spec], io)).toBe(12);
    expect(io.outText()).toMatch(/State 5: <TurnOuter [^>]*>\n\/\\ inner = 2\n\/\\ sum = 5\n/);
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

  it('validate: a missing or unreadable trace file is bad usage (exit 2, as --help says), a malformed line exit 1', async () => {
    const spec = path.join(repoRoot, 'test/tla/cases/CounterPair.tla');
    const cfg = path.join(repoRoot, 'test/tla/cases/CounterPairAll.cfg');
    const io = capture();
    expect(await runTlaCli(['validate', spec, path.join(tmp, 'no-such-trace.ndjson'), '--config', cfg], io)).toBe(2);
    expect(io.errText()).toMatch(/^porcupine tla validate: cannot read the trace .*no-such-trace\.ndjson: ENOENT$/);
    const io2 = capture();
    expect(await runTlaCli(['validate', spec, tmp, '--config', cfg], io2)).toBe(2); // a directory
    expect(io2.errText()).toMatch(/cannot read the trace .*: EISDIR/);
    const cut = path.join(tmp, 'cut.ndjson');
    writeFileSync(cut, ['{"module":"CounterPair"}', '{"i":0,"state":{"a":0,"b":0}}', '{"i":1,"action":"IncB","sta'].join('\n'));
    const io3 = capture();
    expect(await runTlaCli(['validate', spec, cut, '--config', cfg], io3)).toBe(1);
    expect(io3.errText()).toMatch(/line 3: not JSON/);
    const help = capture();
    expect(await runTlaCli(['validate', '--help'], help)).toBe(0);
    expect(help.outText()).toMatch(/2 bad usage or an unreadable trace file/);
  });

  it('parse prints a summary', async () => {
    const io = capture();
    expect(await runTlaCli(['parse', `${dir}/LiveWFHolds.tla`], io)).toBe(0);
    expect(io.outText()).toMatch(/Module LiveWFHolds\nVariables: phase, charge/);
  });
});

describe('TLC output summary (for --tlc)', () => {
  it('reads verdict and counts from TLC stdout', async () => {
    const { summarizeTlcOutput } = await import('../../../src/tla/cli/tlc-compare.js');
    const text = readFileSync(`${dir}/InvViolTrace.expected.txt`, 'utf8');
    expect(summarizeTlcOutput(text, 12)).toEqual({ exitCode: 12, verdict: 'Invariant StaysLocked is violated.', generated: 14, distinct: 14 });
    const ok = readFileSync(`${dir}/LwwConverge.expected.txt`, 'utf8');
    expect(summarizeTlcOutput(ok, 0)).toMatchObject({ verdict: 'success', generated: 1113, distinct: 241 });
  });
});
