// Naturals and Integers: 32-bit arithmetic as in TLC (overflow is an error), \div and % floor-based.
import { lazy, mkSetSorted, EMPTY_SET } from '../values/index.js';
import type { Builtin } from '../eval/ir.js';
import { builtin, checked, fail, num } from './util.js';

const MAX_DENSE_INTERVAL = 1 << 16;

export function interval(lo: number, hi: number): ReturnType<typeof mkSetSorted> | ReturnType<typeof lazy> {
  if (hi < lo) return EMPTY_SET;
  if (hi - lo + 1 > MAX_DENSE_INTERVAL) return lazy({ tag: 'interval', lo, hi });
  const out = new Array<number>(hi - lo + 1);
  for (let i = 0; i < out.length; i++) out[i] = lo + i;
  return mkSetSorted(out);
}

function pow(b: number, e: number, l: Parameters<Builtin['fn']>[1]): number {
  if (e < 0) fail(l, `Exponent ${e} is negative`);
  if (b === 0 && e === 0) fail(l, '0^0 is undefined');
  let r = 1;
  for (let i = 0; i < e; i++) {
    r = checked(r * b, l, '^');
    if (r === 0 || r === 1) break;
  }
  return r;
}

export const NATURALS: ReadonlyMap<string, Builtin> = new Map([
  builtin('Nat', 0, () => lazy({ tag: 'nat' })),
  builtin('plus', 2, ([a, b], l) => checked(num(a, l, 'first argument of +') + num(b, l, 'second argument of +'), l, '+')),
  builtin('minus', 2, ([a, b], l) => checked(num(a, l, 'first argument of -') - num(b, l, 'second argument of -'), l, '-')),
  builtin('mul', 2, ([a, b], l) => checked(num(a, l, 'first argument of *') * num(b, l, 'second argument of *'), l, '*')),
  builtin('pow', 2, ([a, b], l) => pow(num(a, l, 'first argument of ^'), num(b, l, 'second argument of ^'), l)),
  builtin('lt', 2, ([a, b], l) => num(a, l, 'first argument of <') < num(b, l, 'second argument of <')),
  builtin('gt', 2, ([a, b], l) => num(a, l, 'first argument of >') > num(b, l, 'second argument of >')),
  builtin('leq', 2, ([a, b], l) => num(a, l, 'first argument of <=') <= num(b, l, 'second argument of <=')),
  builtin('geq', 2, ([a, b], l) => num(a, l, 'first argument of >=') >= num(b, l, 'second argument of >=')),
  builtin('div', 2, ([a, b], l) => {
    const d = num(b, l, 'second argument of \\div');
    if (d === 0) fail(l, 'The second argument of \\div is 0.');
    return checked(Math.floor(num(a, l, 'first argument of \\div') / d), l, '\\div');
  }),
  builtin('mod', 2, ([a, b], l) => {
    const d = num(b, l, 'second argument of %');
    if (d <= 0) fail(l, 'The second argument of % should be a positive number, but instead it is ' + d);
    const x = num(a, l, 'first argument of %');
    return ((x % d) + d) % d;
  }),
  builtin('dots_2', 2, ([a, b], l) => interval(num(a, l, 'first argument of ..'), num(b, l, 'second argument of ..'))),
]);

export const INTEGERS: ReadonlyMap<string, Builtin> = new Map([
  ...NATURALS,
  builtin('Int', 0, () => lazy({ tag: 'int' })),
  builtin('negative', 1, ([a], l) => checked(-num(a, l, 'argument of -'), l, '-')),
]);
