// Experiment 4: throughput against cluster size 1…30 (the paper's machines, added in a mixed order), with and
// without replication; the linear fit and its R² are drawn with the data.
import { paperCluster } from '../machines.js';
import { CHART_CONFIG } from '../plot.js';
import { VL, metricsRow, windows, type Experiment, type Point, type Scale } from './types.js';

export const SCALING_SIZES_SHORT: readonly number[] = [1, 4, 10, 20, 30];

export const scaling: Experiment = {
  name: 'scaling',
  title: 'Throughput against cluster size',
  summary: "the paper's 30 PCs, 1…30 nodes, with and without replication (experiment 4; bench:model times it)",
  points(scale: Scale): Point[] {
    const w = windows(scale, { rampMs: 3_000, measureMs: 12_000 }, { rampMs: 2_000, measureMs: 6_000 });
    const sizes = scale === 'full' ? Array.from({ length: 30 }, (_, i) => i + 1) : SCALING_SIZES_SHORT;
    return [0, 2].flatMap((replicas) =>
      sizes.map((n) => ({
        label: `${n} nodes, replication ${replicas === 0 ? 'off' : 'R=2'}`,
        fields: { replication: replicas === 0 ? 'off' : 'R=2' },
        spec: { machines: paperCluster(n), replicas, ...w },
      })),
    );
  },
  rows: (point, r) => [metricsRow(point, r)],
  charts(rows) {
    return [
      {
        name: 'scaling',
        spec: {
          ...VL, config: CHART_CONFIG, title: 'Throughput vs cluster size (paper: ~800 msg/s at 30 nodes, no replication)',
          width: 480, height: 300, data: { values: rows },
          encoding: {
            x: { field: 'nodes', type: 'quantitative', title: 'nodes' },
            y: { field: 'throughput', type: 'quantitative', title: 'messages/s' },
            color: { field: 'replication', type: 'nominal' },
          },
          layer: [
            { mark: { type: 'line', point: true } },
            { mark: { type: 'line', strokeDash: [4, 4], opacity: 0.6 }, transform: [{ regression: 'throughput', on: 'nodes', groupby: ['replication'] }] },
          ],
        },
      },
    ];
  },
};
