// What an experiment is: a list of model runs (points), how each run becomes CSV rows, and the charts
// drawn from those rows. `short` is the CI scale (short windows, fewer points); `full` the figures' scale.
import { CHART_CONFIG, type ChartSpec } from '../plot.js';
import type { ModelRunResult, ModelRunSpec } from '../run.js';

export type Scale = 'full' | 'short';
export type Row = Record<string, string | number>;

export interface Point {
  /** One line of the progress log. */
  readonly label: string;
  /** The point's coordinates, first columns of its rows. */
  readonly fields: Row;
  readonly spec: ModelRunSpec;
}

export interface Chart {
  /** File name without extension. */
  readonly name: string;
  readonly spec: ChartSpec;
}

export interface Experiment {
  readonly name: string;
  readonly title: string;
  /** One sentence for `porcupine model list`. */
  readonly summary: string;
  points(scale: Scale): Point[];
  rows(point: Point, result: ModelRunResult): Row[];
  charts(rows: readonly Row[]): Chart[];
}

const mean = (xs: readonly number[]): number => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
const r3 = (x: number): number => Math.round(x * 1000) / 1000;

/** The measurements every experiment reports for a point. */
export function metricsRow(point: Point, r: ModelRunResult): Row {
  return {
    ...point.fields,
    nodes: r.nodes,
    throughput: r3(r.throughput),
    cpuUtil: r3(mean(r.cpuUtil)),
    diskUtil: r3(mean(r.diskUtil)),
    cpuUtilMax: r3(Math.max(...r.cpuUtil)),
    diskUtilMax: r3(Math.max(...r.diskUtil)),
    segmentUtil: r3(r.segmentUtil),
    writesPerDelivery: r3(r.writesPerDelivery),
    wireBytesPerDelivery: Math.round(r.wireBytesPerDelivery),
    deliveries: r.deliveries,
    failed: r.failedDeliveries,
  };
}

/** Vega-Lite's schema URL and our shared look. */
export const VL = { $schema: 'https://vega.github.io/schema/vega-lite/v5.json' } as const;

/** Windows of a point by scale: ramp (queues fill) then measurement, ms of virtual time. */
export function windows(scale: Scale, full: { rampMs: number; measureMs: number }, short: { rampMs: number; measureMs: number }): { rampMs: number; measureMs: number } {
  return scale === 'full' ? full : short;
}

/** Throughput against `x`, one line per policy, one panel per value of `facet` (experiments 5 and 6). */
export function facetedPolicyLines(rows: readonly Row[], facet: string, x: string, xTitle: string): ChartSpec {
  return {
    ...VL, config: CHART_CONFIG, data: { values: rows },
    facet: { column: { field: facet, type: 'nominal', title: null } },
    spec: {
      width: 300, height: 240, mark: { type: 'line', point: true },
      encoding: {
        x: { field: x, type: 'quantitative', title: xTitle },
        y: { field: 'throughput', type: 'quantitative', title: 'messages/s' },
        color: { field: 'policy', type: 'nominal' },
      },
    },
  };
}
