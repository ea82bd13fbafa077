// Experiment 2: infinitely fast disks. The same node (and the same four-node replicated cluster) with every
// write durable at once: how much faster, and what is busy then (PORCUPINE.md: 6×, CPU-bound).
import { PC_300_IDE, withInfiniteDisks } from '../machines.js';
import { CHART_CONFIG } from '../plot.js';
import { VL, metricsRow, windows, type Experiment, type Point, type Scale } from './types.js';

export const fastDisks: Experiment = {
  name: 'fast-disks',
  title: 'Infinitely fast disks',
  summary: 'one 300 MHz node (and 4 replicated nodes) with real vs infinitely fast disks: ratio and bottleneck',
  points(scale: Scale): Point[] {
    const w = windows(scale, { rampMs: 10_000, measureMs: 60_000 }, { rampMs: 5_000, measureMs: 15_000 });
    const fast = withInfiniteDisks(PC_300_IDE);
    return [
      { label: '1 node, IDE disk', fields: { cluster: '1 node', replication: 'off', disks: 'IDE' }, spec: { machines: [PC_300_IDE], replicas: 0, ...w } },
      { label: '1 node, infinitely fast disk', fields: { cluster: '1 node', replication: 'off', disks: 'infinitely fast' }, spec: { machines: [fast], replicas: 0, ...w } },
      { label: '4 nodes, IDE, replication', fields: { cluster: '4 nodes', replication: 'R=2', disks: 'IDE' }, spec: { machines: Array(4).fill(PC_300_IDE), replicas: 2, ...w } },
      { label: '4 nodes, fast, replication', fields: { cluster: '4 nodes', replication: 'R=2', disks: 'infinitely fast' }, spec: { machines: Array(4).fill(fast), replicas: 2, ...w } },
    ];
  },
  rows: (point, r) => [metricsRow(point, r)],
  charts(rows) {
    const values = rows.map((r) => ({ ...r, setup: r.replication === 'off' ? `${r.cluster}` : `${r.cluster}, R=2` }));
    return [
      {
        name: 'fast-disks',
        spec: {
          ...VL, config: CHART_CONFIG, data: { values },
          hconcat: [
            {
              title: 'Throughput', width: 320, height: 220, mark: 'bar',
              encoding: {
                x: { field: 'setup', type: 'nominal', title: null, axis: { labelAngle: 0, labelLimit: 200 } }, xOffset: { field: 'disks' },
                y: { field: 'throughput', type: 'quantitative', title: 'messages/s' },
                color: { field: 'disks', type: 'nominal' },
              },
            },
            {
              title: 'CPU busy (mean per node)', width: 320, height: 220, mark: 'bar',
              encoding: {
                x: { field: 'setup', type: 'nominal', title: null, axis: { labelAngle: 0, labelLimit: 200 } }, xOffset: { field: 'disks' },
                y: { field: 'cpuUtil', type: 'quantitative', title: 'fraction busy', scale: { domain: [0, 1] } },
                color: { field: 'disks', type: 'nominal' },
              },
            },
          ],
        },
      },
    ];
  },
};
