// Reading the simulator's own NDJSON traces (src/sim/trace.ts) for the refinement mappings: the header, the
// events (lines with an "action") and the metadata lines (checkpoint, phase, fault, end) in between.
import { TlaError } from '../tla/api.js';
import { forEachJsonObject } from '../tla/trace/ndjson.js';

/** A simulator event line. `state` is the recorder's refinement: `up` plus `stored` counts or `mailboxes`. */
export interface SimEvent {
  readonly i: number;
  readonly t: number;
  readonly node: string;
  readonly action: string;
  readonly args: Readonly<Record<string, unknown>>;
  readonly state: {
    readonly up?: readonly string[];
    readonly stored?: Readonly<Record<string, number>>;
    readonly mailboxes?: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;
  };
}

/** A metadata line: `{"kind": "fault" | "phase" | "checkpoint" | "end", ...}`. */
export interface SimMeta {
  readonly kind: string;
  readonly [field: string]: unknown;
}

export interface SimHeader {
  readonly kind: 'header';
  readonly spec: string;
  readonly constants: { readonly Nodes?: readonly string[]; readonly Users?: number; readonly [k: string]: unknown };
  readonly seed?: number;
  readonly version?: string;
  readonly config?: unknown;
}

/** One line of a simulator trace, by 1-based line number; blank lines are absent. */
export type SimLine = { readonly line: number } & ({ readonly event: SimEvent } | { readonly meta: SimMeta });

export interface SimTrace {
  readonly header: SimHeader;
  readonly lines: readonly SimLine[];
}

function isObject(j: unknown): j is Record<string, unknown> {
  return typeof j === 'object' && j !== null && !Array.isArray(j);
}

/** True when a trace's first line is the simulator's header (`{"kind":"header","spec":...}`). */
export function isSimHeader(j: unknown): j is SimHeader {
  return isObject(j) && j.kind === 'header' && typeof j.spec === 'string';
}

/** Builds a SimTrace line by line: the header first, then events and metadata (one clear error per bad line). */
class SimTraceBuilder {
  private header: SimHeader | undefined;
  private readonly lines: SimLine[] = [];

  add(j: Record<string, unknown>, line: number): void {
    if (this.header === undefined) {
      if (!isSimHeader(j)) throw new TlaError('trace', `line ${line}: expected the simulator header ({"kind":"header","spec":...})`);
      this.header = j;
      return;
    }
    if (typeof j.action === 'string') {
      if (typeof j.node !== 'string' || !isObject(j.state)) throw new TlaError('trace', `line ${line}: a simulator event needs "node" and "state"`);
      this.lines.push({ line, event: { i: Number(j.i), t: Number(j.t), node: j.node, action: j.action, args: isObject(j.args) ? j.args : {}, state: j.state } });
    } else if (typeof j.kind === 'string') {
      this.lines.push({ line, meta: j as SimMeta });
    } else {
      throw new TlaError('trace', `line ${line}: neither an event (no "action") nor a metadata line (no "kind")`);
    }
  }

  done(): SimTrace {
    if (this.header === undefined) throw new TlaError('trace', 'empty trace: no header line');
    return { header: this.header, lines: this.lines };
  }
}

/** Parses a simulator trace; one clear error per malformed line. */
export function parseSimTrace(input: string | readonly string[]): SimTrace {
  const b = new SimTraceBuilder();
  forEachJsonObject(input, (j, line) => b.add(j, line));
  return b.done();
}

/** A simulator trace from the recorder's line objects (SimOptions.trace.objects), without JSON: line k+1 is objs[k]. */
export function simTraceFromObjects(objs: readonly Readonly<Record<string, unknown>>[]): SimTrace {
  const b = new SimTraceBuilder();
  objs.forEach((j, k) => b.add(j as Record<string, unknown>, k + 1));
  return b.done();
}

export function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
