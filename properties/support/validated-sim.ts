// Every simulated run of the property tests is a behaviour of the specs (issue 9): this module's
// runSimulation is the simulator's, plus the run's trace validated in-process against every spec a
// refinement mapping in src/conformance targets (today spec/MailStore.tla). A run that is not a behaviour
// throws, with the trace line, the expected action and the differing spec variables, so the property fails
// and fast-check shrinks it like any other failure (and re-records the trace to traces/failures/).
// TRACE_VALIDATE=0 turns validation off, for long local runs only (CI always validates).
// Runs with a custom reducer (the properties' mutation checks: deliberately broken nodes) are not validated:
// they must fail through the property they test, and a fake reducer need not emit the real node's events.
import { describeFailure } from '../../src/tla/trace/index.js';
import { getParser } from '../../src/tla/front-end.js';
import { simTraceFromObjects, specsForSimTraces, validateSimTraceWith, type SimTrace } from '../../src/conformance/index.js';
import { runSimulation as simulate, type SimConfig, type SimOptions, type SimResult } from '../../src/sim/index.js';
import { REPO_ROOT } from './failure-trace.js';

const parser = await getParser();
const specs = specsForSimTraces(REPO_ROOT);

/** Whether runs are validated (TRACE_VALIDATE=0 turns it off). */
export function traceValidationOn(): boolean {
  return process.env.TRACE_VALIDATE !== '0';
}

/** How many runs this process validated, and how many events (the tests assert validation happened). */
export const validationStats = { runs: 0, events: 0 };

export function runSimulation(config: SimConfig, options: SimOptions = {}): SimResult {
  if (!traceValidationOn() || options.reducer !== undefined) return simulate(config, options);
  const theirs = options.trace?.sink;
  // A caller that records the trace itself gets it as configured. Otherwise the trace is only for the specs:
  // no checkpoint digests (they cost as much as the rest of the recording and no spec reads them), and each
  // event's state is just the nodes up (the mapping derives mail from the steps) unless the config asks for
  // mailboxes (then the spec compares them too). Neither changes what the nodes do.
  const state = config.trace.state === 'mailboxes' ? 'mailboxes' : 'up';
  const run: SimConfig = theirs !== undefined ? config : { ...config, trace: { ...config.trace, state, checkpointEverySteps: Number.MAX_SAFE_INTEGER } };
  const objects: Readonly<Record<string, unknown>>[] = [];
  const result = simulate(run, {
    ...options,
    trace: { ...(theirs !== undefined ? { sink: theirs } : {}), objects: (o) => objects.push(o), version: options.trace?.version ?? 'property' },
  });
  checkRunTrace(config.seed, simTraceFromObjects(objects));
  return result;
}

/** Validates a run's trace (its lines, or as recorded) against every mapped spec; throws a report at the first that rejects it. */
export function checkRunTrace(seed: number, trace: readonly string[] | SimTrace): void {
  for (const spec of specs) {
    const v = validateSimTraceWith(parser, spec, trace);
    if (!v.result.ok) {
      throw new Error(
        `seed ${seed}: the run is not a behaviour of ${v.refinement.module} (spec/${v.refinement.module}.tla)\n` +
          describeFailure(v.result.failure).join('\n').slice(0, 3000) +
          `\n  the offending line: ${offending(trace, v.result.failure.line)}`,
      );
    }
    validationStats.runs++;
    validationStats.events += v.result.steps;
  }
}

function offending(trace: readonly string[] | SimTrace, line: number): string {
  if (Array.isArray(trace)) return String((trace as readonly string[])[line - 1]).slice(0, 600);
  const l = (trace as SimTrace).lines.find((x) => x.line === line);
  return JSON.stringify(l === undefined ? null : 'event' in l ? l.event : l.meta).slice(0, 600);
}
