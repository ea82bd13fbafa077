// Helpers shared by the native standard modules.
import { TlaError } from '../api.js';
import type { Loc } from '../parse/ast.js';
import { type Value, type SetValue, type LazySet, type TupleValue, type FcnValue, printValue, isSetValue, isFcnValue } from '../values/index.js';
import type { Arg, Builtin, OpClosure } from '../eval/ir.js';

export function fail(loc: Loc, msg: string, code: 'eval' | 'unsupported' | 'assert' = 'eval'): never {
  throw new TlaError(code, `${msg}\nline ${loc.line}, col ${loc.col} to line ${loc.endLine}, col ${loc.endCol} of module ${loc.module}`, loc);
}

export function val(a: Arg, loc: Loc): Value {
  if (typeof a === 'object' && a.kind === 'opc') return fail(loc, 'An operator was passed where a value was expected');
  return a;
}

export function num(a: Arg, loc: Loc, what: string): number {
  if (typeof a !== 'number') return fail(loc, `The ${what} should be an integer, but instead it is ${printValue(val(a, loc))}`);
  return a;
}

export function bool(a: Arg, loc: Loc, what: string): boolean {
  if (typeof a !== 'boolean') return fail(loc, `The ${what} should be a boolean, but instead it is ${printValue(val(a, loc))}`);
  return a;
}

export function set(a: Arg, loc: Loc, what: string): SetValue | LazySet {
  const v = val(a, loc);
  if (!isSetValue(v)) return fail(loc, `The ${what} should be a set, but instead it is ${printValue(v)}`);
  return v;
}

export function fn(a: Arg, loc: Loc, what: string): TupleValue | FcnValue {
  const v = val(a, loc);
  if (!isFcnValue(v)) return fail(loc, `The ${what} should be a function, but instead it is ${printValue(v)}`);
  return v;
}

export function seq(a: Arg, loc: Loc, what: string): TupleValue {
  const v = val(a, loc);
  if (typeof v !== 'object' || v.kind !== 'tup') return fail(loc, `The ${what} should be a sequence, but instead it is ${printValue(v)}`);
  return v;
}

export function op(a: Arg, loc: Loc, what: string): OpClosure {
  if (typeof a !== 'object' || a.kind !== 'opc') return fail(loc, `The ${what} should be an operator`);
  return a;
}

export function builtin(name: string, arity: number, f: Builtin['fn'], extra: Partial<Builtin> = {}): [string, Builtin] {
  return [name, { name, arity, fn: f, ...extra }];
}

/** The 32-bit range check of TLC's integer arithmetic. */
export function checked(n: number, loc: Loc, what: string): number {
  if (n > 2147483647 || n < -2147483648) throw new TlaError('overflow', `Overflow in ${what}: the result ${n} is not a 32-bit integer (TLC's range).\nline ${loc.line}, col ${loc.col} of module ${loc.module}`, loc);
  return n;
}
