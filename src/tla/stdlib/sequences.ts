// Sequences and FiniteSets.
import { type Value, lazy, tuple, cardinality, isFiniteSet, EMPTY_TUPLE, str } from '../values/index.js';
import type { Builtin } from '../eval/ir.js';
import { builtin, fail, num, op, seq, set, val, bool } from './util.js';

export const SEQUENCES: ReadonlyMap<string, Builtin> = new Map([
  builtin('Seq', 1, ([s], l) => lazy({ tag: 'seq', base: set(s, l, 'argument of Seq') })),
  // Strings are sequences of characters for Len and \o, as in TLC.
  builtin('Len', 1, ([s], l) => (typeof s === 'object' && s.kind === 'str' ? s.s.length : seq(s, l, 'argument of Len').elems.length)),
  builtin('circ', 2, ([a, b], l) => {
    if (typeof a === 'object' && a.kind === 'str' && typeof b === 'object' && b.kind === 'str') return str(a.s + b.s);
    return tuple([...seq(a, l, 'first argument of \\o').elems, ...seq(b, l, 'second argument of \\o').elems]);
  }),
  builtin('Append', 2, ([s, e], l) => tuple([...seq(s, l, 'first argument of Append').elems, val(e, l)])),
  builtin('Head', 1, ([s], l) => {
    const q = seq(s, l, 'argument of Head');
    if (q.elems.length === 0) fail(l, 'Attempted to apply Head to the empty sequence.');
    return q.elems[0];
  }),
  builtin('Tail', 1, ([s], l) => {
    const q = seq(s, l, 'argument of Tail');
    if (q.elems.length === 0) fail(l, 'Attempted to apply Tail to the empty sequence.');
    return tuple(q.elems.slice(1));
  }),
  builtin('SubSeq', 3, ([s, m, n], l) => {
    const q = seq(s, l, 'first argument of SubSeq');
    const a = num(m, l, 'second argument of SubSeq');
    const b = num(n, l, 'third argument of SubSeq');
    if (b < a) return EMPTY_TUPLE;
    if (a < 1 || b > q.elems.length) fail(l, `SubSeq: indices ${a}..${b} out of range for a sequence of length ${q.elems.length}`);
    return tuple(q.elems.slice(a - 1, b));
  }),
  builtin(
    'SelectSeq',
    2,
    ([s, t], l) => {
      const test = op(t, l, 'second argument of SelectSeq');
      return tuple(seq(s, l, 'first argument of SelectSeq').elems.filter((e: Value) => bool(test.call([e]), l, 'result of the SelectSeq test')));
    },
    { opArgs: [1] },
  ),
]);

export const FINITE_SETS: ReadonlyMap<string, Builtin> = new Map([
  builtin('Cardinality', 1, ([s], l) => cardinality(set(s, l, 'argument of Cardinality'))),
  builtin('IsFiniteSet', 1, ([s], l) => isFiniteSet(set(s, l, 'argument of IsFiniteSet'))),
]);
