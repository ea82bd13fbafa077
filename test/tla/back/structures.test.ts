// Property tests of the checker's data structures against naive oracles.
// Replay a failure with SEED=<seed> (printed in the failure message); PROPERTY_RUNS sets the run count.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FingerprintSet } from '../../../src/tla/check/fp-set.js';
import { buildCsr, sccs } from '../../../src/tla/check/scc.js';

const seed = Number(process.env.SEED ?? 20261124);
const numRuns = Number(process.env.PROPERTY_RUNS ?? 100);
const params = { seed, numRuns };
const replay = `replay with SEED=${seed} PROPERTY_RUNS=${numRuns}`;

describe('checker data structures', () => {
  it('FingerprintSet behaves like a Map from fingerprint to first index (incl. fingerprint 0 and growth)', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.bigUint64Array({ minLength: 1, maxLength: 1 }).map((a) => a[0]), fc.constantFrom(0n, 1n, 2n)), { maxLength: 3000 }), (fps) => {
        const set = new FingerprintSet();
        const oracle = new Map<bigint, number>();
        fps.forEach((fp, i) => {
          const key = fp === 0n ? 1n : fp; // 0 is remapped to 1 by design
          const prev = set.putIfAbsent(fp, i);
          expect(prev, replay).toBe(oracle.has(key) ? oracle.get(key) : -1);
          if (!oracle.has(key)) oracle.set(key, i);
        });
        expect(set.size, replay).toBe(oracle.size);
        for (const [k, v] of oracle) expect(set.get(k), replay).toBe(v);
      }),
      params,
    );
  });

  it('sccs puts two nodes in one component iff each reaches the other (naive reachability oracle)', () => {
    const graph = fc.integer({ min: 1, max: 12 }).chain((n) =>
      fc.tuple(fc.constant(n), fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 30 }), fc.array(fc.boolean(), { minLength: n, maxLength: n })),
    );
    fc.assert(
      fc.property(graph, ([n, edges, keep]) => {
        const from = Int32Array.from(edges.map((e) => e[0]));
        const to = Int32Array.from(edges.map((e) => e[1]));
        const mask = Uint8Array.from(keep.map((b) => (b ? 1 : 0)));
        const comps = sccs(buildCsr(n, from, to), mask, () => true);
        const compOf = new Map<number, number>();
        comps.forEach((c, i) => c.forEach((u) => compOf.set(u, i)));
        const reach = (u: number): Set<number> => {
          const seen = new Set([u]);
          const q = [u];
          while (q.length) {
            const x = q.pop() as number;
            edges.forEach(([a, b]) => {
              if (a === x && mask[b] && !seen.has(b)) (seen.add(b), q.push(b));
            });
          }
          return seen;
        };
        for (let u = 0; u < n; u++) {
          expect(compOf.has(u), replay).toBe(mask[u] === 1);
          if (!mask[u]) continue;
          const ru = reach(u);
          for (let v = 0; v < n; v++) {
            if (!mask[v]) continue;
            expect(compOf.get(u) === compOf.get(v), `${replay}: ${u} ~ ${v}`).toBe(ru.has(v) && reach(v).has(u));
          }
        }
      }),
      params,
    );
  });
});
