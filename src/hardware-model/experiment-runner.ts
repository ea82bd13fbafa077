// Runs an experiment's points one after the other and writes what it found: `<name>.csv` (one row per
// point, or per sample for timelines) and one SVG per chart, into a folder of the caller's choosing.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Experiment, Point, Row, Scale } from './experiments/types.js';
import { renderSvg } from './plot.js';
import { runModel, type ModelRunResult } from './run.js';

export interface PointDone {
  readonly index: number;
  readonly total: number;
  readonly point: Point;
  readonly result: ModelRunResult;
  readonly wallMs: number;
}

export interface ExperimentOutcome {
  readonly rows: Row[];
  readonly wallMs: number;
  readonly steps: number;
}

export function runExperiment(exp: Experiment, scale: Scale, onPoint?: (done: PointDone) => void): ExperimentOutcome {
  const points = exp.points(scale);
  const rows: Row[] = [];
  const start = performance.now();
  let steps = 0;
  points.forEach((point, index) => {
    const t0 = performance.now();
    const result = runModel(point.spec);
    steps += result.steps;
    rows.push(...exp.rows(point, result));
    onPoint?.({ index, total: points.length, point, result, wallMs: performance.now() - t0 });
  });
  return { rows, wallMs: performance.now() - start, steps };
}

/** CSV (RFC 4180): columns in order of first appearance; fields with commas or quotes quoted. */
export function toCsv(rows: readonly Row[]): string {
  const cols: string[] = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!cols.includes(k)) cols.push(k);
  const cell = (v: string | number | undefined): string => {
    if (v === undefined) return '';
    const s = String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [cols.join(','), ...rows.map((r) => cols.map((c) => cell(r[c])).join(','))].join('\n') + '\n';
}

/** Write `<dir>/<name>.csv` and each chart's `<dir>/<chart>.svg`; returns the paths written. */
export async function writeExperiment(dir: string, exp: Experiment, rows: readonly Row[]): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const csv = join(dir, `${exp.name}.csv`);
  await writeFile(csv, toCsv(rows));
  const written = [csv];
  for (const chart of exp.charts(rows)) {
    const path = join(dir, `${chart.name}.svg`);
    await writeFile(path, await renderSvg(chart.spec));
    written.push(path);
  }
  return written;
}
