// The Bags module: a bag is a function from elements to positive counts.
import { type Value, type TupleValue, type FcnValue, fcn, fcnFromPairs, domainOf, rangeOf, indexOfSorted, forceSet, mkSetSorted, setOf, EMPTY_TUPLE } from '../values/index.js';
import type { Builtin } from '../eval/ir.js';
import { builtin, checked, fn, op, set, val, num } from './util.js';
import type { Loc } from '../parse/ast.js';

type Bag = TupleValue | FcnValue;

function copies(e: Value, b: Bag): number {
  const i = indexOfSorted(domainOf(b), e);
  return i < 0 ? 0 : (rangeOf(b)[i] as number);
}

function combine(a: Bag, b: Bag, sign: number, l: Loc): Value {
  const keys: [Value, number][] = [];
  const add = (bag: Bag, s: number): void => {
    domainOf(bag).forEach((d, i) => {
      const existing = keys.find((k) => indexOfSorted([k[0]], d) === 0);
      const c = num(rangeOf(bag)[i], l, 'bag count') * s;
      if (existing === undefined) keys.push([d, c]);
      else existing[1] = checked(existing[1] + c, l, 'bag count');
    });
  };
  add(a, 1);
  add(b, sign);
  return fcnFromPairs(keys.filter((k) => k[1] > 0));
}

export const BAGS: ReadonlyMap<string, Builtin> = new Map([
  builtin('EmptyBag', 0, () => EMPTY_TUPLE),
  builtin('IsABag', 1, ([b], l) => {
    const v = val(b, l);
    return typeof v === 'object' && (v.kind === 'tup' || v.kind === 'fn') && rangeOf(v).every((c) => typeof c === 'number' && c > 0);
  }),
  builtin('BagToSet', 1, ([b], l) => mkSetSorted(domainOf(fn(b, l, 'argument of BagToSet')))),
  builtin('SetToBag', 1, ([s], l) => {
    const elems = forceSet(set(s, l, 'argument of SetToBag')).elems;
    return fcn(elems, elems.map(() => 1));
  }),
  builtin('BagIn', 2, ([e, b], l) => copies(val(e, l), fn(b, l, 'second argument of BagIn')) > 0),
  builtin('CopiesIn', 2, ([e, b], l) => copies(val(e, l), fn(b, l, 'second argument of CopiesIn'))),
  builtin('oplus', 2, ([a, b], l) => combine(fn(a, l, 'first argument of (+)'), fn(b, l, 'second argument of (+)'), 1, l)),
  builtin('ominus', 2, ([a, b], l) => combine(fn(a, l, 'first argument of (-)'), fn(b, l, 'second argument of (-)'), -1, l)),
  builtin('BagUnion', 1, ([s], l) => {
    let acc: Value = EMPTY_TUPLE;
    for (const b of forceSet(set(s, l, 'argument of BagUnion')).elems) acc = combine(acc as Bag, fn(b, l, 'element of BagUnion'), 1, l);
    return acc;
  }),
  builtin('sqsubseteq', 2, ([a, b], l) => {
    const x = fn(a, l, 'first argument of \\sqsubseteq');
    const y = fn(b, l, 'second argument of \\sqsubseteq');
    return domainOf(x).every((d, i) => (rangeOf(x)[i] as number) <= copies(d, y));
  }),
  builtin('BagCardinality', 1, ([b], l) => rangeOf(fn(b, l, 'argument of BagCardinality')).reduce<number>((s, c) => checked(s + (c as number), l, 'BagCardinality'), 0)),
  builtin(
    'BagOfAll',
    2,
    ([f, b], l) => {
      const F = op(f, l, 'first argument of BagOfAll');
      const bag = fn(b, l, 'second argument of BagOfAll');
      let acc: Value = EMPTY_TUPLE;
      domainOf(bag).forEach((d, i) => {
        acc = combine(acc as Bag, fcn([F.call([d])], [rangeOf(bag)[i]]), 1, l);
      });
      return acc;
    },
    { opArgs: [0] },
  ),
  builtin('SubBag', 1, ([b], l) => {
    const bag = fn(b, l, 'argument of SubBag');
    const dom = domainOf(bag);
    const out: Value[] = [];
    const cur: number[] = new Array<number>(dom.length).fill(0);
    const rec = (i: number): void => {
      if (i === dom.length) {
        const keep = dom.map((d, k) => [d, cur[k]] as [Value, number]).filter((p) => p[1] > 0);
        out.push(fcnFromPairs(keep));
        return;
      }
      for (let c = 0; c <= (rangeOf(bag)[i] as number); c++) {
        cur[i] = c;
        rec(i + 1);
      }
    };
    rec(0);
    return setOf(out);
  }),
]);
