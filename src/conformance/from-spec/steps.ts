// The loop every counterexample translator runs (index.ts): start the implementation where the spec's first
// state is, then for each pair of consecutive states recognise the spec step, drive the implementation through
// it, and compare what it then holds with the spec's next state. The first step where the driver could not
// do what the spec did, or where the mapped variables differ, is the divergence.
import type { Counterexample, ReplayOutcome, StepReport } from './index.js';

type State = Readonly<Record<string, unknown>>;

/** One translator's side of the loop: its step type, how to drive it, and its refinement mapping. */
export interface StepDriver<Step> {
  /** Bring the implementation to the spec's initial state (boots, ...). */
  init(first: State): void;
  /** The spec step between two states (recognised from the states: a dump need not name its actions). */
  recognise(before: State, after: State): Step;
  label(step: Step): string;
  /** Drive the implementation through the step: undefined, or why it could not. */
  apply(step: Step, before: State, after: State): string | undefined;
  /** The inputs handed to the implementation since the last call (for the report), then forgotten. */
  takeInputs(): string[];
  /** [variable, spec value, implementation value] for every mapped variable that differs. */
  compare(spec: State): (readonly [string, string, string])[];
  /** Remarks on a run that follows (e.g. steps the implementation took before the counterexample ended). */
  notes?(): string[];
}

export function replayStates<Step>(ce: Counterexample, d: StepDriver<Step>): ReplayOutcome {
  const steps: StepReport[] = [];
  d.init(ce.states[0]);
  steps.push({ state: 1, action: 'Init', inputs: d.takeInputs() });
  const initial = d.compare(ce.states[0]);
  if (initial.length > 0) return { kind: 'diverges', steps, state: 1, action: 'Init', why: 'the implementation does not start there', differences: initial };
  for (let k = 1; k < ce.states.length; k++) {
    const before = ce.states[k - 1];
    const after = ce.states[k];
    const s = d.recognise(before, after);
    const why = d.apply(s, before, after);
    const action = d.label(s);
    steps.push({ state: k + 1, action, inputs: d.takeInputs() });
    const differences = d.compare(after);
    if (why !== undefined || differences.length > 0) {
      return { kind: 'diverges', steps, state: k + 1, action, why: why ?? 'the implementation reached another state', differences };
    }
  }
  const notes = d.notes?.() ?? [];
  return notes.length > 0 ? { kind: 'follows', steps, notes } : { kind: 'follows', steps };
}
