import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fnv1a32 } from '../../src/pure/hash.js';
import { PMap } from '../../src/pure/pmap.js';
import { assertProperty } from './property-config.js';

type Op = { op: 'set'; k: string; v: number } | { op: 'del'; k: string };

// Short keys from a small alphabet plus k0..k400: many keys share hash prefixes, so tries get deep; the
// collision pairs mixed in exercise collision nodes under random operations.
const key = fc.oneof(
  fc.string({ maxLength: 3 }),
  fc.integer({ min: 0, max: 400 }).map((n) => `k${n}`),
  fc.constantFrom('costarring', 'liquid', 'declinate', 'macallums'),
);
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('set' as const), k: key, v: fc.integer() }),
  fc.record({ op: fc.constant('del' as const), k: key }),
);

function sameAsOracle(m: PMap<number>, oracle: Map<string, number>): void {
  expect(m.size).toBe(oracle.size);
  for (const [k, v] of oracle) expect(m.get(k)).toBe(v);
  const entries = m.sortedEntries();
  expect(entries).toEqual([...oracle.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
}

describe('PMap', () => {
  it('property: any sequence of set/delete behaves like a Map, and older versions never change', () => {
    assertProperty(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        let m = PMap.empty<number>();
        const oracle = new Map<string, number>();
        const versions: [PMap<number>, Map<string, number>][] = [];
        for (const o of ops) {
          if (o.op === 'set') {
            m = m.set(o.k, o.v);
            oracle.set(o.k, o.v);
          } else {
            m = m.delete(o.k);
            oracle.delete(o.k);
          }
          if (versions.length < 20) versions.push([m, new Map(oracle)]);
        }
        sameAsOracle(m, oracle);
        for (const [v, o] of versions) sameAsOracle(v, o);
      }),
      200,
      'test/pure/pmap.test.ts',
    );
  });

  it('handles full 32-bit hash collisions (keys with equal FNV-1a hashes)', () => {
    // Known FNV-1a 32 collisions (the map hashes string keys with fnv1a32).
    const [a, b] = ['costarring', 'liquid'];
    expect(fnv1a32(a)).toBe(fnv1a32(b));
    let m = PMap.empty<number>().set(a, 1).set(b, 2).set('z', 3);
    expect([m.get(a), m.get(b), m.size]).toEqual([1, 2, 3]);
    m = m.set(a, 10);
    expect([m.get(a), m.get(b), m.size]).toEqual([10, 2, 3]);
    m = m.delete(b);
    expect([m.get(a), m.get(b), m.size]).toEqual([10, undefined, 2]);
    m = m.delete(a).delete('z');
    expect(m.size).toBe(0);
  });

  it('numeric keys are distinct from their string forms', () => {
    const m = PMap.empty<string, number | string>().set(5, 'num').set('5', 'str').set(2 ** 40 + 5, 'big');
    expect([m.get(5), m.get('5'), m.get(2 ** 40 + 5), m.size]).toEqual(['num', 'str', 'big', 3]);
  });

  it('returns the same map when an update changes nothing', () => {
    const m = PMap.empty<number>().set('a', 1);
    expect(m.set('a', 1)).toBe(m);
    expect(m.delete('b')).toBe(m);
  });
});
