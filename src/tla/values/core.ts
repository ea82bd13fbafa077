// Interning, constructors and THE total order on values.
//
// The total order (used for canonical set order, record field order, CHOOSE and `\E` enumeration):
//   1. by type rank: BOOLEAN < integer < string < model value < function (tuples, records) < set;
//   2. within a type, like TLC's compareTo:
//      - FALSE < TRUE; integers ascending;
//      - strings and model values by interning token (TLC's UniqueString order: the order in which the
//        name was first met while reading the cfg and parsing), NOT lexicographically;
//      - functions: by domain size, then domain elements pairwise, then range values pairwise
//        (for tuples: by length, then element by element, like TLC's TupleValue);
//      - sets: by cardinality, then elements pairwise in canonical order (like TLC's SetEnumValue).
//   Lazy sets compare by their enumeration (an infinite one is an error).
import { TlaError } from '../api.js';
import type { FcnValue, ModelValue, SetValue, StrValue, TupleValue, Value, LazySet, LazySetSpec } from './types.js';
import { forceSet } from './lazy.js';

/**
 * Interning: TLC orders strings (and model values) by the order their names were first met. One
 * process may load several specs (tests do); each loadSpec starts a new epoch, and a name gets a fresh,
 * later rank the first time it is met in the current epoch, so each spec sees TLC's order for its own
 * names. Values built in an earlier epoch must not be mixed with the current spec's values.
 */
interface Token {
  rank: number;
  epoch: number;
}

let epoch = 0;
let nextRank = 1;
const tokens = new Map<string, Token>();
const strings = new Map<string, StrValue>();
const modelValues = new Map<string, ModelValue>();

/** Starts a new interning epoch (called by loadSpec before reading the cfg and the modules). */
export function newInterningEpoch(): void {
  epoch++;
}

/** TLC's UniqueString token of a name: identifiers, strings and model values share one table. */
export function internToken(name: string): number {
  let t = tokens.get(name);
  if (t === undefined) {
    t = { rank: nextRank++, epoch };
    tokens.set(name, t);
  } else if (t.epoch !== epoch) {
    t.rank = nextRank++;
    t.epoch = epoch;
    const sv = strings.get(name);
    if (sv !== undefined) sv.id = t.rank;
    const mv = modelValues.get(name);
    if (mv !== undefined) mv.id = t.rank;
  }
  return t.rank;
}

export function str(s: string): StrValue {
  let v = strings.get(s);
  if (v === undefined) {
    v = { kind: 'str', s, id: internToken(s) };
    strings.set(s, v);
  } else if (tokens.get(s)!.epoch !== epoch) internToken(s);
  return v;
}

export function modelValue(name: string): ModelValue {
  let v = modelValues.get(name);
  if (v === undefined) {
    v = { kind: 'mv', name, id: internToken(name) };
    modelValues.set(name, v);
  } else if (tokens.get(name)!.epoch !== epoch) internToken(name);
  return v;
}

export function overflow(what: string): never {
  throw new TlaError('overflow', `Overflow: ${what} is not a 32-bit integer, as in TLC.`);
}

export function int(n: number): number {
  if (n > 2147483647 || n < -2147483648 || !Number.isInteger(n)) overflow(String(n));
  return n;
}

export function tuple(elems: readonly Value[]): TupleValue {
  return { kind: 'tup', elems, h1: 0, h2: 0, hashed: false };
}

export const EMPTY_TUPLE = tuple([]);

/** Builds a set from arbitrary elements: sorts and deduplicates. */
export function setOf(elems: readonly Value[]): SetValue {
  if (elems.length <= 1) return mkSetSorted(elems);
  const copy = elems.slice().sort(compare);
  const out: Value[] = [copy[0]];
  for (let i = 1; i < copy.length; i++) {
    if (compare(copy[i], out[out.length - 1]) !== 0) out.push(copy[i]);
  }
  return mkSetSorted(out);
}

/** Elements must already be canonical (sorted, no duplicates). */
export function mkSetSorted(elems: readonly Value[]): SetValue {
  return { kind: 'set', elems, h1: 0, h2: 0, hashed: false };
}

export const EMPTY_SET = mkSetSorted([]);

export function lazy(spec: LazySetSpec): LazySet {
  return { kind: 'lazy', spec };
}

/**
 * Builds a function from a canonical domain (sorted, no duplicates) and its range values; yields a tuple
 * when the domain is 1..n.
 */
export function fcn(dom: readonly Value[], rng: readonly Value[]): TupleValue | FcnValue {
  if (isOneToN(dom)) return tuple(rng);
  return { kind: 'fn', dom, rng, h1: 0, h2: 0, hashed: false };
}

function isOneToN(dom: readonly Value[]): boolean {
  for (let i = 0; i < dom.length; i++) if (dom[i] !== i + 1) return false;
  return true;
}

/** A function from unsorted pairs (later duplicates must not occur). */
export function fcnFromPairs(pairs: readonly (readonly [Value, Value])[]): TupleValue | FcnValue {
  const sorted = pairs.slice().sort((a, b) => compare(a[0], b[0]));
  return fcn(
    sorted.map((p) => p[0]),
    sorted.map((p) => p[1]),
  );
}

export function record(fields: readonly (readonly [string, Value])[]): TupleValue | FcnValue {
  return fcnFromPairs(fields.map(([k, v]) => [str(k), v] as const));
}

function rank(v: Value): number {
  switch (typeof v) {
    case 'boolean':
      return 0;
    case 'number':
      return 1;
    default:
      switch (v.kind) {
        case 'str':
          return 2;
        case 'mv':
          return 3;
        case 'tup':
        case 'fn':
          return 4;
        case 'set':
        case 'lazy':
          return 5;
      }
  }
}

export function compare(a: Value, b: Value): number {
  if (a === b) return 0;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  switch (ra) {
    case 0:
      return (a ? 1 : 0) - (b ? 1 : 0);
    case 2:
      return (a as StrValue).id - (b as StrValue).id;
    case 3:
      return (a as ModelValue).id - (b as ModelValue).id;
    case 4:
      return compareFcn(a as TupleValue | FcnValue, b as TupleValue | FcnValue);
    default:
      return compareSeqs(forceSet(a as SetValue | LazySet).elems, forceSet(b as SetValue | LazySet).elems);
  }
}

function compareSeqs(x: readonly Value[], y: readonly Value[]): number {
  if (x.length !== y.length) return x.length - y.length;
  for (let i = 0; i < x.length; i++) {
    const c = compare(x[i], y[i]);
    if (c !== 0) return c;
  }
  return 0;
}

function compareFcn(a: TupleValue | FcnValue, b: TupleValue | FcnValue): number {
  if (a.kind === 'tup' && b.kind === 'tup') return compareSeqs(a.elems, b.elems);
  const da = domainOf(a);
  const db = domainOf(b);
  const c = compareSeqs(da, db);
  if (c !== 0) return c;
  return compareSeqs(rangeOf(a), rangeOf(b));
}

export function domainOf(f: TupleValue | FcnValue): readonly Value[] {
  if (f.kind === 'fn') return f.dom;
  const d: number[] = new Array<number>(f.elems.length);
  for (let i = 0; i < d.length; i++) d[i] = i + 1;
  return d;
}

export function rangeOf(f: TupleValue | FcnValue): readonly Value[] {
  return f.kind === 'fn' ? f.rng : f.elems;
}

export function equals(a: Value, b: Value): boolean {
  if (a === b) return true;
  const ta = typeof a;
  if (ta !== 'object' || typeof b !== 'object') return false;
  const oa = a as Exclude<Value, boolean | number>;
  const ob = b as Exclude<Value, boolean | number>;
  if (oa.kind === 'str' || oa.kind === 'mv' || ob.kind === 'str' || ob.kind === 'mv') return false;
  return compare(a, b) === 0;
}

/** Binary search in a canonical element array. */
export function indexOfSorted(elems: readonly Value[], v: Value): number {
  let lo = 0;
  let hi = elems.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const c = compare(elems[mid], v);
    if (c === 0) return mid;
    if (c < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
