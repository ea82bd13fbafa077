import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { bfs, CONF, expectedStates, normalise } from './helpers.js';
import { loadSpec, valueOps } from '../../../src/tla/front-end.js';

interface Case {
  name: string;
  result: string;
  violated: string | null;
  distinct: number | null;
  generated: number | null;
  features?: string[];
}

const manifest = JSON.parse(readFileSync(`${CONF}/manifest.json`, 'utf8')) as Case[] | { cases: Case[] };
const cases = (Array.isArray(manifest) ? manifest : manifest.cases).filter(
  (c) => ['success', 'invariant', 'deadlock', 'property', 'liveness'].includes(c.result),
);

describe('own BFS over the front end reproduces TLC counts', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s: distinct and generated equal TLC', async (_n, c) => {
    const r = await bfs(c.name);
    expect(r.error).toBeUndefined();
    expect({ distinct: r.distinct, generated: r.generated }).toEqual({ distinct: c.distinct, generated: c.generated });
    if (c.result === 'invariant' || c.result === 'property') expect(r.violated).toBe(c.violated);
    if (c.result === 'deadlock') expect(r.deadlock).toBe(true);
    if (c.result === 'invariant' || c.result === 'deadlock') {
      const expected = readFileSync(`${CONF}/${c.name}.expected.txt`, 'utf8')
        .split('\n')
        .filter((l) => /^State \d+: </.test(l))
        .map((l) => l.replace(/^State \d+: /, ''));
      expect(r.trace).toEqual(expected);
      const text = readFileSync(`${CONF}/${c.name}.expected.txt`, 'utf8');
      expect(r.states?.map((st) => st.map(normalise).sort())).toEqual(expectedStates(text));
    }
  }, 60_000);

});

describe('errors raised while generating successors', () => {
  it('AssertFail: a failing Assert is TLC\'s assert error with its message', async () => {
    const r = await bfs('AssertFail');
    expect(r.error).toMatch(/^The first argument of Assert evaluated to FALSE; the second argument was:\n"tank overflow"/);
    expect(r.distinct).toBe(4);
    expect(r.nested).toEqual(['line 9, col 9 to line 11, col 27', 'line 9, col 12 to line 9, col 29', 'line 10, col 12 to line 10, col 47']);
  });
});

describe('string order is per loaded spec (TLC interns names in the order it meets them)', () => {
  it('DeadlockFound prints [red |-> .., blue |-> ..] even after a spec that met "blue" first', async () => {
    const other = await loadSpec(new URL('./fixtures/BlueRed.tla', import.meta.url).pathname, new Map());
    expect(valueOps.print(other.evalState(other.definition('A')!, []))).toBe('<<"blue", "red">>');
    expect(valueOps.print(other.evalState(other.expr('{"red", "blue"}'), []))).toBe('{"blue", "red"}');
    const r = await bfs('DeadlockFound');
    const text = readFileSync(`${CONF}/DeadlockFound.expected.txt`, 'utf8');
    expect(r.states?.map((st) => st.map(normalise).sort())).toEqual(expectedStates(text));
  });
});
