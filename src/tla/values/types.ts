// The canonical, immutable value model of the TLA+ evaluator.
//
// Representation (chosen for speed in the model checker's hot loop):
// - BOOLEAN values are JS booleans, integers are JS numbers (always 32-bit ints: TLC's range).
// - Strings and model values are interned objects (one object per name), so equality is identity.
// - Functions with domain 1..n (n >= 0: tuples, sequences, the empty function) are ALWAYS `tup`;
//   every other function (records included: a record is a function with a string domain) is `fn`
//   with its domain in canonical order. One value, one representation: structural equality works.
// - Finite sets are `set` with elements in canonical order, without duplicates.
// - `lazy` sets (Nat, Int, STRING, SUBSET S, [S -> T], S \X T, big intervals, ...) are enumerated only
//   when needed; membership is decided without enumerating.
import type { SourceLoc } from '../api.js';

export type Value = boolean | number | StrValue | ModelValue | TupleValue | FcnValue | SetValue | LazySet;

export interface StrValue {
  readonly kind: 'str';
  readonly s: string;
  /**
   * Interning rank: TLC orders strings by the order they were first met (UniqueString tok). Mutable only
   * so that a new loadSpec (a new interning epoch, see core.ts) can re-rank it.
   */
  id: number;
}

export interface ModelValue {
  readonly kind: 'mv';
  readonly name: string;
  /** Interning rank, like StrValue.id. */
  id: number;
}

/** Hash caches are the only mutable fields; they never change a value's meaning. */
interface HashCache {
  h1: number;
  h2: number;
  hashed: boolean;
}

export interface TupleValue extends HashCache {
  readonly kind: 'tup';
  readonly elems: readonly Value[];
}

export interface FcnValue extends HashCache {
  readonly kind: 'fn';
  /** Canonical order, no duplicates, never exactly 1..n (that is a tuple). */
  readonly dom: readonly Value[];
  readonly rng: readonly Value[];
}

export interface SetValue extends HashCache {
  readonly kind: 'set';
  readonly elems: readonly Value[];
}

export type LazySetSpec =
  | { readonly tag: 'nat' }
  | { readonly tag: 'int' }
  | { readonly tag: 'string' }
  | { readonly tag: 'interval'; readonly lo: number; readonly hi: number }
  | { readonly tag: 'subset'; readonly base: Value }
  | { readonly tag: 'fnset'; readonly dom: Value; readonly rng: Value }
  | { readonly tag: 'product'; readonly sets: readonly Value[] }
  | { readonly tag: 'recset'; readonly names: readonly StrValue[]; readonly sets: readonly Value[] }
  | { readonly tag: 'seq'; readonly base: Value }
  /** `A \cup B` where one side is infinite: membership in either. */
  | { readonly tag: 'cup'; readonly sets: readonly Value[] }
  /** A set given by a membership predicate over a base set (`{x \in Nat : P}`), from the evaluator. */
  | {
      readonly tag: 'filter';
      readonly base: Value;
      readonly pred: (v: Value) => boolean;
      readonly text: string;
    };

export interface LazySet {
  readonly kind: 'lazy';
  readonly spec: LazySetSpec;
  /** Memoised enumeration. */
  forced?: SetValue;
}

export type { SourceLoc };
