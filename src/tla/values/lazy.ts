// Sets that are only enumerated when needed: membership without enumeration, enumeration on demand.
import { TlaError } from '../api.js';
import type { LazySet, SetValue, Value, FcnValue, TupleValue } from './types.js';
import { EMPTY_SET, fcn, mkSetSorted, setOf, tuple, indexOfSorted, domainOf, rangeOf, compare } from './core.js';
import { printValue } from './print.js';

/** Above this many elements a set is refused rather than enumerated (TLC would also struggle). */
const MAX_ENUM = 5_000_000;

export function isSetValue(v: Value): v is SetValue | LazySet {
  return typeof v === 'object' && (v.kind === 'set' || v.kind === 'lazy');
}

export function isFcnValue(v: Value): v is TupleValue | FcnValue {
  return typeof v === 'object' && (v.kind === 'tup' || v.kind === 'fn');
}

export function asSet(v: Value, what: string): SetValue | LazySet {
  if (isSetValue(v)) return v;
  throw new TlaError('eval', `${what}: expected a set but got ${printValue(v)}`);
}

export function forceSet(v: SetValue | LazySet): SetValue {
  if (v.kind === 'set') return v;
  if (v.forced === undefined) v.forced = enumerateLazy(v);
  return v.forced;
}

function infinite(v: LazySet): never {
  throw new TlaError('eval', `Attempted to enumerate the infinite set ${printValue(v)}.`);
}

function enumerateLazy(v: LazySet): SetValue {
  const sp = v.spec;
  switch (sp.tag) {
    case 'nat':
    case 'int':
    case 'string':
    case 'seq':
      return infinite(v);
    case 'interval': {
      const n = sp.hi - sp.lo + 1;
      if (n <= 0) return EMPTY_SET;
      if (n > MAX_ENUM) tooBig(v);
      const out: number[] = new Array<number>(n);
      for (let i = 0; i < n; i++) out[i] = sp.lo + i;
      return mkSetSorted(out);
    }
    case 'subset': {
      const base = forceSet(asSet(sp.base, 'SUBSET')).elems;
      if (base.length > 22) tooBig(v);
      const out: Value[] = [];
      for (let m = 0; m < 1 << base.length; m++) {
        const sub: Value[] = [];
        for (let i = 0; i < base.length; i++) if (m & (1 << i)) sub.push(base[i]);
        out.push(mkSetSorted(sub));
      }
      return setOf(out);
    }
    case 'fnset': {
      const dom = forceSet(asSet(sp.dom, 'function set')).elems;
      const rng = forceSet(asSet(sp.rng, 'function set')).elems;
      return setOf(cartesian(dom.map(() => rng), v).map((r) => fcn(dom, r)));
    }
    case 'product': {
      const sets = sp.sets.map((s) => forceSet(asSet(s, '\\X')).elems);
      return setOf(cartesian(sets, v).map((r) => tuple(r)));
    }
    case 'recset': {
      const sets = sp.sets.map((s) => forceSet(asSet(s, 'record set')).elems);
      const names = sp.names;
      return setOf(
        cartesian(sets, v).map((r) => {
          const pairs = names.map((n, i) => [n, r[i]] as const).sort((a, b) => a[0].id - b[0].id);
          return fcn(
            pairs.map((p) => p[0]),
            pairs.map((p) => p[1]),
          );
        }),
      );
    }
    case 'filter': {
      const base = forceSet(asSet(sp.base, 'set filter')).elems;
      return mkSetSorted(base.filter((e) => sp.pred(e)));
    }
    case 'cup':
      return setOf(sp.sets.flatMap((x) => forceSet(asSet(x, '\\cup')).elems));
  }
}

function tooBig(v: LazySet): never {
  throw new TlaError('unsupported', `The set ${printValue(v)} is too large to enumerate.`);
}

/** All tuples picking one element of each list, in lexicographic order of the lists. */
function cartesian(lists: readonly (readonly Value[])[], v: LazySet): Value[][] {
  let total = 1;
  for (const l of lists) {
    total *= l.length;
    if (total > MAX_ENUM) tooBig(v);
  }
  const out: Value[][] = [];
  const cur: Value[] = new Array<Value>(lists.length);
  const rec = (i: number): void => {
    if (i === lists.length) {
      out.push(cur.slice());
      return;
    }
    for (const e of lists[i]) {
      cur[i] = e;
      rec(i + 1);
    }
  };
  rec(0);
  return out;
}

/** v \in s, without enumerating s where possible. */
export function member(v: Value, s: SetValue | LazySet): boolean {
  if (s.kind === 'set') return indexOfSorted(s.elems, v) >= 0;
  if (s.forced !== undefined) return indexOfSorted(s.forced.elems, v) >= 0;
  const sp = s.spec;
  switch (sp.tag) {
    case 'nat':
      return typeof v === 'number' && v >= 0;
    case 'int':
      return typeof v === 'number';
    case 'string':
      return typeof v === 'object' && v.kind === 'str';
    case 'interval':
      return typeof v === 'number' && v >= sp.lo && v <= sp.hi;
    case 'subset': {
      if (!isSetValue(v)) return false;
      const base = asSet(sp.base, 'SUBSET');
      return forceSet(v).elems.every((e) => member(e, base));
    }
    case 'fnset': {
      if (!isFcnValue(v)) return false;
      const dom = forceSet(asSet(sp.dom, 'function set')).elems;
      const vd = domainOf(v);
      if (vd.length !== dom.length) return false;
      for (let i = 0; i < dom.length; i++) if (compare(vd[i], dom[i]) !== 0) return false;
      const rng = asSet(sp.rng, 'function set');
      return rangeOf(v).every((e) => member(e, rng));
    }
    case 'product': {
      if (typeof v !== 'object' || v.kind !== 'tup' || v.elems.length !== sp.sets.length) return false;
      return v.elems.every((e, i) => member(e, asSet(sp.sets[i], '\\X')));
    }
    case 'recset': {
      if (typeof v !== 'object' || v.kind !== 'fn' || v.dom.length !== sp.names.length) return false;
      return sp.names.every((n, i) => {
        const k = indexOfSorted(v.dom, n);
        return k >= 0 && member(v.rng[k], asSet(sp.sets[i], 'record set'));
      });
    }
    case 'seq': {
      if (typeof v !== 'object' || v.kind !== 'tup') return false;
      const base = asSet(sp.base, 'Seq');
      return v.elems.every((e) => member(e, base));
    }
    case 'filter':
      return member(v, asSet(sp.base, 'set filter')) && sp.pred(v);
    case 'cup':
      return sp.sets.some((x) => member(v, asSet(x, '\\cup')));
  }
}

/** Cardinality; infinite sets are an error. */
export function cardinality(s: SetValue | LazySet): number {
  if (s.kind === 'lazy' && s.spec.tag === 'interval') return Math.max(0, s.spec.hi - s.spec.lo + 1);
  return forceSet(s).elems.length;
}

export function isFiniteSet(s: SetValue | LazySet): boolean {
  if (s.kind === 'set' || s.forced !== undefined) return true;
  const sp = s.spec;
  const fin = (v: Value): boolean => isSetValue(v) && isFiniteSet(v);
  switch (sp.tag) {
    case 'nat':
    case 'int':
    case 'string':
    case 'seq':
      return false;
    case 'interval':
      return true;
    case 'subset':
      return fin(sp.base);
    case 'fnset':
      return fin(sp.dom) && fin(sp.rng);
    case 'product':
    case 'recset':
    case 'cup':
      return sp.sets.every(fin);
    case 'filter':
      return fin(sp.base);
  }
}

