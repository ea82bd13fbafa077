// Experiment 7: the failure timeline. Eight 300 MHz/IDE nodes under load; two fail at 300 s and return at
// 600 s; deliveries per second over time, with and without replication (the short scale: 20 s / 40 s).
import { PC_300_IDE } from '../machines.js';
import { CHART_CONFIG } from '../plot.js';
import type { Row } from './types.js';
import { VL, type Experiment, type Point, type Scale } from './types.js';

export const FAILED_NODES: readonly number[] = [2, 5];

export interface FailureTimes {
  readonly failAtMs: number;
  readonly returnAtMs: number;
  readonly endMs: number;
  readonly sampleEveryMs: number;
}

export function failureTimes(scale: Scale): FailureTimes {
  return scale === 'full'
    ? { failAtMs: 300_000, returnAtMs: 600_000, endMs: 900_000, sampleEveryMs: 10_000 }
    : { failAtMs: 20_000, returnAtMs: 40_000, endMs: 80_000, sampleEveryMs: 4_000 };
}

export const failure: Experiment = {
  name: 'failure',
  title: 'Failure timeline',
  summary: '8 nodes, 2 fail at 300 s and return at 600 s: deliveries/s over time with and without replication',
  points(scale: Scale): Point[] {
    const t = failureTimes(scale);
    return [0, 2].map((replicas) => ({
      label: `replication ${replicas === 0 ? 'off' : 'R=2'}`,
      fields: { replication: replicas === 0 ? 'off' : 'R=2' },
      spec: {
        machines: Array(8).fill(PC_300_IDE),
        replicas,
        rampMs: 0,
        measureMs: t.endMs,
        sampleEveryMs: t.sampleEveryMs,
        faults: [
          { atMs: t.failAtMs, kind: 'crash', nodes: FAILED_NODES },
          { atMs: t.returnAtMs, kind: 'restart', nodes: FAILED_NODES },
        ],
      },
    }));
  },
  rows(point, r): Row[] {
    const faults = point.spec.faults ?? [];
    const failAtS = (faults.find((f) => f.kind === 'crash')?.atMs ?? 0) / 1000;
    const returnAtS = (faults.find((f) => f.kind === 'restart')?.atMs ?? 0) / 1000;
    return r.timeline.map(([tS, rate]) => ({ ...point.fields, timeS: tS, throughput: Math.round(rate * 1000) / 1000, failAtS, returnAtS }));
  },
  charts(rows) {
    return [
      {
        name: 'failure',
        spec: {
          ...VL, config: CHART_CONFIG, title: `Deliveries/s; nodes ${FAILED_NODES.map((i) => `n${i + 1}`).join(', ')} fail, then return`,
          width: 520, height: 260, data: { values: rows }, mark: { type: 'line', interpolate: 'step-after' },
          encoding: {
            x: { field: 'timeS', type: 'quantitative', title: 'time since load start (s)' },
            y: { field: 'throughput', type: 'quantitative', title: 'messages/s' },
            color: { field: 'replication', type: 'nominal' },
          },
        },
      },
    ];
  },
};
