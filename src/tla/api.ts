// The seam between the TLA+ front end (parse, values, eval: src/tla/parse, src/tla/values, src/tla/eval)
// and the back end (cfg, model checking, liveness, trace validation, CLI: src/tla/cfg, src/tla/check,
// src/tla/trace, src/tla/cli). The back end sees specs only through this interface, so either side can
// change its internals freely. Changing this file needs both sides to agree.
import type { Value } from './values/index.js';

export type { Value };

/** A source position as TLC prints it: 1-based lines and columns, end inclusive. */
export interface SourceLoc {
  readonly module: string;
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly endLine: number;
  readonly endCol: number;
}

/** Why a spec could not be handled. `unsupported` names a construct we refuse rather than answer wrongly. */
export type TlaErrorCode =
  | 'parse'
  | 'semantic'
  | 'unsupported'
  | 'eval'
  | 'overflow'
  | 'assert'
  | 'cfg'
  | 'trace'
  | 'io';

export class TlaError extends Error {
  constructor(
    readonly code: TlaErrorCode,
    message: string,
    readonly loc?: SourceLoc,
  ) {
    super(message);
    this.name = 'TlaError';
  }
}

/** A state: the values of the spec's variables, in the order of `LoadedSpec.variables`. */
export type State = readonly Value[];

/** How TLC names the action that produced a state: `<Name(a,b) line L, col C to line L2, col C2 of module M>`. */
export interface ActionLabel {
  readonly name: string;
  /** Values of `\E x \in S` bindings split out over constant sets, in binding order (printed `Name(1,2)`). */
  readonly args: readonly Value[];
  readonly loc: SourceLoc;
}

export interface Transition {
  readonly state: State;
  readonly action: ActionLabel;
}

/** An expression the back end can hand back to the front end: opaque, carries its own context. */
export interface ExprHandle {
  readonly loc: SourceLoc;
  /** Source text, for messages. */
  readonly text: string;
}

/** A constant's value as a `.cfg` file gives it (parsed by src/tla/cfg). */
export type CfgValue =
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'modelValue'; readonly name: string }
  | { readonly kind: 'set'; readonly elems: readonly CfgValue[] }
  | { readonly kind: 'tuple'; readonly elems: readonly CfgValue[] };

/** A CONSTANT line: `N = 3` (value) or `Op <- Other` (override by another definition). */
export type CfgConstant =
  | { readonly kind: 'value'; readonly value: CfgValue }
  | { readonly kind: 'override'; readonly definition: string };

/**
 * The structure of a temporal formula, with definitions (and INSTANCE substitutions) expanded until a
 * temporal operator is reached. Leaves are state predicates or actions the front end evaluates.
 */
export type TemporalFormula =
  | { readonly kind: 'state'; readonly expr: ExprHandle } // a state predicate (or constant)
  | { readonly kind: 'action'; readonly expr: ExprHandle } // an action (has primes), outside [] only in errors
  | { readonly kind: 'and'; readonly parts: readonly TemporalFormula[] }
  | { readonly kind: 'or'; readonly parts: readonly TemporalFormula[] }
  | { readonly kind: 'not'; readonly sub: TemporalFormula }
  | { readonly kind: 'implies'; readonly lhs: TemporalFormula; readonly rhs: TemporalFormula }
  | { readonly kind: 'always'; readonly sub: TemporalFormula }
  | { readonly kind: 'eventually'; readonly sub: TemporalFormula }
  | { readonly kind: 'leadsTo'; readonly lhs: TemporalFormula; readonly rhs: TemporalFormula }
  /** `[][A]_v`: every step is an A step or leaves v unchanged. */
  | { readonly kind: 'boxAction'; readonly action: ExprHandle; readonly vars: ExprHandle; readonly loc: SourceLoc }
  /** `<><<A>>_v`. */
  | { readonly kind: 'diamondAction'; readonly action: ExprHandle; readonly vars: ExprHandle; readonly loc: SourceLoc }
  | { readonly kind: 'weakFair'; readonly action: ExprHandle; readonly vars: ExprHandle }
  | { readonly kind: 'strongFair'; readonly action: ExprHandle; readonly vars: ExprHandle };

/** A parsed, semantically checked root module with its constants bound from a cfg. */
export interface LoadedSpec {
  readonly moduleName: string;
  readonly variables: readonly string[];
  /** A zero-arity definition of the root module (after cfg overrides), or undefined. */
  definition(name: string): ExprHandle | undefined;
  /** ASSUME clauses in order; the first false one is reported like TLC. */
  assumptions(): readonly { readonly expr: ExprHandle; readonly holds: boolean }[];
  /** Initial states in TLC's enumeration order (duplicates included: the checker dedups and counts). */
  initStates(init: ExprHandle): readonly State[];
  /** Successors in TLC's order: disjuncts left to right, `\E x \in S` ascending, duplicates included. */
  successors(next: ExprHandle, s: State): readonly Transition[];
  evalState(e: ExprHandle, s: State): Value;
  /**
   * The successor states of one action of the root module with its parameters bound: `name(args)` from s.
   * Undefined when the module has no operator `name` taking args.length parameters. Trace validation
   * checks a recorded step this way instead of enumerating every label of Next.
   */
  actionSuccessors(name: string, args: readonly Value[], s: State): readonly State[] | undefined;
  /** Evaluate an action with unprimed variables from s and primed from t. */
  evalStep(e: ExprHandle, s: State, t: State): Value;
  /** ENABLED e in s. */
  enabled(e: ExprHandle, s: State): boolean;
  temporal(e: ExprHandle): TemporalFormula;
  /** Parse and bind an expression written in the root module's scope (for trace validation, REPL). */
  expr(text: string): ExprHandle;
}

export interface ValueOps {
  /** Structural fingerprint; equal values have equal fingerprints. */
  fingerprint(v: Value): bigint;
  fingerprintState(s: State): bigint;
  equals(a: Value, b: Value): boolean;
  compare(a: Value, b: Value): number;
  /** TLC's rendering (`<<1, 2>>`, `[a |-> 1]`, `{1, 2}`, `"s"`, model values bare). */
  print(v: Value): string;
  /** Convert to/from TLC's `-dumpTrace json` / ITF shapes and plain JSON in traces. */
  toJson(v: Value): unknown;
  toItf(v: Value): unknown;
  fromJson(j: unknown): Value;
  /** Apply a permutation of model values (symmetry). */
  permute(v: Value, perm: ReadonlyMap<string, string>): Value;
  /** The same permutation compiled once, for applying it to many values (the checker's symmetry keys). */
  permuter(perm: ReadonlyMap<string, string>): (v: Value) => Value;
}
