// The key a state is deduplicated by: its fingerprint, or its VIEW's, or the least fingerprint over its
// symmetry orbit. TLC takes the minimum fingerprint over the permutations it is given; with a full
// permutation group (the usual Permutations(S)) every choice of minimum gives the same orbit count.
import { TlaError, type LoadedSpec, type State, type ValueOps } from '../api.js';
import type { CheckPlan } from './plan.js';

export type StateKeyer = (s: State) => bigint;

export function makeKeyer(spec: LoadedSpec, ops: ValueOps, plan: CheckPlan, initSample?: State): StateKeyer {
  const view = plan.view;
  const base: StateKeyer = view ? (s) => ops.fingerprint(spec.evalState(view, s)) : (s) => ops.fingerprintState(s);
  if (plan.symmetry === undefined) return base;
  const perms = permutationsOf(ops.toJson(spec.evalState(plan.symmetry, initSample ?? [])));
  return (s) => {
    let best = base(s);
    for (const p of perms) {
      const k = base(s.map((v) => ops.permute(v, p)));
      if (k < best) best = k;
    }
    return best;
  };
}

/** Reads a set of functions over model values (in ValueOps.toJson's shape) as permutation maps. */
export function permutationsOf(json: unknown): ReadonlyMap<string, string>[] {
  const bad = (): never => {
    throw new TlaError('eval', 'SYMMETRY must evaluate to a set of permutations of model values');
  };
  if (typeof json !== 'object' || json === null || !('#set' in json)) return bad();
  const out: Map<string, string>[] = [];
  for (const f of (json as { '#set': unknown[] })['#set']) {
    const m = new Map<string, string>();
    const pairs = typeof f === 'object' && f !== null && '#map' in f ? (f as { '#map': unknown[] })['#map'] : bad();
    for (const pair of pairs) {
      const [k, v] = Array.isArray(pair) ? pair : bad();
      m.set(modelValueName(k) ?? bad(), modelValueName(v) ?? bad());
    }
    out.push(m);
  }
  return out;
}

function modelValueName(j: unknown): string | undefined {
  if (typeof j === 'object' && j !== null && '#mv' in j) return String((j as { '#mv': unknown })['#mv']);
  return undefined;
}
