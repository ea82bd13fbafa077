// Applying a permutation of model values (symmetry reduction). The checker permutes every state by every
// permutation of the symmetry group (as TLC does), so `permuter` compiles a permutation once: model values
// are looked up by identity, a value the permutation leaves unchanged is returned as is (no copy, its hash
// cache kept), and the re-sorting of a permuted function domain is computed once per domain array (EXCEPT
// keeps its function's domain array, so the states of a run share a few of them).
import type { ModelValue, Value } from './types.js';
import { compare, modelValue, setOf, tuple } from './core.js';
import { forceSet } from './lazy.js';

/** A permuted domain: the new canonical domain and, for each of its positions, the old position (null: unchanged). */
interface DomPerm {
  readonly dom: readonly Value[];
  readonly from: Int32Array | null;
}

export function permuter(perm: ReadonlyMap<string, string>): (v: Value) => Value {
  const mvs = new Map<ModelValue, ModelValue>();
  for (const [a, b] of perm) if (a !== b) mvs.set(modelValue(a), modelValue(b));
  const doms = new WeakMap<readonly Value[], DomPerm>();

  const list = (elems: readonly Value[]): readonly Value[] | null => {
    let out: Value[] | null = null;
    for (let i = 0; i < elems.length; i++) {
      const p = go(elems[i]);
      if (p !== elems[i] && out === null) out = elems.slice(0, i);
      if (out !== null) out.push(p);
    }
    return out;
  };

  const domPerm = (dom: readonly Value[]): DomPerm => {
    let d = doms.get(dom);
    if (d === undefined) {
      const moved = list(dom);
      if (moved === null) d = { dom, from: null };
      else {
        const idx = Array.from(moved.keys()).sort((i, j) => compare(moved[i], moved[j]));
        d = { dom: idx.map((i) => moved[i]), from: Int32Array.from(idx) };
      }
      doms.set(dom, d);
    }
    return d;
  };

  function go(v: Value): Value {
    if (typeof v !== 'object') return v;
    switch (v.kind) {
      case 'str':
        return v;
      case 'mv':
        return mvs.get(v) ?? v;
      case 'tup': {
        const e = list(v.elems);
        return e === null ? v : tuple(e);
      }
      case 'fn': {
        const d = domPerm(v.dom);
        if (d.from === null) {
          const r = list(v.rng);
          return r === null ? v : { kind: 'fn', dom: v.dom, rng: r, h1: 0, h2: 0, hashed: false };
        }
        const from = d.from;
        const rng = new Array<Value>(from.length);
        for (let i = 0; i < from.length; i++) rng[i] = go(v.rng[from[i]]);
        // A permuted domain is never 1..n (it holds a model value), so the result stays a function.
        return { kind: 'fn', dom: d.dom, rng, h1: 0, h2: 0, hashed: false };
      }
      case 'set':
      case 'lazy': {
        const s = forceSet(v);
        const e = list(s.elems);
        return e === null ? s : setOf(e);
      }
    }
  }
  return go;
}

export function permute(v: Value, perm: ReadonlyMap<string, string>): Value {
  return permuter(perm)(v);
}
