// Issue 2 ("Foundation"), property 4 — load balancing: on a cluster whose nodes' disks serve writes at
// different rates (SimConfig.diskServiceMsByNode), under a sustained Zipf-skewed stream of deliveries, the
// dynamic policy's peak load is no worse than static's (same seed, same workload). Load is the paper's
// measure: pending disk-bound work per node (writes queued at its disk), peak over the run, max over nodes.
//
// This property found B2 (docs/bugs-found-by-properties.md): proxies herded onto a node whose stale load
// sample looked idle; fixed by each proxy adding its own outstanding stores (src/pure/load/outstanding.ts).
// Then a hot user whose spread was all slow disks stayed there (the affinity trap); fixed by a soft spread
// (src/pure/load/choose.ts: every candidate overloaded → a few random others considered too). What remains is
// information lag, allowed for below (one write per proxy), so the property holds at every seed (issue 13).
// The second test keeps the property honest: placement that ignores or misreads load must fail it.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { propertyParams, propertyRuns, propertySeed, propertyTimeoutMs } from './support/fc-params.js';
import { clusterArb, peakQueue, workloadArb, type LoadCase } from './support/load-cases.js';
import { loadInverted } from './support/mutations.js';
import type { NodeReducer } from '../src/sim/index.js';

const FILE = 'properties/foundation-load-balance.test.ts';
const NAME = 'slow disks + sustained Zipf skew: dynamic peak disk queue <= max(static peak, one write per proxy) (same seed, same workload)';

const caseArb = fc.record({ cluster: clusterArb, workload: workloadArb });
type Case = typeof caseArb extends fc.Arbitrary<infer C> ? C : never;

function loadCase(c: Case): LoadCase {
  return { ...c.cluster, ...c.workload };
}

function staticPeak(c: Case): number {
  return peakQueue(loadCase(c), c.workload.seed, 'static');
}

function dynamicPeak(c: Case, reducer?: NodeReducer<unknown>): number {
  return peakQueue(loadCase(c), c.workload.seed, 'dynamic', reducer);
}

/**
 * The information-lag allowance (docs/decisions.md, B2): a proxy learns a node's load only from replies, so
 * before the first reply from a slow disk each of the `nodes` proxies may place one write there; no
 * decentralised policy avoids that, while a lucky static hash may. Beyond it, dynamic must be no worse.
 */
function dynamicNoWorse(c: Case): void {
  const d = dynamicPeak(c);
  const s = staticPeak(c);
  const bound = Math.max(s, c.cluster.nodes);
  expect(d, `seed ${c.workload.seed}: dynamic peak disk queue ${d} > max(static ${s}, ${c.cluster.nodes} proxies)`).toBeLessThanOrEqual(bound);
}

describe('foundation property 4: load balancing on heterogeneous disks', () => {
  // ~60 ms a case on an idle core: `PROPERTY_RUNS=10000` (the local sweep, docs/properties.md) runs without a
  // timeout instead of hitting vitest's 120 s.
  it(`${NAME} (${propertyRuns()} runs)`, () => {
    fc.assert(fc.property(caseArb, dynamicNoWorse), propertyParams<[Case]>(NAME, { file: FILE }));
  }, propertyTimeoutMs());

  it('property 4 catches load-blind placement: inverted load samples, and the random policy, lose to static', () => {
    const runs = 60;
    const sample = fc.sample(caseArb, { seed: propertySeed(), numRuns: runs });
    const fails = { real: 0, inverted: 0, random: 0 };
    const sums = { real: 0, inverted: 0, random: 0, static: 0 };
    for (const c of sample) {
      const s = staticPeak(c);
      const peaks = {
        real: dynamicPeak(c),
        // Piggybacked samples inverted (busy nodes look idle): the policy reads load but believes the opposite.
        inverted: dynamicPeak(c, loadInverted),
        // Placement that ignores load altogether (stands in for a dynamic policy whose comparison is broken).
        random: peakQueue(loadCase(c), c.workload.seed, 'random'),
      };
      sums.static += s;
      for (const k of ['real', 'inverted', 'random'] as const) {
        sums[k] += peaks[k];
        if (peaks[k] > s) fails[k]++;
      }
    }
    const what = `property fails on ${JSON.stringify(fails)} of ${runs} workloads; summed peaks ${JSON.stringify(sums)}`;
    // Measured at the default seed (with B2's tie-break, case 7484): fails real 0, inverted 18, random 16 of 60
    // (each also above the one-write-per-proxy allowance); summed peaks real 352, inverted 3518, random 3510,
    // static 5279. The margins asserted below are far inside those.
    expect(fails.real, what).toBe(0);
    expect(fails.inverted, what).toBeGreaterThan(0);
    expect(fails.random, what).toBeGreaterThan(0);
    expect(sums.inverted, what).toBeGreaterThan(2 * sums.real);
    expect(sums.random, what).toBeGreaterThan(2 * sums.real);
  });
});
