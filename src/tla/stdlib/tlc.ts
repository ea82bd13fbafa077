// The TLC module: Print, PrintT, Assert, ToString, :>, @@, Permutations, SortSeq, TLCGet/TLCSet.
import { type Value, fcn, fcnFromPairs, domainOf, rangeOf, indexOfSorted, forceSet, printValue, setOf, str, tuple } from '../values/index.js';
import type { Builtin } from '../eval/ir.js';
import { builtin, fail, fn, op, seq, set, val, bool, num } from './util.js';

/** TLCSet/TLCGet registers (integers index them), as in TLC with a single worker. */
const registers = new Map<number, Value>();

function permutations(elems: readonly Value[]): Value[] {
  const out: Value[] = [];
  const used = new Array<boolean>(elems.length).fill(false);
  const cur: Value[] = [];
  const rec = (): void => {
    if (cur.length === elems.length) {
      out.push(fcn(elems, cur.slice()));
      return;
    }
    for (let i = 0; i < elems.length; i++) {
      if (used[i]) continue;
      used[i] = true;
      cur.push(elems[i]);
      rec();
      cur.pop();
      used[i] = false;
    }
  };
  rec();
  return out;
}

/** A fixed-seed generator (mulberry32) for RandomElement; restarted by resetRandom() for each loaded spec. */
let seed = 0x2545f491;
export function resetRandom(): void {
  seed = 0x2545f491;
}
function nextRandom(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

export const TLC: ReadonlyMap<string, Builtin> = new Map([
  builtin(
    'Print',
    2,
    ([o, v], l) => {
      process.stdout.write(`${printValue(val(o, l))}  ${printValue(val(v, l))}\n`);
      return val(v, l);
    },
    { impure: true },
  ),
  builtin(
    'PrintT',
    1,
    ([o], l) => {
      process.stdout.write(`${printValue(val(o, l))}\n`);
      return true;
    },
    { impure: true },
  ),
  builtin('Assert', 2, ([c, o], l) => {
    if (bool(c, l, 'first argument of Assert')) return true;
    return fail(l, `The first argument of Assert evaluated to FALSE; the second argument was:\n${printValue(val(o, l))}`, 'assert');
  }),
  builtin('ToString', 1, ([v], l) => str(printValue(val(v, l)))),
  builtin('map_to', 2, ([a, b], l) => fcn([val(a, l)], [val(b, l)])),
  builtin('compose', 2, ([f, g], l) => {
    const a = fn(f, l, 'first argument of @@');
    const b = fn(g, l, 'second argument of @@');
    const da = domainOf(a);
    const pairs: [Value, Value][] = da.map((d, i) => [d, rangeOf(a)[i]]);
    const db = domainOf(b);
    db.forEach((d, i) => {
      if (indexOfSorted(da, d) < 0) pairs.push([d, rangeOf(b)[i]]);
    });
    return fcnFromPairs(pairs);
  }),
  builtin('Permutations', 1, ([s], l) => setOf(permutations(forceSet(set(s, l, 'argument of Permutations')).elems))),
  builtin(
    'SortSeq',
    2,
    ([s, o], l) => {
      const less = op(o, l, 'second argument of SortSeq');
      const elems = seq(s, l, 'first argument of SortSeq').elems.slice();
      elems.sort((x, y) => (bool(less.call([x, y]), l, 'SortSeq comparison') ? -1 : bool(less.call([y, x]), l, 'SortSeq comparison') ? 1 : 0));
      return tuple(elems);
    },
    { opArgs: [1] },
  ),
  // TLC picks at random (its seed changes per run); we pick with a fixed-seed generator, so runs repeat.
  builtin(
    'RandomElement',
    1,
    ([s], l) => {
      const elems = forceSet(set(s, l, 'argument of RandomElement')).elems;
      if (elems.length === 0) return fail(l, 'RandomElement of the empty set');
      return elems[Math.floor(nextRandom() * elems.length)];
    },
    { impure: true },
  ),
  builtin('JavaTime', 0, (_a, l) => fail(l, 'JavaTime is not supported', 'unsupported')),
  builtin('TLCEval', 1, ([v], l) => val(v, l)),
  builtin(
    'TLCSet',
    2,
    ([i, v], l) => {
      if (typeof i !== 'number') fail(l, 'TLCSet is supported only with an integer register', 'unsupported');
      registers.set(i, val(v, l));
      return true;
    },
    { impure: true },
  ),
  builtin(
    'TLCGet',
    1,
    ([i], l) => {
      if (typeof i === 'object' && i.kind === 'str') fail(l, `TLCGet(${printValue(i)}) is not supported (it reads the model checker's statistics)`, 'unsupported');
      const k = num(i, l, 'argument of TLCGet');
      const v = registers.get(k);
      if (v === undefined) fail(l, `TLCGet(${k}): register not set`);
      return v;
    },
    { impure: true },
  ),
]);
