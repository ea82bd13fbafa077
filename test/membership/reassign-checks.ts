// The checks of the reassign properties (properties/membership-reassign.test.ts), shared with the mutation
// test (test/membership/seeded-bugs.test.ts), which runs them against reassign with seeded bugs: each check
// calls `reassign` with `bugs` (empty in the properties) and asserts with vitest's expect.
import fc from 'fast-check';
import { expect } from 'vitest';
import type { MembershipBugs } from '../../src/pure/membership/bugs.js';
import { bucketTargets, movedCount, reassign, type BucketOwner } from '../../src/pure/user-map/reassign.js';

const universe = ['n1', 'n2', 'n3', 'n4', 'n5'];

export const smallCase = fc.record({
  oldMap: fc.array(fc.record({ node: fc.constantFrom(...universe), epoch: fc.integer({ min: 0, max: 3 }) }), {
    minLength: 1,
    maxLength: 6,
  }),
  live: fc.uniqueArray(fc.constantFrom(...universe), { minLength: 1, maxLength: 4 }),
  restamp: fc.subarray(universe),
  restampBuckets: fc.subarray([0, 1, 2, 3, 4, 5]),
});
export type SmallCase = typeof smallCase extends fc.Arbitrary<infer T> ? T : never;

const nodes32 = Array.from({ length: 32 }, (_, i) => `n${i + 1}`);
export const bigCase = fc.record({
  owners: fc.array(fc.constantFrom(...nodes32), { minLength: 256, maxLength: 256 }),
  live: fc.uniqueArray(fc.constantFrom(...nodes32), { minLength: 1, maxLength: 32 }),
});
export type BigCase = typeof bigCase extends fc.Arbitrary<infer T> ? T : never;

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

/** Balance: every live node gets ⌊B/N⌋ or ⌈B/N⌉ buckets, and only live nodes get any. */
export function checkBalanced({ oldMap, live, restamp, restampBuckets }: SmallCase, bugs: MembershipBugs = {}): void {
  const next = reassign(oldMap, live, 9, { restamp, restampBuckets, bugs });
  const counts = countsOf(next);
  const lo = Math.floor(oldMap.length / live.length);
  for (const n of live) expect([lo, Math.ceil(oldMap.length / live.length)]).toContain(counts.get(n) ?? 0);
  expect(next.every((e) => live.includes(e.node))).toBe(true);
}

/** Minimality: exactly the oracle's minimum number of buckets moves. */
export function checkMinimal({ oldMap, live, restamp, restampBuckets }: SmallCase, bugs: MembershipBugs = {}): void {
  const next = reassign(oldMap, live, 9, { restamp, restampBuckets, bugs });
  expect(movedCount(oldMap, next)).toBe(oracleMinMoves(oldMap, live));
}

/** Stamping: moved and restamped buckets carry the new epoch; every other entry is untouched. */
export function checkStamping({ oldMap, live, restamp, restampBuckets }: SmallCase, bugs: MembershipBugs = {}): void {
  const next = reassign(oldMap, live, 9, { restamp, restampBuckets, bugs });
  next.forEach((e, b) => {
    const changed = e.node !== oldMap[b].node || restamp.includes(e.node) || restampBuckets.includes(b);
    expect(e).toEqual(changed ? { node: e.node, epoch: 9 } : oldMap[b]);
  });
}

/** Determinism: the order and duplicates of the live list do not matter. */
export function checkDeterministic({ oldMap, live }: SmallCase, salt: number, bugs: MembershipBugs = {}): void {
  const shuffled = [...live, live[0]].sort((a, b) => ((a.charCodeAt(1) * salt) % 7) - ((b.charCodeAt(1) * salt) % 7));
  expect(reassign(oldMap, shuffled, 4, { bugs })).toEqual(reassign(oldMap, live, 4, { bugs }));
}

/** On 256 buckets: moves exactly B − Σ min(held, target), and is idempotent once balanced. */
export function checkBigMinimal({ owners, live }: BigCase, bugs: MembershipBugs = {}): void {
  const oldMap = owners.map((node) => ({ node, epoch: 1 }));
  const next = reassign(oldMap, live, 2, { bugs });
  const targets = bucketTargets(oldMap, live);
  const held = countsOf(oldMap);
  let keepable = 0;
  for (const [n, t] of targets) keepable += Math.min(held.get(n) ?? 0, t);
  expect(movedCount(oldMap, next)).toBe(256 - keepable);
  expect(reassign(next, live, 3, { bugs })).toEqual(next);
}
