// The memory stop (issue 10): a run that outgrows its memory limit stops with exit 153 and a message naming the
// distinct states reached, never an out-of-memory crash. A 1 MB --max-memory is below what any run uses, so the
// first check (after 1,024 states) stops it; the same spec without the option finishes.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runTlaCli, type CliIo } from '../../../src/tla/cli/index.js';
import { CHECK_HELP } from '../../../src/tla/cli/check-command.js';
import { defaultMaxMemory, isAllocationFailure, machineMemory } from '../../../src/tla/check/memory.js';
import { repoRoot } from './helpers.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'tla-mem-'));
const spec = path.join(tmp, 'Counter.tla');
writeFileSync(spec, "---- MODULE Counter ----\nEXTENDS Naturals\nVARIABLE x\nInit == x = 0\nNext == x < 5000 /\\ x' = x + 1\n====\n");
writeFileSync(path.join(tmp, 'Counter.cfg'), 'INIT Init\nNEXT Next\nCHECK_DEADLOCK FALSE\n');

async function run(args: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l) };
  const code = await runTlaCli(['check', spec, ...args], io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('memory limit', () => {
  it('a run over --max-memory stops with exit 153 and names the distinct states reached', async () => {
    const r = await run(['--max-memory', '1']);
    expect(r.code).toBe(153);
    const m = /Error: Out of memory: the search stopped after (\d+) distinct states \((\d+) generated, \d+ on the queue\)\. It uses \d+ MB \(\d+ MB JS heap, \d+ MB outside it\) of its 1 MB limit/.exec(r.out);
    expect(m, r.out).not.toBeNull();
    const distinct = Number(m![1]);
    expect(distinct).toBeGreaterThanOrEqual(1024);
    expect(distinct).toBeLessThan(5001);
    expect(r.out).toContain(`${m![2]} states generated, ${distinct} distinct states found`);
  });

  it('the same spec within the default limit explores all 5,001 states', async () => {
    const r = await run([]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('5001 states generated, 5001 distinct states found, 0 states left on queue.');
  });

  it('--max-memory must be a positive number of megabytes (exit 2)', async () => {
    const r = await run(['--max-memory', 'lots']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--max-memory takes a positive number of megabytes');
  });

  it('the default limit is 75% of the machine memory; allocation failures are recognised; --help and docs/tla.md name exit 153', () => {
    expect(defaultMaxMemory()).toBe(Math.floor(machineMemory() * 0.75));
    expect(isAllocationFailure(new RangeError('Array buffer allocation failed'))).toBe(true);
    expect(isAllocationFailure(new RangeError('Maximum call stack size exceeded'))).toBe(false);
    expect(CHECK_HELP).toMatch(/--max-memory MB/);
    expect(CHECK_HELP).toMatch(/153 out of memory/);
    const docs = readFileSync(path.join(repoRoot, 'docs/tla.md'), 'utf8');
    expect(docs).toMatch(/--max-memory/);
    expect(docs).toMatch(/exit 153/);
  });
});
