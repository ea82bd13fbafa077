// Rebuilds a counterexample from the fingerprints along a parent chain by re-running Init and Next and
// picking, at each step, the first successor with the recorded key (as TLC does from its trace file).
// This keeps the explorer's memory at a few bytes per state instead of holding every state.
import { TlaError, type LoadedSpec } from '../api.js';
import type { CheckPlan } from './plan.js';
import type { TraceStep } from './result.js';
import type { StateKeyer } from './state-key.js';

export function rebuildPath(spec: LoadedSpec, plan: CheckPlan, keyOf: StateKeyer, fps: readonly bigint[]): TraceStep[] {
  const norm = (k: bigint): bigint => (k === 0n ? 1n : k);
  const first = spec.initStates(plan.init).find((s) => norm(keyOf(s)) === norm(fps[0]));
  if (first === undefined) throw new TlaError('eval', 'internal: could not rebuild the initial state of a counterexample');
  const steps: TraceStep[] = [{ state: first }];
  let cur = first;
  for (let k = 1; k < fps.length; k++) {
    const from = cur;
    // The first successor with the recorded key that the ACTION_CONSTRAINTs allow is the one BFS kept.
    const tr = spec
      .successors(plan.next, from)
      .find((t) => norm(keyOf(t.state)) === norm(fps[k]) && plan.actionConstraints.every((a) => spec.evalStep(a, from, t.state) === true));
    if (tr === undefined) throw new TlaError('eval', `internal: could not rebuild step ${k + 1} of a counterexample`);
    steps.push({ state: tr.state, action: tr.action });
    cur = tr.state;
  }
  return steps;
}
