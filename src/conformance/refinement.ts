// What a refinement mapping from simulator traces to one spec provides (DESIGN.md §5: the mappings live in
// src/conformance, one module per spec). A mapping rewrites a simulator trace into the validator's input:
// each event's state becomes the spec's variables (some or all of them) and its args become the values of
// the spec action's parameters, in order. Metadata lines are dropped, but every event keeps the line number
// of the original trace, so failures point into the file the user has.
import type { ParsedTrace } from '../tla/trace/index.js';
import type { SimEvent, SimTrace } from './sim-trace.js';

/** The label arguments of one event (JSON values in ValueOps.fromJson's shapes), or a reason it cannot map. */
export type ArgMap = (ev: SimEvent, ctx: MapContext) => readonly unknown[];

/** What an argument mapping may know beyond the event: metadata lines that came just before it. */
export interface MapContext {
  /** Metadata lines since the previous event (e.g. the `fault` line of a disk loss before its Restart). */
  readonly metaBefore: readonly Readonly<Record<string, unknown>>[];
}

export interface Refinement {
  /** The spec module this mapping targets (the file spec/<module>.tla). */
  readonly module: string;
  /** One line for `--help` and error messages. */
  readonly summary: string;
  /** Action name → label arguments: exactly the spec's actions (test/spec/names-in-sync.test.ts). */
  readonly actions: Readonly<Record<string, ArgMap>>;
  /**
   * The mapped trace: header constants for the spec, events with spec variables and label arguments. A spec of
   * one object (PorcupineReplication) gets one behaviour per object of the run, each a list of its own events
   * (all with the same header); every one must be a behaviour of the spec.
   */
  map(trace: SimTrace): ParsedTrace | readonly ParsedTrace[];
}

/** The behaviours a mapping yields, as a list (one for most specs). */
export function behaviours(mapped: ParsedTrace | readonly ParsedTrace[]): readonly ParsedTrace[] {
  return Array.isArray(mapped) ? (mapped as readonly ParsedTrace[]) : [mapped as ParsedTrace];
}

/**
 * Whether an event must carry the nodes up (`up`): the simulator changes them only at these events (a crash;
 * a restart, recorded while the node is down; a boot), so the spec's `up` follows from the steps in between
 * and comparing it there too only costs (converting every event's list was a tenth of validation). The last
 * event carries it as well, so a change the trace did not record as an event still shows by the end.
 */
export function carriesUp(action: string, last: boolean): boolean {
  return last || action === 'Boot' || action === 'Crash' || action === 'Restart';
}

/** The line of a trace's last event (0 when it has none). */
export function lastEventLine(trace: SimTrace): number {
  for (let k = trace.lines.length - 1; k >= 0; k--) if ('event' in trace.lines[k]) return trace.lines[k].line;
  return 0;
}
