// LOCAL definitions (issue 10): `LOCAL Op == ...` and `LOCAL INSTANCE M` are visible inside their module and
// invisible to a module that EXTENDS or INSTANCEs it, with SANY's words for the unknown name.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSpec, valueOps } from '../../../src/tla/front-end.js';

const dir = mkdtempSync(path.join(tmpdir(), 'tla-local-'));
const write = (name: string, body: string): string => {
  const file = path.join(dir, `${name}.tla`);
  writeFileSync(file, `---- MODULE ${name} ----\n${body}\n====\n`);
  return file;
};

write('Hidden', 'EXTENDS Naturals\nLOCAL INSTANCE Sequences\nLOCAL Twice(x) == 2 * x\nLOCAL Base == 20\nQuad(x) == Twice(Twice(x)) + Base\nSeqLen == Len(<<1, 2, 3>>)');
write('Middle', 'EXTENDS Hidden\nMid == Quad(1)');

async function evalIn(root: string, text: string): Promise<string> {
  const spec = await loadSpec(root, new Map());
  return valueOps.print(spec.evalState(spec.expr(text), []));
}

async function errorIn(root: string, text: string): Promise<string> {
  try {
    return `no error: ${await evalIn(root, text)}`;
  } catch (e) {
    return (e as Error).message;
  }
}

describe('LOCAL definitions', () => {
  it('are visible inside their own module (operators, constants and a LOCAL INSTANCE) and through its public ones', async () => {
    const own = write('OwnUse', 'EXTENDS Naturals\nLOCAL INSTANCE Sequences\nLOCAL Inc(x) == x + 1\nUse == <<Inc(1), Len(<<7>>)>>');
    expect(await evalIn(own, 'Use')).toBe('<<2, 1>>');
    expect(await evalIn(own, 'Inc(41)')).toBe('42');
    const ext = write('ExtUse', 'EXTENDS Middle\nAll == <<Quad(1), Mid, SeqLen>>');
    expect(await evalIn(ext, 'All')).toBe('<<24, 24, 3>>');
  });

  it('a LOCAL operator is invisible to a module that EXTENDS it, directly or through another module, with SANY\'s message', async () => {
    const direct = write('ExtDirect', 'EXTENDS Hidden\nBad == Twice(1)');
    expect(await errorIn(direct, 'Bad')).toMatch(/^Unknown operator: `Twice'\./);
    const indirect = write('ExtIndirect', 'EXTENDS Middle\nBad == Base');
    expect(await errorIn(indirect, 'Bad')).toMatch(/^Unknown operator: `Base'\./);
  });

  it('a LOCAL INSTANCE is invisible to the extender: Len is unknown unless it extends Sequences itself', async () => {
    const noSeq = write('ExtNoSeq', 'EXTENDS Hidden\nBad == Len(<<1>>)');
    expect(await errorIn(noSeq, 'Bad')).toMatch(/^Unknown operator: `Len'\./);
    const withSeq = write('ExtWithSeq', 'EXTENDS Hidden, Sequences\nGood == Len(<<1>>)');
    expect(await evalIn(withSeq, 'Good')).toBe('1');
  });

  it('a LOCAL operator is invisible through INSTANCE, named (I!Op) or not', async () => {
    const named = write('InstNamed', 'I == INSTANCE Hidden\nGood == I!Quad(1)\nBad == I!Twice(1)');
    expect(await evalIn(named, 'Good')).toBe('24');
    expect(await errorIn(named, 'Bad')).toMatch(/^Unknown operator: `I!Twice'\./);
    const unnamed = write('InstUnnamed', 'INSTANCE Hidden\nGood == Quad(2)\nBad == Twice(2)');
    expect(await evalIn(unnamed, 'Good')).toBe('28');
    expect(await errorIn(unnamed, 'Bad')).toMatch(/^Unknown operator: `Twice'\./);
  });
});
