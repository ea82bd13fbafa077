// The NDJSON trace format (DESIGN.md §5): a header line, then one event per line:
//   {"module": "Spec", "constants": {...}, ...}
//   {"i": step, "t": time, "node": id, "action": "ActionName", "args": {...}, "state": {var: json, ...}}
// `state` maps some or all spec variables to JSON values (ValueOps.fromJson shapes). Lines with neither
// `action` nor `state` (or with a `kind` and no `action`) are metadata and skipped.
import { TlaError, type CfgValue } from '../api.js';

export interface TraceHeader {
  readonly module?: string;
  readonly constants?: Readonly<Record<string, unknown>>;
  readonly [key: string]: unknown;
}

export interface TraceEvent {
  /** 1-based line number in the file. */
  readonly line: number;
  readonly i?: number;
  readonly action?: string;
  readonly args?: Readonly<Record<string, unknown>> | readonly unknown[];
  readonly state: Readonly<Record<string, unknown>>;
  readonly raw: Readonly<Record<string, unknown>>;
}

export interface ParsedTrace {
  readonly header: TraceHeader;
  readonly events: readonly TraceEvent[];
}

function isObject(j: unknown): j is Record<string, unknown> {
  return typeof j === 'object' && j !== null && !Array.isArray(j);
}

/** Calls `f` with each non-blank line's JSON object and its 1-based line number; one clear error per bad line. */
export function forEachJsonObject(input: string | readonly string[], f: (j: Record<string, unknown>, line: number) => void): void {
  const lines = typeof input === 'string' ? input.split('\n') : input;
  lines.forEach((text, k) => {
    const line = k + 1;
    if (text.trim() === '') return;
    let j: unknown;
    try {
      j = JSON.parse(text);
    } catch (e) {
      throw new TlaError('trace', `line ${line}: not JSON (${(e as Error).message})`);
    }
    if (!isObject(j)) throw new TlaError('trace', `line ${line}: expected a JSON object`);
    f(j, line);
  });
}

export function parseNdjson(input: string | readonly string[]): ParsedTrace {
  let header: TraceHeader | undefined;
  const events: TraceEvent[] = [];
  forEachJsonObject(input, (j, line) => {
    if (header === undefined) {
      if ('state' in j) throw new TlaError('trace', `line ${line}: the first line must be a header ({"module": ..., "constants": {...}}), not an event`);
      // The simulator's header names the spec under "spec"; TLA+ tools say "module". Accept both.
      header = (j.module === undefined && typeof j.spec === 'string' ? { ...j, module: j.spec } : j) as TraceHeader;
      return;
    }
    // A line is an event iff it has "action" or "state" (DESIGN.md §5); other lines (the simulator's
    // checkpoint, phase, fault and end records, which carry "kind") are metadata, not steps.
    if (j.action === undefined && (j.state === undefined || typeof j.kind === 'string')) return;
    const state = j.state ?? {};
    if (!isObject(state)) throw new TlaError('trace', `line ${line}: "state" must be an object of variable values`);
    const action = j.action;
    if (action !== undefined && typeof action !== 'string') throw new TlaError('trace', `line ${line}: "action" must be a string`);
    const args = j.args;
    if (args !== undefined && !isObject(args) && !Array.isArray(args)) throw new TlaError('trace', `line ${line}: "args" must be an object or array`);
    events.push({ line, i: typeof j.i === 'number' ? j.i : undefined, action, args: args as TraceEvent['args'], state, raw: j });
  });
  if (header === undefined) throw new TlaError('trace', 'empty trace: no header line');
  return { header, events };
}

/** Header constants as cfg values (when no .cfg is given): ints, strings, booleans, tuples, sets, model values. */
export function jsonToCfgValue(j: unknown, where: string): CfgValue {
  if (typeof j === 'number' && Number.isInteger(j)) return { kind: 'int', value: j };
  if (typeof j === 'string') return { kind: 'string', value: j };
  if (typeof j === 'boolean') return { kind: 'bool', value: j };
  if (Array.isArray(j)) return { kind: 'tuple', elems: j.map((e) => jsonToCfgValue(e, where)) };
  if (isObject(j)) {
    if (Array.isArray(j['#set'])) return { kind: 'set', elems: j['#set'].map((e) => jsonToCfgValue(e, where)) };
    if (Array.isArray(j['#tup'])) return { kind: 'tuple', elems: j['#tup'].map((e) => jsonToCfgValue(e, where)) };
    if (typeof j['#mv'] === 'string') return { kind: 'modelValue', name: j['#mv'] };
    if (typeof j['#bigint'] === 'string') return { kind: 'int', value: Number(j['#bigint']) };
  }
  throw new TlaError('trace', `header constant ${where}: ${JSON.stringify(j)} cannot be a cfg value (use a .cfg file)`);
}
