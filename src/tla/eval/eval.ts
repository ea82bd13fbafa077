// The expression evaluator: IR + environment + context -> Value.
import { TlaError } from '../api.js';
import {
  type Value,
  type SetValue,
  type LazySet,
  equals,
  forceSet,
  member,
  printValue,
  setOf,
  tuple,
  fcn,
  lazy,
  mkSetSorted,
} from '../values/index.js';
import type { Arg, Def, IR, OpClosure, OpTarget } from './ir.js';
import { F_PRIMES } from './ir.js';
import { type Ctx, type Env, type EnvVal, type Thunk, push } from './env.js';
import { applyFn, exceptUpdate } from './functions.js';
import { enabledIn } from './enabled-hook.js';
import { applyFnDef, bindPattern, choose, fnLiteral, forBounds, quantifier } from './quantify.js';

export { bindPattern, forBounds, fnLiteral };

export function evalError(ir: IR, msg: string): never {
  const l = ir.loc;
  throw new TlaError('eval', `${msg}\nline ${l.line}, col ${l.col} to line ${l.endLine}, col ${l.endCol} of module ${l.module}`, l);
}

export function evBool(ir: IR, env: Env, cx: Ctx): boolean {
  const v = ev(ir, env, cx);
  if (typeof v !== 'boolean') evalError(ir, `A non-boolean expression (${printValue(v)}) was used as a formula`);
  return v;
}

export function evSet(ir: IR, env: Env, cx: Ctx): SetValue | LazySet {
  const v = ev(ir, env, cx);
  if (typeof v === 'object' && (v.kind === 'set' || v.kind === 'lazy')) return v;
  return evalError(ir, `Expected a set but got ${printValue(v)}`);
}

function lookup(env: Env, d: number): EnvVal {
  let e = env;
  for (let i = 0; i < d; i++) e = e!.up;
  return e!.v;
}

export function force(v: EnvVal, cx: Ctx, ir: IR): Value {
  if (typeof v !== 'object') return v;
  if (v.kind === 'thunk') {
    if (v.has) return v.val;
    const r = ev(v.ir, v.env, cx);
    if (v.memo) {
      v.val = r;
      v.has = true;
    }
    return r;
  }
  if (v.kind === 'opc') return evalError(ir, 'An operator was used as a value');
  return v;
}

export function ev(ir: IR, env: Env, cx: Ctx): Value {
  switch (ir.k) {
    case 'lit':
      return ir.v;
    case 'cached':
      if (!ir.has) {
        ir.v = ev(ir.e, env, cx);
        ir.has = true;
      }
      return ir.v;
    case 'var': {
      const v = cx.s[ir.i];
      if (v === undefined) return evalError(ir, `The variable ${ir.name} is not defined yet`);
      return v;
    }
    case 'loc':
      return force(lookup(env, ir.d), cx, ir);
    case 'fnApp': {
      const f = ev(ir.fn, env, cx);
      const arg = ir.args.length === 1 ? ev(ir.args[0], env, cx) : tuple(ir.args.map((a) => ev(a, env, cx)));
      return applyFn(f, arg, ir);
    }
    case 'eq':
      return strictEquals(ev(ir.a, env, cx), ev(ir.b, env, cx), ir);
    case 'pvar': {
      const v = cx.t === null ? undefined : cx.t[ir.i];
      if (v === undefined) return evalError(ir, `The primed variable ${ir.name}' is not defined yet`);
      return v;
    }
    case 'prime':
      if (cx.t === null) return evalError(ir, 'A primed expression outside an action');
      return ev(ir.e, env, { s: cx.t, t: null, varNames: cx.varNames });
    case 'call':
      return callDef(ir.def, ir.args, env, cx, ir);
    case 'callLocal': {
      const op = lookup(env, ir.d);
      if (typeof op !== 'object' || op.kind !== 'opc') return evalError(ir, `${ir.name} is not an operator`);
      return op.call(ir.args.map((a) => evArg(a, env, cx)));
    }
    case 'bi':
      return ir.op.fn(
        ir.args.map((a) => evArg(a, env, cx)),
        ir.loc,
      );
    case 'opRef':
      return evalError(ir, 'An operator was used as a value');
    case 'and':
      for (const p of ir.parts) if (!evBool(p, env, cx)) return false;
      return true;
    case 'or':
      for (const p of ir.parts) if (evBool(p, env, cx)) return true;
      return false;
    case 'not':
      return !evBool(ir.e, env, cx);
    case 'implies':
      return !evBool(ir.a, env, cx) || evBool(ir.b, env, cx);
    case 'equiv':
      return evBool(ir.a, env, cx) === evBool(ir.b, env, cx);
    case 'neq':
      return !strictEquals(ev(ir.a, env, cx), ev(ir.b, env, cx), ir);
    case 'in':
      return member(ev(ir.a, env, cx), evSet(ir.b, env, cx));
    case 'notin':
      return !member(ev(ir.a, env, cx), evSet(ir.b, env, cx));
    case 'if':
      return evBool(ir.c, env, cx) ? ev(ir.t, env, cx) : ev(ir.e, env, cx);
    case 'case':
      for (const a of ir.arms) if (evBool(a.g, env, cx)) return ev(a.b, env, cx);
      if (ir.other !== null) return ev(ir.other, env, cx);
      return evalError(ir, 'Attempted to evaluate a CASE with no true guard and no OTHER');
    case 'let':
      return ev(ir.body, letEnv(ir.defs, env, cx), cx);
    default:
      return evMore(ir, env, cx);
  }
}

function evMore(ir: IR, env: Env, cx: Ctx): Value {
  switch (ir.k) {
    case 'quant':
      return quantifier(ir, env, cx);
    case 'choose':
      return choose(ir, env, cx);
    case 'setEnum':
      return setOf(ir.elems.map((x) => ev(x, env, cx)));
    case 'setFilter': {
      const base = evSet(ir.bound.set!, env, cx);
      const b = ir.bound;
      if (base.kind === 'lazy' && base.forced === undefined && base.spec.tag !== 'interval') {
        return lazy({ tag: 'filter', base, pred: (v) => evBool(ir.pred, bindPattern(b, v, env, ir), cx), text: ir.text });
      }
      return mkSetSorted(forceSet(base).elems.filter((v) => evBool(ir.pred, bindPattern(b, v, env, ir), cx)));
    }
    case 'setMap': {
      const out: Value[] = [];
      forBounds(ir.bounds, env, cx, ir, (e2) => {
        out.push(ev(ir.body, e2, cx));
        return false;
      });
      return setOf(out);
    }
    case 'fnLit':
      return fnLiteral(ir.bounds, ir.body, env, cx, ir);
    case 'fnDefApp': {
      const arg = ir.args.length === 1 ? ev(ir.args[0], env, cx) : tuple(ir.args.map((a) => ev(a, env, cx)));
      return applyFnDef(ir.def, arg, cx, ir);
    }
    case 'pinstRef':
      return ev(
        ir.resolve(ir.args.map((a) => ev(a, env, cx))),
        null,
        cx,
      );
    case 'letFnApp': {
      const arg = ir.args.length === 1 ? ev(ir.args[0], env, cx) : tuple(ir.args.map((a) => ev(a, env, cx)));
      // The slot holds the function's thunk, whose environment is the LET's plus the slot itself.
      let e = env;
      for (let i = 0; i < ir.d; i++) e = e!.up;
      return applyFnDef(ir.box.def!, arg, cx, ir, e);
    }
    case 'tuple':
      return tuple(ir.elems.map((x) => ev(x, env, cx)));
    case 'recLit': {
      const vals = new Array<Value>(ir.vals.length);
      for (let i = 0; i < vals.length; i++) vals[i] = ev(ir.vals[i], env, cx);
      return fcn(ir.names, vals);
    }
    case 'setOfRecs':
      return lazy({ tag: 'recset', names: ir.names, sets: ir.vals.map((x) => evSet(x, env, cx)) });
    case 'recSel':
      return applyFn(ev(ir.rec, env, cx), ir.field, ir);
    case 'setOfFns':
      return lazy({ tag: 'fnset', dom: evSet(ir.dom, env, cx), rng: evSet(ir.rng, env, cx) });
    case 'except': {
      let f = ev(ir.fn, env, cx);
      for (const u of ir.updates) f = exceptUpdate(f, u.path, 0, u.val, env, cx, ir);
      return f;
    }
    case 'unchanged': {
      if (cx.t === null) return evalError(ir, 'UNCHANGED outside an action');
      return equals(ev(ir.e, env, cx), ev(ir.e, env, { s: cx.t, t: null, varNames: cx.varNames }));
    }
    case 'box':
    case 'angle': {
      if (cx.t === null) return evalError(ir, 'An action outside a step');
      const same = equals(ev(ir.v, env, cx), ev(ir.v, env, { s: cx.t, t: null, varNames: cx.varNames }));
      if (ir.k === 'box') return same || evBool(ir.a, env, cx);
      return !same && evBool(ir.a, env, cx);
    }
    case 'enabled':
      return enabledIn(ir.e, env, cx);
    case 'fair':
    case 'always':
    case 'eventually':
    case 'leadsTo':
      return evalError(ir, 'A temporal formula cannot be evaluated as an expression here');
    default:
      return evalError(ir, `Internal: unexpected ${ir.k}`);
  }
}



/**
 * `=` as TLC evaluates it: values of different kinds (an integer and a string, a set and a function) are
 * an error, not FALSE; a model value is only equal to itself and may be compared with anything.
 */
export function strictEquals(a: Value, b: Value, ir: IR): boolean {
  if (a === b) return true;
  const ta = typeof a;
  if (ta === typeof b) {
    if (ta !== 'object') return false; // distinct integers or booleans
    const ka = (a as { kind: string }).kind;
    if (ka === 'str' && (b as { kind: string }).kind === 'str') return false; // strings are interned
  }
  const ka = kindOf(a);
  const kb = kindOf(b);
  if (ka !== kb && ka !== 'model value' && kb !== 'model value') {
    return evalError(ir, `Attempted to check equality of ${ka} ${printValue(a)} with ${kb} ${printValue(b)}`);
  }
  return equals(a, b);
}

function kindOf(v: Value): string {
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'number') return 'integer';
  switch (v.kind) {
    case 'str':
      return 'string';
    case 'mv':
      return 'model value';
    case 'tup':
    case 'fn':
      return 'function';
    case 'set':
    case 'lazy':
      return 'set';
  }
}

/** Evaluates an argument: operators become closures; actions are passed by name. */
export function evArg(a: IR, env: Env, cx: Ctx): Arg {
  if (a.k === 'opRef') return closureOf(a.target, env, cx, a);
  return ev(a, env, cx);
}

function argVal(a: IR, env: Env, cx: Ctx): EnvVal {
  if (a.k === 'opRef') return closureOf(a.target, env, cx, a);
  // Call by name, as TLC substitutes arguments: a primed argument, and a bare variable (so that `q'` in
  // `Lose(q) == q' = Tail(q)` called as Lose(msgQ) means msgQ', and `q' = e` assigns it).
  if ((a.f & F_PRIMES) !== 0 || a.k === 'var') {
    const th: Thunk = { kind: 'thunk', ir: a, env, memo: false, has: false, val: false };
    return th;
  }
  return ev(a, env, cx);
}

export function bindArgs(def: Def, args: readonly IR[], env: Env, cx: Ctx): Env {
  let e2: Env = null;
  for (const a of args) e2 = push(e2, argVal(a, env, cx));
  return e2;
}

export function callDef(def: Def, args: readonly IR[], env: Env, cx: Ctx, ir: IR): Value {
  if (def.fnBounds !== null) return fnLiteral(def.fnBounds, def.body(), null, cx, ir);
  if (args.length === 0) return ev(def.body(), null, cx);
  return ev(def.body(), bindArgs(def, args, env, cx), cx);
}

export function closureOf(t: OpTarget, env: Env, cx: Ctx, ir: IR): OpClosure {
  switch (t.kind) {
    case 'local': {
      const v = lookup(env, t.d);
      if (typeof v === 'object' && v.kind === 'opc') return v;
      return evalError(ir, 'Not an operator');
    }
    case 'builtin':
      return { kind: 'opc', arity: t.op.arity, call: (args) => t.op.fn(args, ir.loc) };
    case 'def':
      return { kind: 'opc', arity: t.def.params.length, call: (args) => ev(t.def.body(), pushAll(null, args), cx), def: t.def, env: null };
    case 'lambda':
      return { kind: 'opc', arity: t.def.params.length, call: (args) => ev(t.def.body(), pushAll(env, args), cx), def: t.def, env };
  }
}

export function pushAll(env: Env, args: readonly Arg[]): Env {
  let e = env;
  for (const a of args) e = push(e, a);
  return e;
}

export function letEnv(defs: readonly Def[], env: Env, cx: Ctx): Env {
  let e = env;
  // A LET value may be kept only if nothing it can read changes while this environment lives: no primed
  // variable in its body, and no call-by-name (primed) argument in the environment it closes over.
  const stable = !hasPrimedThunk(env);
  for (const d of defs) {
    const at = e;
    // Every LET definition's body (and a function definition's domain) sees the definition's own slot, for
    // recursion: the slot's value closes over the cell that holds it.
    const cell: { v: EnvVal; up: Env } = { v: 0, up: at };
    if (d.params.length > 0) {
      cell.v = { kind: 'opc', arity: d.params.length, call: (args) => ev(d.body(), pushAll(cell, args), cx), def: d, env: cell };
      e = cell;
    } else if (d.fnBounds !== null) {
      // A LET function definition: its value is the whole function, computed on first use; its domain and body
      // see the slot itself (recursive applications are letFnApp, evaluated at their argument only).
      const body = d.body();
      const lit: IR = { k: 'fnLit', bounds: d.fnBounds, body, f: body.f, m: body.m, loc: d.loc };
      cell.v = { kind: 'thunk', ir: lit, env: cell, memo: stable && (body.f & F_PRIMES) === 0, has: false, val: false };
      e = cell;
    } else {
      const body = d.body();
      cell.v = { kind: 'thunk', ir: body, env: cell, memo: stable && (body.f & F_PRIMES) === 0, has: false, val: false };
      e = cell;
    }
  }
  return e;
}

function hasPrimedThunk(env: Env): boolean {
  for (let e = env; e !== null; e = e.up) {
    const v = e.v;
    // A by-name variable reads the current context like a variable written in place: it does not unsettle LET values.
    if (typeof v === 'object' && v.kind === 'thunk' && !v.memo && v.ir.k !== 'var') return true;
  }
  return false;
}






