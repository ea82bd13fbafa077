// User-map reassignment (src/pure/user-map/reassign.ts) against a brute-force oracle: on small bucket
// counts, enumerate every balanced map and check that ours moves exactly the minimum number of buckets.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bucketTargets, movedCount, reassign, type BucketOwner } from '../src/pure/user-map/reassign.js';
import { propertyParams } from '../test/membership/fc-params.js';

const universe = ['n1', 'n2', 'n3', 'n4', 'n5'];

const smallCase = fc.record({
  oldMap: fc.array(fc.record({ node: fc.constantFrom(...universe), epoch: fc.integer({ min: 0, max: 3 }) }), {
    minLength: 1,
    maxLength: 6,
  }),
  live: fc.uniqueArray(fc.constantFrom(...universe), { minLength: 1, maxLength: 4 }),
  restamp: fc.subarray(universe),
  restampBuckets: fc.subarray([0, 1, 2, 3, 4, 5]),
});

/** Every map of `buckets` buckets over `live` whose counts are all ⌊B/N⌋ or ⌈B/N⌉: the minimum moves. */
function oracleMinMoves(oldMap: readonly BucketOwner[], live: readonly string[]): number {
  const B = oldMap.length;
  const N = live.length;
  const lo = Math.floor(B / N);
  const hi = Math.ceil(B / N);
  let best = Infinity;
  const owners: number[] = new Array(B).fill(0);
  const total = N ** B;
  for (let code = 0; code < total; code++) {
    let c = code;
    for (let b = 0; b < B; b++) {
      owners[b] = c % N;
      c = Math.floor(c / N);
    }
    const counts = new Array(N).fill(0);
    for (const o of owners) counts[o]++;
    if (!counts.every((k) => k === lo || k === hi)) continue;
    let moves = 0;
    for (let b = 0; b < B; b++) if (live[owners[b]] !== oldMap[b].node) moves++;
    best = Math.min(best, moves);
  }
  return best;
}

function countsOf(map: readonly BucketOwner[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const e of map) m.set(e.node, (m.get(e.node) ?? 0) + 1);
  return m;
}

describe('reassign (minimal-change user map)', () => {
  it('is balanced, assigns only live nodes and moves exactly the oracle minimum (small bucket counts)', () => {
    fc.assert(
      fc.property(smallCase, ({ oldMap, live, restamp, restampBuckets }) => {
        const next = reassign(oldMap, live, 9, { restamp, restampBuckets });
        const counts = countsOf(next);
        const lo = Math.floor(oldMap.length / live.length);
        for (const n of live) expect([lo, Math.ceil(oldMap.length / live.length)]).toContain(counts.get(n) ?? 0);
        expect(next.every((e) => live.includes(e.node))).toBe(true);
        expect(movedCount(oldMap, next)).toBe(oracleMinMoves(oldMap, live));
      }),
      propertyParams('reassign minimal and balanced'),
    );
  });

  it('stamps moved and restamped buckets with the new epoch and leaves every other entry untouched', () => {
    fc.assert(
      fc.property(smallCase, ({ oldMap, live, restamp, restampBuckets }) => {
        const next = reassign(oldMap, live, 9, { restamp, restampBuckets });
        next.forEach((e, b) => {
          const changed = e.node !== oldMap[b].node || restamp.includes(e.node) || restampBuckets.includes(b);
          expect(e).toEqual(changed ? { node: e.node, epoch: 9 } : oldMap[b]);
        });
      }),
      propertyParams('reassign epoch stamping'),
    );
  });

  it('is deterministic: the order and duplicates of the live list do not matter (every node computes the same map)', () => {
    fc.assert(
      fc.property(smallCase, fc.integer(), ({ oldMap, live }, salt) => {
        const shuffled = [...live, live[0]].sort((a, b) => ((a.charCodeAt(1) * salt) % 7) - ((b.charCodeAt(1) * salt) % 7));
        expect(reassign(oldMap, shuffled, 4)).toEqual(reassign(oldMap, live, 4));
      }),
      propertyParams('reassign deterministic'),
    );
  });

  it('on 256 buckets moves exactly B - Σ min(held, target) buckets and is idempotent once balanced', () => {
    const nodes = Array.from({ length: 32 }, (_, i) => `n${i + 1}`);
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...nodes), { minLength: 256, maxLength: 256 }),
        fc.uniqueArray(fc.constantFrom(...nodes), { minLength: 1, maxLength: 32 }),
        (owners, live) => {
          const oldMap = owners.map((node) => ({ node, epoch: 1 }));
          const next = reassign(oldMap, live, 2);
          const targets = bucketTargets(oldMap, live);
          const held = countsOf(oldMap);
          let keepable = 0;
          for (const [n, t] of targets) keepable += Math.min(held.get(n) ?? 0, t);
          expect(movedCount(oldMap, next)).toBe(256 - keepable);
          expect(reassign(next, live, 3)).toEqual(next);
        },
      ),
      propertyParams('reassign 256 buckets'),
    );
  });
});
