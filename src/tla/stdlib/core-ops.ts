// Set operators of the TLA+ language itself (not of a standard module): \cup, \cap, \, \subseteq, \X,
// SUBSET, UNION, DOMAIN.
import { type Value, forceSet, member, setOf, mkSetSorted, lazy, domainOf, EMPTY_SET, compare, isFiniteSet, printValue } from '../values/index.js';
import type { Builtin } from '../eval/ir.js';
import { builtin, fn, set } from './util.js';

/** The union of two canonical element arrays, by merging (they are sorted and duplicate-free). */
function union(a: readonly Value[], b: readonly Value[]): Value[] {
  const out: Value[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const c = compare(a[i], b[j]);
    if (c < 0) out.push(a[i++]);
    else if (c > 0) out.push(b[j++]);
    else {
      out.push(a[i++]);
      j++;
    }
  }
  while (i < a.length) out.push(a[i++]);
  while (j < b.length) out.push(b[j++]);
  return out;
}

export const CORE_OPS: ReadonlyMap<string, Builtin> = new Map([
  builtin('cup', 2, ([a, b], l) => {
    const sa = set(a, l, 'first argument of \\cup');
    const sb = set(b, l, 'second argument of \\cup');
    // An infinite side (Nat \cup {-1}) stays lazy: only membership is asked of it.
    if (!isFiniteSet(sa) || !isFiniteSet(sb)) return lazy({ tag: 'cup', sets: [sa, sb] });
    return mkSetSorted(union(forceSet(sa).elems, forceSet(sb).elems));
  }),
  builtin('cap', 2, ([a, b], l) => {
    const sa = set(a, l, 'first argument of \\cap');
    const sb = set(b, l, 'second argument of \\cap');
    if (!isFiniteSet(sa)) {
      if (isFiniteSet(sb)) return mkSetSorted(forceSet(sb).elems.filter((x) => member(x, sa)));
      return lazy({ tag: 'filter', base: sa, pred: (x) => member(x, sb), text: `${printValue(sa)} \\cap ${printValue(sb)}` });
    }
    return mkSetSorted(forceSet(sa).elems.filter((x) => member(x, sb)));
  }),
  builtin('setminus', 2, ([a, b], l) => {
    const sa = set(a, l, 'first argument of \\');
    const sb = set(b, l, 'second argument of \\');
    // Nat \ {0}: an infinite set minus another stays lazy (membership only), as in TLC.
    if (!isFiniteSet(sa)) return lazy({ tag: 'filter', base: sa, pred: (x) => !member(x, sb), text: `${printValue(sa)} \\ ${printValue(sb)}` });
    return mkSetSorted(forceSet(sa).elems.filter((x) => !member(x, sb)));
  }),
  builtin('subseteq', 2, ([a, b], l) => {
    const sb = set(b, l, 'second argument of \\subseteq');
    return forceSet(set(a, l, 'first argument of \\subseteq')).elems.every((x) => member(x, sb));
  }),
  builtin('supseteq', 2, ([a, b], l) => {
    const sa = set(a, l, 'first argument of \\supseteq');
    return forceSet(set(b, l, 'second argument of \\supseteq')).elems.every((x) => member(x, sa));
  }),
  builtin('subset', 2, ([a, b], l) => {
    const ea = forceSet(set(a, l, 'first argument of \\subset')).elems;
    const sb = forceSet(set(b, l, 'second argument of \\subset'));
    return ea.every((x) => member(x, sb)) && ea.length < sb.elems.length;
  }),
  builtin('times', 2, ([a, b], l) => {
    const sa = set(a, l, 'first argument of \\X');
    const sb = set(b, l, 'second argument of \\X');
    return lazy({ tag: 'product', sets: [sa, sb] });
  }),
  builtin('powerset', 1, ([a], l) => lazy({ tag: 'subset', base: set(a, l, 'argument of SUBSET') })),
  builtin('union', 1, ([a], l) => {
    const sets = forceSet(set(a, l, 'argument of UNION')).elems.map((s) => set(s, l, 'element of UNION'));
    // UNION {[D -> Int]}: an infinite member keeps the union lazy (membership only).
    if (!sets.every(isFiniteSet)) return lazy({ tag: 'cup', sets });
    const out: Value[] = [];
    for (const s of sets) for (const x of forceSet(s).elems) out.push(x); // no spread: members may be huge
    return out.length === 0 ? EMPTY_SET : setOf(out);
  }),
  builtin('domain', 1, ([a], l) => mkSetSorted(domainOf(fn(a, l, 'argument of DOMAIN')))),
]);
