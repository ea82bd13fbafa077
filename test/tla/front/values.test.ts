import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { type Value, setOf, tuple, record, str, modelValue, fcnFromPairs, lazy, valueOps, int, forceSet, member, mkSetSorted } from '../../../src/tla/values/index.js';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 200);
const SEED = Number(process.env.SEED ?? 42);
const opts = { numRuns: RUNS, seed: SEED };
const replay = `replay with SEED=${SEED} PROPERTY_RUNS=${RUNS} npx vitest run test/tla/front/values.test.ts`;

/** Random values: ints, strings, booleans, tuples, records, sets. */
const arbValue: fc.Arbitrary<Value> = fc.letrec<{ v: Value }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.integer({ min: -5, max: 5 }),
    fc.boolean(),
    fc.constantFrom('a', 'b', 'c').map(str),
    fc.array(tie('v'), { maxLength: 3 }).map((xs) => tuple(xs)),
    fc.array(tie('v'), { maxLength: 3 }).map((xs) => setOf(xs)),
    fc.uniqueArray(fc.constantFrom('x', 'y', 'z'), { maxLength: 3 }).chain((ks) =>
      fc.array(tie('v'), { minLength: ks.length, maxLength: ks.length }).map((vs) => record(ks.map((k, i) => [k, vs[i]] as const))),
    ),
  ),
})).v;

describe('values', () => {
  it('property: a set built from any permutation of its elements is equal, with the same fingerprint and text', () => {
    const r = fc.check(
      fc.property(fc.array(arbValue, { maxLength: 6 }), fc.nat(), (xs, k) => {
        const rotated = xs.map((_, i) => xs[(i + k) % xs.length]);
        const a = setOf(xs);
        const b = setOf([...rotated].reverse());
        return valueOps.equals(a, b) && valueOps.fingerprint(a) === valueOps.fingerprint(b) && valueOps.print(a) === valueOps.print(b);
      }),
      opts,
    );
    expect(r.failed, `${fc.defaultReportMessage(r) ?? ''}\n${replay}`).toBe(false);
  }, 30_000);

  it('property: compare is a total order consistent with equals and fingerprints', () => {
    const r = fc.check(
      fc.property(arbValue, arbValue, (a, b) => {
        const c = valueOps.compare(a, b);
        const d = valueOps.compare(b, a);
        if (Math.sign(c) !== -Math.sign(d)) return false;
        if ((c === 0) !== valueOps.equals(a, b)) return false;
        return c !== 0 || valueOps.fingerprint(a) === valueOps.fingerprint(b);
      }),
      opts,
    );
    expect(r.failed, `${fc.defaultReportMessage(r) ?? ''}\n${replay}`).toBe(false);
  });

  it('property: fromJson(toJson(v)) and fromJson(toItf(v)) give v back', () => {
    const r = fc.check(
      fc.property(arbValue, (v) => valueOps.equals(valueOps.fromJson(valueOps.toJson(v)), v) && valueOps.equals(valueOps.fromJson(valueOps.toItf(v)), v)),
      opts,
    );
    expect(r.failed, `${fc.defaultReportMessage(r) ?? ''}\n${replay}`).toBe(false);
  });

  it('prints like TLC', () => {
    expect(valueOps.print(tuple([1, 2]))).toBe('<<1, 2>>');
    expect(valueOps.print(record([['b', 2], ['a', 1]]))).toBe(valueOps.print(record([['a', 1], ['b', 2]])));
    expect(valueOps.print(setOf([2, 1, 2]))).toBe('{1, 2}');
    expect(valueOps.print(str('s'))).toBe('"s"');
    expect(valueOps.print(fcnFromPairs([[3, 4], [1, 2]]))).toBe('(1 :> 2 @@ 3 :> 4)');
    expect(valueOps.print(fcnFromPairs([[1, str('a')]]))).toBe('<<"a">>');
    expect(valueOps.print(true)).toBe('TRUE');
    expect(valueOps.print(modelValue('p1'))).toBe('p1');
  });

  it('orders integers ascending and strings by interning order (TLC), not lexicographically', () => {
    const z = str('zz-first-interned');
    const a = str('aa-second-interned');
    expect(valueOps.print(setOf([a, z]))).toBe('{"zz-first-interned", "aa-second-interned"}');
    expect(valueOps.print(setOf([10, -3, 2]))).toBe('{-3, 2, 10}');
  });

  it('a function with domain 1..n is the tuple, whatever way it is built', () => {
    const f = fcnFromPairs([[2, str('b')], [1, str('a')]]);
    expect(valueOps.equals(f, tuple([str('a'), str('b')]))).toBe(true);
    expect(valueOps.fingerprint(f)).toBe(valueOps.fingerprint(tuple([str('a'), str('b')])));
  });

  it('lazy sets: membership without enumeration; equal to their enumeration', () => {
    const nat = lazy({ tag: 'nat' });
    expect(member(5, nat) && !member(-1, nat)).toBe(true);
    const s = lazy({ tag: 'subset', base: setOf([1, 2]) });
    expect(member(setOf([2]), s)).toBe(true);
    expect(valueOps.equals(s, mkSetSorted(forceSet(s).elems))).toBe(true);
    expect(valueOps.fingerprint(s)).toBe(valueOps.fingerprint(mkSetSorted(forceSet(s).elems)));
    const fs = lazy({ tag: 'fnset', dom: setOf([str('p'), str('q')]), rng: setOf([0, 1]) });
    expect(forceSet(fs).elems.length).toBe(4);
    expect(member(record([['p', 0], ['q', 1]]), fs)).toBe(true);
  });

  it('integers are 32-bit: out of range is an overflow error', () => {
    expect(() => int(2 ** 31)).toThrow(/Overflow/);
    expect(int(-(2 ** 31))).toBe(-(2 ** 31));
  });

  it('permute maps model values inside nested values', () => {
    const v = setOf([tuple([modelValue('p1'), 1]), modelValue('p2')]);
    const w = valueOps.permute(v, new Map([['p1', 'p2'], ['p2', 'p1']]));
    expect(valueOps.equals(w, setOf([tuple([modelValue('p2'), 1]), modelValue('p1')]))).toBe(true);
  });

  it('property: the compiled permuter gives the value rebuilt pair by pair (domains re-sorted), and shares what it leaves unchanged', () => {
    const mvs = ['m1', 'm2', 'm3'];
    const arbMv: fc.Arbitrary<Value> = fc.letrec<{ v: Value }>((tie) => ({
      v: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.integer({ min: 0, max: 3 }),
        fc.constantFrom(...mvs).map(modelValue),
        fc.array(tie('v'), { maxLength: 3 }).map((xs) => tuple(xs)),
        fc.array(tie('v'), { maxLength: 3 }).map((xs) => setOf(xs)),
        // Functions over model values (and tuples of them): the domain order changes under a permutation.
        fc.uniqueArray(fc.constantFrom(...mvs), { maxLength: 3 }).chain((ks) =>
          fc.array(tie('v'), { minLength: ks.length, maxLength: ks.length }).map((vs) => fcnFromPairs(ks.map((k, i) => [tuple([modelValue(k), i]), vs[i]] as const))),
        ),
        fc.uniqueArray(fc.constantFrom(...mvs), { maxLength: 3 }).chain((ks) =>
          fc.array(tie('v'), { minLength: ks.length, maxLength: ks.length }).map((vs) => fcnFromPairs(ks.map((k, i) => [modelValue(k), vs[i]] as const))),
        ),
      ),
    })).v;
    const swap = new Map([['m1', 'm3'], ['m3', 'm2'], ['m2', 'm1']]);
    const reference = (v: Value): Value => {
      if (typeof v !== 'object') return v;
      switch (v.kind) {
        case 'mv':
          return modelValue(swap.get(v.name) ?? v.name);
        case 'tup':
          return tuple(v.elems.map(reference));
        case 'fn':
          return fcnFromPairs(v.dom.map((d, i) => [reference(d), reference(v.rng[i])] as const));
        case 'set':
          return setOf(v.elems.map(reference));
        default:
          return v;
      }
    };
    const p = valueOps.permuter(swap);
    const r = fc.check(
      fc.property(arbMv, (v) => {
        const w = p(v);
        // Twice: the second call reuses the cached domain permutations.
        return valueOps.compare(w, reference(v)) === 0 && valueOps.compare(p(v), w) === 0 && valueOps.fingerprint(w) === valueOps.fingerprint(reference(v));
      }),
      opts,
    );
    expect(r.failed, `${fc.defaultReportMessage(r) ?? ''}\n${replay}`).toBe(false);
    const plain = setOf([tuple([1, str('a')]), record([['x', 2]])]);
    expect(p(plain)).toBe(plain);
  });
});
