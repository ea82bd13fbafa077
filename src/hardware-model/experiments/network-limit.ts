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
    return [
      {
        name: 'network-limit',
        spec: {
          ...VL, config: CHART_CONFIG, title: 'Network-limited throughput (1 Gb/s shared segment)', width: 320, height: 240,
          layer: [
            {
              data: { values: rows }, mark: 'bar',
              encoding: {
                x: { field: 'mix', type: 'nominal', title: 'workload (4.7 KB messages)', axis: { labelAngle: 0 } },
                y: { field: 'throughput', type: 'quantitative', title: 'messages/s', scale: { domain: [0, 7000] } },
              },
            },
            { data: { values: [{ paper: 6500 }] }, mark: { type: 'rule', color: '#d62728', strokeDash: [6, 4] }, encoding: { y: { field: 'paper', type: 'quantitative' } } },
            {
              data: { values: [{ paper: 6500, label: 'paper: 6,500 msg/s' }] }, mark: { type: 'text', align: 'right', dy: -8, x: 'width', color: '#d62728' },
              encoding: { y: { field: 'paper', type: 'quantitative' }, text: { field: 'label' } },
            },
          ],
        },
      },
    ];
  },
};
