// The bound intermediate representation the evaluator runs: names resolved to state-variable indices,
// de Bruijn indices of locals (`d` = distance up the environment list), definitions or builtins.
// Every node carries `f` (flags) and `m` (lowest absolute local level it reads, Infinity if none), so the
// binder can find constant subexpressions and cache them.
import type { Expr, Loc, Param } from '../parse/ast.js';
import type { Value, StrValue } from '../values/index.js';

export const F_VARS = 1; // reads unprimed state variables
export const F_PRIMES = 2; // reads primed variables (an action)
export const F_IMPURE = 4; // side effects or context (Print, TLCGet, ENABLED): never cached
export const F_TEMPORAL = 8;

export interface BoundIR {
  readonly n: number; // number of names it binds
  readonly tuple: boolean;
  readonly set: IR | null;
}

export type ExceptPath = readonly ({ readonly field: StrValue } | { readonly idx: readonly IR[] })[];

/** Arguments of operator calls: expressions, or operators passed as arguments. */
export type IR = { f: number; m: number; readonly loc: Loc } & IRNode;

export type IRNode =
  | { readonly k: 'lit'; readonly v: Value }
  | { readonly k: 'var'; readonly i: number; readonly name: string }
  | { readonly k: 'pvar'; readonly i: number; readonly name: string }
  | { readonly k: 'prime'; readonly e: IR }
  | { readonly k: 'loc'; readonly d: number; readonly name: string }
  | { readonly k: 'call'; readonly def: Def; readonly args: readonly IR[] }
  | { readonly k: 'callLocal'; readonly d: number; readonly name: string; readonly args: readonly IR[] }
  | { readonly k: 'bi'; readonly op: Builtin; readonly args: readonly IR[] }
  | { readonly k: 'opRef'; readonly target: OpTarget } // an operator passed as an argument
  | { readonly k: 'and' | 'or'; readonly parts: readonly IR[] }
  | { readonly k: 'not'; readonly e: IR }
  | { readonly k: 'implies' | 'equiv' | 'eq' | 'neq' | 'in' | 'notin'; readonly a: IR; readonly b: IR }
  | { readonly k: 'if'; readonly c: IR; readonly t: IR; readonly e: IR }
  | { readonly k: 'case'; readonly arms: readonly { readonly g: IR; readonly b: IR }[]; readonly other: IR | null }
  | { readonly k: 'let'; readonly defs: readonly Def[]; readonly body: IR }
  | { readonly k: 'quant'; readonly q: 'forall' | 'exists'; readonly bounds: readonly BoundIR[]; readonly body: IR }
  | { readonly k: 'choose'; readonly bound: BoundIR; readonly body: IR }
  | { readonly k: 'setEnum'; readonly elems: readonly IR[] }
  | { readonly k: 'setFilter'; readonly bound: BoundIR; readonly pred: IR; readonly text: string }
  | { readonly k: 'setMap'; readonly bounds: readonly BoundIR[]; readonly body: IR }
  | { readonly k: 'fnLit'; readonly bounds: readonly BoundIR[]; readonly body: IR }
  | { readonly k: 'fnApp'; readonly fn: IR; readonly args: readonly IR[] }
  | { readonly k: 'fnDefApp'; readonly def: Def; readonly args: readonly IR[] }
  /** `P(a)!Op` for a parameterised INSTANCE P: Op bound in the instance for the values of the arguments. */
  | { readonly k: 'pinstRef'; readonly args: readonly IR[]; readonly resolve: (vals: readonly Value[]) => IR }
  /** `f[e]` for a LET function definition f in local slot d (recursion: applied at e, never built whole). */
  | { readonly k: 'letFnApp'; readonly d: number; readonly box: { def?: Def }; readonly args: readonly IR[] }
  | { readonly k: 'tuple'; readonly elems: readonly IR[] }
  /** Fields sorted by interning order (the canonical order of a record's domain). */
  | { readonly k: 'recLit' | 'setOfRecs'; readonly names: readonly StrValue[]; readonly vals: readonly IR[] }
  | { readonly k: 'recSel'; readonly rec: IR; readonly field: StrValue }
  | { readonly k: 'setOfFns'; readonly dom: IR; readonly rng: IR }
  | { readonly k: 'except'; readonly fn: IR; readonly updates: readonly { readonly path: ExceptPath; readonly val: IR }[] }
  | { readonly k: 'unchanged'; readonly e: IR }
  | { readonly k: 'enabled'; readonly e: IR }
  | { readonly k: 'box' | 'angle'; readonly a: IR; readonly v: IR }
  | { readonly k: 'fair'; readonly strong: boolean; readonly v: IR; readonly a: IR }
  | { readonly k: 'always' | 'eventually'; readonly e: IR }
  | { readonly k: 'leadsTo'; readonly a: IR; readonly b: IR }
  | { readonly k: 'cached'; readonly e: IR; has: boolean; v: Value };

export type OpTarget =
  | { readonly kind: 'def'; readonly def: Def }
  | { readonly kind: 'local'; readonly d: number }
  | { readonly kind: 'builtin'; readonly op: Builtin }
  | { readonly kind: 'lambda'; readonly def: Def };

/** A user definition (operator, function definition `f[x \in S] == e`, LET or LAMBDA operator). */
export interface Def {
  readonly name: string;
  readonly params: readonly Param[];
  readonly loc: Loc;
  /** The definition's body span (TLC's action locations). */
  readonly bodyLoc: Loc;
  /** For `f[x \in S] == e`: the bounds (the body then binds their names). */
  readonly fnBounds: readonly BoundIR[] | null;
  /** True for definitions of an INSTANCE of a module with parameters (SANY's SubstInNode body). */
  readonly substituted?: () => boolean;
  /** Bound lazily: the body may refer to definitions that come later (RECURSIVE). */
  body(): IR;
  /** A module-level definition's body as parsed, and a binder in its scope: for subexpression names (`Def!2`). */
  readonly ast?: Expr;
  bindSub?(e: Expr): IR;
  /** Flags of the body, computed when bound (conservative while a recursive binding is in progress). */
  flags(): number;
  /** Zero-arity constant definitions cache their value. */
  cache?: { v: Value };
}

/** A stdlib operator implemented natively. Arguments are values, or OpClosures for operator arguments. */
export interface Builtin {
  readonly name: string;
  /** -1: any arity. */
  readonly arity: number;
  readonly impure?: boolean;
  /** Indices of arguments that are operators (passed as closures). */
  readonly opArgs?: readonly number[];
  readonly fn: (args: readonly Arg[], loc: Loc) => Value;
}

/** An operator value: a definition (LET, LAMBDA, user op) with the environment it was created in. */
export interface OpClosure {
  readonly kind: 'opc';
  readonly arity: number;
  readonly call: (args: readonly Arg[]) => Value;
  /** For user operators: the definition and its environment, so the action enumerator can expand it. */
  readonly def?: Def;
  readonly env?: unknown;
}

export type Arg = Value | OpClosure;
