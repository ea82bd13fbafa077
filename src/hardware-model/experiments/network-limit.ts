// Experiment 3: the network limit for 4.7 KB messages without replication. The paper's 30 nodes with free
// CPUs and infinitely fast disks, so the shared segment is all that limits; every message exactly 4.7 KB.
import { paperCluster, withInfiniteDisks } from '../machines.js';
import { CHART_CONFIG } from '../plot.js';
import { VL, metricsRow, windows, type Experiment, type Point, type Scale } from './types.js';

export const networkLimit: Experiment = {
  name: 'network-limit',
  title: 'Network limit, 4.7 KB messages, no replication',
  summary: '30 nodes, free CPUs and disks, fixed 4.7 KB messages: deliveries/s the shared 1 Gb/s segment allows',
  points(scale: Scale): Point[] {
    const w = windows(scale, { rampMs: 3_000, measureMs: 10_000 }, { rampMs: 1_000, measureMs: 1_500 });
    const machines = paperCluster(30).map(withInfiniteDisks);
    const base = { machines, replicas: 0, bodySizes: { fixedBytes: 4_700 }, costs: { freeCpu: true }, clientsPerNode: 24, ...w };
    const smtpOnly: Point = { label: 'SMTP only', fields: { mix: 'SMTP only' }, spec: { ...base, popFraction: 0 } };
    // The short scale (CI) runs only the target's point: thousands of deliveries per simulated second.
    if (scale === 'short') return [smtpOnly];
    return [{ label: 'paper mix (90% SMTP, 10% POP)', fields: { mix: 'paper (10% POP)' }, spec: base }, smtpOnly];
  },
  rows: (point, r) => [metricsRow(point, r)],
  charts(rows) {
    const values = [...rows.map((r) => ({ mix: r.mix, source: 'model', value: r.throughput })), { mix: 'paper (10% POP)', source: 'paper', value: 6500 }];
    return [
      {
        name: 'network-limit',
        spec: {
          ...VL, config: CHART_CONFIG, title: 'Network-limited throughput (1 Gb/s shared segment)', width: 320, height: 240,
          data: { values }, mark: 'bar',
          encoding: {
            x: { field: 'mix', type: 'nominal', title: 'workload', axis: { labelAngle: 0 } }, xOffset: { field: 'source' },
            y: { field: 'value', type: 'quantitative', title: 'messages/s' },
            color: { field: 'source', type: 'nominal', scale: { range: ['#4c78a8', '#bbbbbb'] } },
          },
        },
      },
    ];
  },
};
