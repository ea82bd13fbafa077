// Behaviour: are two runs of the same seed the same run? Traces are compared event by event (the header's
// package version and timestamps aside); the first event that differs is the divergence, shown as the two
// events and the difference of the state each carries (the trace's per-event `state` snapshot and args).
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

export interface JsonDiff {
  readonly path: string;
  readonly base: unknown;
  readonly head: unknown;
}

export type TraceComparison =
  | { readonly kind: 'identical'; readonly events: number }
  /** `line` is 1-based in both files (line 1 is the header). */
  | {
      readonly kind: 'diverged';
      readonly line: number;
      readonly step: number | null;
      readonly base: unknown;
      readonly head: unknown;
      readonly diff: readonly JsonDiff[];
    }
  | { readonly kind: 'missing'; readonly reason: string };

/** Paths at which two JSON values differ (at most `limit`, depth-first, keys in sorted order). */
export function jsonDiff(a: unknown, b: unknown, limit = 40, path = ''): JsonDiff[] {
  const out: JsonDiff[] = [];
  const walk = (x: unknown, y: unknown, p: string): void => {
    if (out.length >= limit) return;
    if (Object.is(x, y)) return;
    const bothObjects = typeof x === 'object' && x !== null && typeof y === 'object' && y !== null && Array.isArray(x) === Array.isArray(y);
    if (!bothObjects) {
      out.push({ path: p === '' ? '(whole)' : p, base: x, head: y });
      return;
    }
    const xo = x as Record<string, unknown>;
    const yo = y as Record<string, unknown>;
    const keys = [...new Set([...Object.keys(xo), ...Object.keys(yo)])].sort();
    for (const k of keys) walk(xo[k], yo[k], Array.isArray(x) ? `${p}[${k}]` : p === '' ? k : `${p}.${k}`);
  };
  walk(a, b, path);
  return out;
}

/** The header without what differs between any two builds of the same behaviour (the package version). */
function normaliseHeader(line: string): unknown {
  try {
    const h = JSON.parse(line) as Record<string, unknown>;
    const { version: _v, ...rest } = h;
    return rest;
  } catch {
    return line;
  }
}

async function* lines(path: string): AsyncGenerator<string> {
  const rl = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of rl) if (line !== '') yield line;
}

function parse(line: string | undefined): unknown {
  if (line === undefined) return '(trace ended)';
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return line;
  }
}

export async function compareTraces(basePath: string, headPath: string): Promise<TraceComparison> {
  const a = lines(basePath)[Symbol.asyncIterator]();
  const b = lines(headPath)[Symbol.asyncIterator]();
  let line = 0;
  try {
    for (;;) {
      const [x, y] = await Promise.all([a.next(), b.next()]);
      line++;
      if (x.done === true && y.done === true) return { kind: 'identical', events: line - 2 };
      const xs = x.done === true ? undefined : x.value;
      const ys = y.done === true ? undefined : y.value;
      if (line === 1 && xs !== undefined && ys !== undefined) {
        const hx = normaliseHeader(xs);
        const hy = normaliseHeader(ys);
        if (JSON.stringify(hx) === JSON.stringify(hy)) continue;
        return { kind: 'diverged', line, step: null, base: hx, head: hy, diff: jsonDiff(hx, hy) };
      }
      if (xs === ys) continue;
      const ex = parse(xs);
      const ey = parse(ys);
      const step = typeof ex === 'object' && ex !== null && typeof (ex as { i?: unknown }).i === 'number' ? (ex as { i: number }).i : null;
      return { kind: 'diverged', line, step, base: ex, head: ey, diff: jsonDiff(ex, ey) };
    }
  } catch (e) {
    return { kind: 'missing', reason: e instanceof Error ? e.message : String(e) };
  }
}

/** Action names and how often each occurs in a trace (for coverage and the names section). */
export async function traceActions(path: string, into: Map<string, number>): Promise<void> {
  for await (const line of lines(path)) {
    const m = /"action":"([^"\\]+)"/.exec(line);
    if (m !== null) into.set(m[1], (into.get(m[1]) ?? 0) + 1);
  }
}
