import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { getParser, parseFile, parseText } from '../../../src/tla/parse/index.js';
import { conformanceDir } from '../../support/paths.js';

const DIR = conformanceDir();

describe('parser', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.tla'));
  it.each(files)('parses %s into a module named like the file', async (f) => {
    const p = await getParser();
    const mods = parseFile(p, join(DIR, f));
    expect(mods[0].name).toBe(f.replace(/\.tla$/, ''));
    expect(mods[0].units.length + mods[0].extends.length).toBeGreaterThan(0);
  });

  it('gives TLC locations (1-based, end column inclusive)', async () => {
    const p = await getParser();
    const mods = parseFile(p, join(DIR, 'InvViolTrace.tla'));
    const def = mods[0].units.find((u) => u.kind === 'opDef' && u.name === 'TurnInner');
    expect(def?.kind).toBe('opDef');
    if (def?.kind !== 'opDef') return;
    const l = def.body.loc;
    expect([l.line, l.col, l.endLine, l.endCol]).toEqual([10, 14, 11, 31]);
  });

  it('reports a syntax error as a parse TlaError with a line', async () => {
    const p = await getParser();
    expect(() => parseText(p, '---- MODULE X ----\nA == 1 +\n====\n', 'X.tla')).toThrow(/line/);
  });

  const mod = (e: string): string => `---- MODULE X ----\nEXTENDS Integers\nA == ${e}\n====\n`;

  it.each(['a + b % c', '2^3^2', 'a = b = c', 'a /\\ b \\/ c', 'S \\cup T \\cap U', 'a * b \\div c', 'a => b => c'])(
    'rejects the precedence conflict %s like SANY',
    async (e) => {
      const p = await getParser();
      expect(() => parseText(p, mod(e), 'X.tla')).toThrow(/Precedence conflict/);
    },
  );

  it.each(['a - b + c', 'a + b + c', '(a + b) % c', '-7 \\div 2', 'x \\in S \\cup T', 'a /\\ b /\\ c', 'f @@ g @@ h', 'a :> b @@ c :> d', 'x = y /\\ y # z'])(
    'accepts %s',
    async (e) => {
      const p = await getParser();
      expect(parseText(p, mod(e), 'X.tla')[0].units.length).toBe(1);
    },
  );
});
