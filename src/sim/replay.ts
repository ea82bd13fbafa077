// Replay: re-run the simulation described by a trace's header and demand the same trace, line by line.
// Because the run is a pure function of (config, code), any difference means either the code changed
// behaviour or the file was altered; the first differing line says where (step, node, action, digest).
import { makeConfig, type SimConfig } from './config.js';
import { runSimulation, type SimOptions } from './cluster.js';
import type { TraceHeader } from './trace.js';

export interface Divergence {
  /** 1-based line number in the trace file. */
  readonly line: number;
  readonly expected: string;
  readonly actual: string;
  /** One sentence: what differs (which node's digest, which action). */
  readonly what: string;
}

export interface ReplayVerdict {
  readonly ok: boolean;
  readonly linesCompared: number;
  readonly divergence?: Divergence;
  readonly recordedVersion: string;
}

class Diverged extends Error {
  constructor(readonly d: Divergence) {
    super(d.what);
  }
}

/** Parse and sanity-check a trace header line; throws a RangeError with a readable message. */
export function parseHeader(line: string | undefined): TraceHeader {
  if (line === undefined || line.trim() === '') throw new RangeError('trace is empty (no header line)');
  let h: unknown;
  try {
    h = JSON.parse(line);
  } catch {
    throw new RangeError('line 1 is not JSON: not a porcupine simulation trace');
  }
  const rec = h as Partial<TraceHeader>;
  if (typeof h !== 'object' || h === null || rec.kind !== 'header' || typeof rec.config !== 'object' || rec.config === null) {
    throw new RangeError('line 1 is not a simulation trace header ({"kind":"header",...,"config":{...}})');
  }
  return rec as TraceHeader;
}

export function replayTrace(text: string, options: Pick<SimOptions, 'reducer'> = {}): ReplayVerdict {
  const recorded = text.split('\n');
  if (recorded.length > 0 && recorded[recorded.length - 1] === '') recorded.pop();
  const header = parseHeader(recorded[0]);
  checkComplete(recorded);
  // Fill defaults for fields an older trace may lack, but keep the header's values. The header line itself
  // is not compared byte for byte: a later version may add config fields; the run must still be the same.
  const config: SimConfig = makeConfig(header.config);
  if (header.seed !== config.seed) {
    const what = `the header's seed ${String(header.seed)} disagrees with its config's seed ${config.seed}`;
    return { ok: false, linesCompared: 1, recordedVersion: header.version, divergence: { line: 1, expected: recorded[0], actual: recorded[0], what } };
  }
  let n = 1;
  const sink = (line: string): void => {
    if (n === 1 && line.startsWith('{"kind":"header"')) return; // already compared
    const expected = recorded[n];
    n++;
    if (expected !== line) throw new Diverged({ line: n, expected: expected ?? '<end of file>', actual: line, what: describeDifference(expected, line) });
  };
  try {
    runSimulation(config, { ...options, trace: { sink, version: header.version } });
  } catch (e) {
    if (e instanceof Diverged) return { ok: false, linesCompared: n, divergence: e.d, recordedVersion: header.version };
    throw e;
  }
  if (n < recorded.length) {
    return { ok: false, linesCompared: n, recordedVersion: header.version, divergence: { line: n + 1, expected: recorded[n], actual: '<end of run>', what: 'the trace has more lines than the run produces' } };
  }
  return { ok: true, linesCompared: n, recordedVersion: header.version };
}

/**
 * A trace cut off (a run killed while writing it, a partial copy) is an unreadable trace, not a divergence:
 * every line must be JSON and the last one the `end` line. Throws a RangeError saying which line.
 */
function checkComplete(lines: readonly string[]): void {
  for (let i = 1; i < lines.length; i++) {
    if (tryParse(lines[i]) === undefined) {
      const last = i === lines.length - 1;
      throw new RangeError(`line ${i + 1} is not JSON: the trace is ${last ? 'truncated (cut off in its last line)' : 'corrupt'}`);
    }
  }
  const last = tryParse(lines[lines.length - 1]);
  if (lines.length < 2 || last?.kind !== 'end') {
    throw new RangeError(`the trace is truncated: it ends at line ${lines.length} without its "end" line`);
  }
}

function describeDifference(expected: string | undefined, actual: string): string {
  if (expected === undefined) return 'the run produces more lines than the trace has';
  const e = tryParse(expected);
  const a = tryParse(actual);
  if (e === undefined) return 'the recorded line is not JSON';
  if (a === undefined) return 'different lines';
  if (e.kind === 'checkpoint' || e.kind === 'end') {
    const ed = (e.digests ?? {}) as Record<string, string>;
    const ad = (a.digests ?? {}) as Record<string, string>;
    const nodes = Object.keys({ ...ed, ...ad }).filter((k) => ed[k] !== ad[k]);
    if (nodes.length > 0) return `state digests differ at step ${String(a.step)} for ${nodes.join(', ')}`;
    return `${String(e.kind)} line differs (step ${String(e.step)} vs ${String(a.step)})`;
  }
  if ('action' in e) {
    return `event ${String(e.i)}: recorded ${String(e.node)} ${String(e.action)}, replay gives ${String(a.node)} ${String(a.action ?? a.kind)}` + (e.action === a.action && e.node === a.node ? ' (args, time or state differ)' : '');
  }
  return `${String(e.kind)} line differs`;
}

function tryParse(line: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(line);
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
