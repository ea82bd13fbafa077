// Bound variables: quantifiers, CHOOSE, `<<a, b>>` patterns, function literals and `f[x \in S] == e`.
// Bindings are enumerated in TLC's order: the canonical set order, the first bound varying slowest.
import { type Value, type TupleValue, type FcnValue, forceSet, member, printValue, tuple, fcn, fcnFromPairs } from '../values/index.js';
import type { BoundIR, Def, IR } from './ir.js';
import { type Ctx, type Env, push } from './env.js';
import { ev, evBool, evSet, evalError } from './eval.js';

/** `\A` / `\E` (bounded): the first binding deciding the answer stops the walk. */
export function quantifier(ir: Extract<IR, { k: 'quant' }>, env: Env, cx: Ctx): boolean {
  const want = ir.q === 'exists';
  const b0 = ir.bounds[0];
  if (ir.bounds.length === 1 && !b0.tuple && b0.set !== null && b0.n <= 2) {
    // The common `\A x \in S : P` and `\A x, y \in S : P`, without closures.
    const elems = forceSet(evSet(b0.set, env, cx)).elems;
    for (const x of elems) {
      const e1 = push(env, x);
      if (b0.n === 1) {
        if (evBool(ir.body, e1, cx) === want) return want;
        continue;
      }
      for (const y of elems) if (evBool(ir.body, push(e1, y), cx) === want) return want;
    }
    return !want;
  }
  let found = !want;
  forBounds(ir.bounds, env, cx, ir, (e2) => {
    if (evBool(ir.body, e2, cx) === want) {
      found = want;
      return true;
    }
    return false;
  });
  return found;
}

/** CHOOSE: the first element in TLC's order (the canonical set order) that satisfies the predicate. */
export function choose(ir: Extract<IR, { k: 'choose' }>, env: Env, cx: Ctx): Value {
  let out: Value | undefined;
  forBounds([ir.bound], env, cx, ir, (e2, vals) => {
    if (evBool(ir.body, e2, cx)) {
      out = vals;
      return true;
    }
    return false;
  });
  if (out === undefined) return evalError(ir, 'Attempted to compute the value of an expression of form CHOOSE x \\in S: P, but no element of S satisfied P.');
  return out;
}

/** Binds a bound's names to the components of v (`x`, or `<<a, b>>` patterns). */
export function bindPattern(b: BoundIR, v: Value, env: Env, ir: IR): Env {
  if (!b.tuple) return push(env, v);
  if (typeof v !== 'object' || v.kind !== 'tup' || v.elems.length !== b.n) return evalError(ir, `Cannot bind ${printValue(v)} to a tuple of ${b.n} names`);
  let e = env;
  for (const x of v.elems) e = push(e, x);
  return e;
}

/**
 * Calls fn for each binding of the bounds (in TLC's order: the first bound varies slowest); stops when
 * fn returns true. `v` is the value of the last name bound (CHOOSE uses it).
 */
export function forBounds(bounds: readonly BoundIR[], env: Env, cx: Ctx, ir: IR, fn: (env: Env, v: Value) => boolean): boolean {
  const sets: (readonly Value[])[] = [];
  const shapes: BoundIR[] = [];
  for (const b of bounds) {
    if (b.set === null) evalError(ir, 'Unbounded quantifier');
    const elems = forceSet(evSet(b.set, env, cx)).elems;
    for (let i = 0; i < (b.tuple ? 1 : b.n); i++) {
      sets.push(elems);
      shapes.push(b);
    }
  }
  const rec = (i: number, e: Env, last: Value): boolean => {
    if (i === sets.length) return fn(e, last);
    for (const v of sets[i]) if (rec(i + 1, bindPattern(shapes[i], v, e, ir), v)) return true;
    return false;
  };
  return rec(0, env, false);
}

export function fnLiteral(bounds: readonly BoundIR[], body: IR, env: Env, cx: Ctx, ir: IR): TupleValue | FcnValue {
  if (bounds.length === 1 && !bounds[0].tuple && bounds[0].n === 1) {
    const dom = forceSet(evSet(bounds[0].set!, env, cx)).elems;
    const rng = new Array<Value>(dom.length);
    for (let i = 0; i < dom.length; i++) rng[i] = ev(body, push(env, dom[i]), cx);
    return fcn(dom, rng);
  }
  const pairs: [Value, Value][] = [];
  forBounds(bounds, env, cx, ir, (e2) => {
    pairs.push([argTuple(e2, bounds), ev(body, e2, cx)]);
    return false;
  });
  return fcnFromPairs(pairs);
}

/** The domain element of a multi-argument function literal: the tuple of its bound values. */
function argTuple(env: Env, bounds: readonly BoundIR[]): Value {
  let count = 0;
  for (const b of bounds) count += b.n;
  const vals: Value[] = new Array<Value>(count);
  let e = env;
  for (let i = count - 1; i >= 0; i--) {
    vals[i] = e!.v as Value;
    e = e!.up;
  }
  if (bounds.length === 1 && bounds[0].tuple) return tuple(vals);
  return vals.length === 1 ? vals[0] : tuple(vals);
}

/** `f[x]` for `f[x \in S] == body`: evaluates the body directly (recursion over infinite domains). */
/** f[arg] for a function definition, evaluating the body at arg only; `base`: a LET function's own slot. */
export function applyFnDef(def: Def, arg: Value, cx: Ctx, ir: IR, base: Env = null): Value {
  return ev(def.body(), fnDefEnv(def, arg, cx, ir, base), cx);
}

/** The environment f's body is evaluated in for f[arg] (arg checked against f's domain). */
export function fnDefEnv(def: Def, arg: Value, cx: Ctx, ir: IR, base: Env = null): Env {
  const bounds = def.fnBounds!;
  let names = 0;
  for (const b of bounds) names += b.tuple ? 1 : b.n;
  let env: Env = base;
  if (names === 1) {
    const b = bounds[0];
    if (!member(arg, evSet(b.set!, base, cx))) evalError(ir, `Applying ${def.name} to ${printValue(arg)}, which is not in its domain`);
    env = bindPattern(b, arg, base, ir);
  } else {
    if (typeof arg !== 'object' || arg.kind !== 'tup' || arg.elems.length !== names) return evalError(ir, `Bad argument ${printValue(arg)} for ${def.name}`);
    let i = 0;
    for (const b of bounds) {
      const s = evSet(b.set!, base, cx);
      for (let j = 0; j < (b.tuple ? 1 : b.n); j++) {
        if (!member(arg.elems[i], s)) evalError(ir, `Applying ${def.name} to ${printValue(arg)}, which is not in its domain`);
        env = bindPattern(b, arg.elems[i++], env, ir);
      }
    }
  }
  return env;
}
