// The event loop a refinement mapping runs over a simulator trace: metadata lines are dropped but passed to
// the next event's argument mapping (MapContext.metaBefore), every event keeps its line number in the original
// file, and an action the mapping does not know passes through with `unknown`'s arguments, so that the
// validator rejects it by name.
import type { TraceEvent } from '../tla/trace/index.js';
import type { ArgMap } from './refinement.js';
import type { SimEvent, SimTrace } from './sim-trace.js';

/**
 * Calls `visit` for each event of the trace, in order, with the metadata lines that came right before it: the
 * loop every mapping shares (mapSimEvents below; the per-object fan-out of replication.ts).
 */
export function forEachSimEvent(trace: SimTrace, visit: (ev: SimEvent, line: number, metaBefore: readonly Record<string, unknown>[]) => void): void {
  let metaBefore: Record<string, unknown>[] = [];
  for (const l of trace.lines) {
    if ('meta' in l) {
      metaBefore.push(l.meta);
      continue;
    }
    const mine = metaBefore;
    metaBefore = [];
    visit(l.event, l.line, mine);
  }
}

export function mapSimEvents(
  trace: SimTrace,
  actions: Readonly<Record<string, ArgMap>>,
  unknown: ArgMap,
  state: (ev: SimEvent, line: number) => Record<string, unknown>,
): TraceEvent[] {
  const events: TraceEvent[] = [];
  forEachSimEvent(trace, (ev, line, metaBefore) => {
    const args = (Object.hasOwn(actions, ev.action) ? actions[ev.action] : unknown)(ev, { metaBefore });
    const raw = { i: ev.i, action: ev.action, args, state: state(ev, line) };
    events.push({ line, i: ev.i, action: ev.action, args, state: raw.state, raw });
  });
  return events;
}
