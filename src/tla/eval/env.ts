// Runtime environments and evaluation contexts.
import type { Value } from '../values/index.js';
import type { IR, OpClosure } from './ir.js';

/** A LET definition or a call-by-name argument, evaluated in the context where it is used. */
export interface Thunk {
  readonly kind: 'thunk';
  readonly ir: IR;
  readonly env: Env;
  /** Whether the value may be kept (it reads no primed variable). */
  readonly memo: boolean;
  has: boolean;
  val: Value;
}

export type EnvVal = Value | OpClosure | Thunk;

/** Locals as a persistent list; the binder resolved each name to its distance `d` from the head. */
export interface EnvCell {
  readonly v: EnvVal;
  readonly up: Env;
}
export type Env = EnvCell | null;

export function push(env: Env, v: EnvVal): EnvCell {
  return { v, up: env };
}

/**
 * The states an expression is evaluated in: `s` for unprimed variables, `t` for primed ones.
 * Entries are undefined while the enumerator has not assigned them yet.
 */
export interface Ctx {
  readonly s: readonly (Value | undefined)[];
  readonly t: readonly (Value | undefined)[] | null;
  readonly varNames: readonly string[];
}
