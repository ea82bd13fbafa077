import { describe, expect, it } from 'vitest';
import { Prng, streamFor } from '../../src/sim/prng.js';
import { ZipfSampler } from '../../src/sim/zipf.js';

describe('Prng (sfc32)', () => {
  it('same seed gives the same sequence; a different seed a different one', () => {
    const a = new Prng(42);
    const b = new Prng(42);
    const c = new Prng(43);
    const sa = Array.from({ length: 100 }, () => a.nextU32());
    const sb = Array.from({ length: 100 }, () => b.nextU32());
    const sc = Array.from({ length: 100 }, () => c.nextU32());
    expect(sa).toEqual(sb);
    expect(sa).not.toEqual(sc);
  });

  it('pins the first outputs of seed 1 (changing the generator changes every recorded trace)', () => {
    const p = new Prng(1);
    expect(Array.from({ length: 3 }, () => p.nextU32())).toMatchInlineSnapshot(`
      [
        3276081061,
        3536646176,
        411271446,
      ]
    `);
  });

  it('high bits of a large seed matter', () => {
    expect(new Prng(2 ** 40).nextU32()).not.toBe(new Prng(0).nextU32());
  });

  it('int(n) stays in range and is roughly uniform', () => {
    const p = new Prng(7);
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 100_000; i++) counts[p.int(10)]++;
    for (const c of counts) expect(c).toBeGreaterThan(9_500);
    for (const c of counts) expect(c).toBeLessThan(10_500);
  });

  it('streams forked by label are independent of the order they are made in', () => {
    const w1 = streamFor(5, 'workload').nextU32();
    streamFor(5, 'network').nextU32();
    expect(streamFor(5, 'workload').nextU32()).toBe(w1);
    expect(streamFor(5, 'network').nextU32()).not.toBe(w1);
  });

  it('chance(0) draws nothing (a disabled fault does not shift other choices)', () => {
    const a = new Prng(3);
    const b = new Prng(3);
    a.chance(0);
    expect(a.nextU32()).toBe(b.nextU32());
  });
});

describe('ZipfSampler', () => {
  it('samples ranks in [1, n], rank 1 most often, with exponent-1 frequency ratios', () => {
    const z = new ZipfSampler(1000, 1);
    const p = new Prng(11);
    const counts = new Map<number, number>();
    let outOfRange = 0;
    for (let i = 0; i < 200_000; i++) {
      const k = z.sample(p);
      if (!(k >= 1 && k <= 1000 && Number.isInteger(k))) outOfRange++;
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    expect(outOfRange).toBe(0);
    const c1 = counts.get(1) ?? 0;
    const c2 = counts.get(2) ?? 0;
    const c10 = counts.get(10) ?? 0;
    expect(c1 / c2).toBeGreaterThan(1.8);
    expect(c1 / c2).toBeLessThan(2.2);
    expect(c1 / c10).toBeGreaterThan(8.5);
    expect(c1 / c10).toBeLessThan(11.5);
  });

  it('works for millions of users without a table', () => {
    const z = new ZipfSampler(4_800_000, 1);
    const p = new Prng(1);
    let max = 0;
    for (let i = 0; i < 10_000; i++) max = Math.max(max, z.sample(p));
    expect(max).toBeGreaterThan(1000);
    expect(max).toBeLessThanOrEqual(4_800_000);
  });
});
