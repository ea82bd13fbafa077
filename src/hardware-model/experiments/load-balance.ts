// Experiment 5: load-balancing policies against workload skew. Static (the user's home node), random, and
// dynamic with spread 1, 2 and 4, as the recipients' Zipf exponent grows (uniform = no skew), on a
// homogeneous cluster (8 × 300 MHz/IDE) and on a heterogeneous one (the first 8 of the paper's 30 PCs).
import { PC_300_IDE, paperCluster, type Machine } from '../machines.js';
import type { NodeConfig } from '../../pure/io.js';
import { facetedPolicyLines, metricsRow, windows, type Experiment, type Point, type Scale } from './types.js';

const POLICIES: readonly { readonly name: string; readonly loadPolicy: NodeConfig['loadPolicy']; readonly spread: number }[] = [
  { name: 'static', loadPolicy: 'static', spread: 1 },
  { name: 'random', loadPolicy: 'random', spread: 2 },
  { name: 'dynamic, spread 1', loadPolicy: 'dynamic', spread: 1 },
  { name: 'dynamic, spread 2', loadPolicy: 'dynamic', spread: 2 },
  { name: 'dynamic, spread 4', loadPolicy: 'dynamic', spread: 4 },
];

/** Skew = Zipf exponent of recipient popularity; 0 = uniform. */
export const SKEWS_FULL: readonly number[] = [0, 0.5, 1, 1.5, 2];
export const SKEWS_SHORT: readonly number[] = [0, 2];

export const loadBalance: Experiment = {
  name: 'load-balance',
  title: 'Load balancing against workload skew',
  summary: 'static / random / dynamic (spread 1, 2, 4) vs recipient skew, homogeneous and heterogeneous 8-node clusters',
  points(scale: Scale): Point[] {
    const w = windows(scale, { rampMs: 5_000, measureMs: 20_000 }, { rampMs: 3_000, measureMs: 8_000 });
    const clusters: readonly [string, Machine[]][] = [
      ['homogeneous', Array(8).fill(PC_300_IDE)],
      ['heterogeneous', paperCluster(8)],
    ];
    const skews = scale === 'full' ? SKEWS_FULL : SKEWS_SHORT;
    return clusters.flatMap(([cluster, machines]) =>
      POLICIES.flatMap((p) =>
        skews.map((skew) => ({
          label: `${cluster}, ${p.name}, skew ${skew}`,
          fields: { cluster, policy: p.name, skew },
          spec: { machines, replicas: 0, loadPolicy: p.loadPolicy, spread: p.spread, zipfExponent: skew === 0 ? ('uniform' as const) : skew, ...w },
        })),
      ),
    );
  },
  rows: (point, r) => [metricsRow(point, r)],
  charts(rows) {
    return [{ name: 'load-balance', spec: facetedPolicyLines(rows, 'cluster', 'skew', 'recipient skew (Zipf exponent; 0 = uniform)') }];
  },
};
