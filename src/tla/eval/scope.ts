// Module scopes: what each name means inside a module (after EXTENDS, INSTANCE and the cfg).
import type { Builtin, Def, IR } from './ir.js';
import type { Value } from '../values/index.js';
import type { Unit } from '../parse/ast.js';

export type Entity =
  | { readonly kind: 'def'; readonly def: Def }
  | { readonly kind: 'var'; readonly i: number; readonly name: string }
  /** A declared CONSTANT; `value` is undefined until the cfg gives one. */
  | { readonly kind: 'const'; readonly name: string; readonly value: Value | undefined; readonly arity: number }
  /** A constant or variable replaced by an INSTANCE substitution: a closed expression of the instancer. */
  | { readonly kind: 'ir'; readonly ir: IR }
  | { readonly kind: 'builtin'; readonly op: Builtin }
  /**
   * A module instance. `P(x) == INSTANCE M` (parameterised) also has `make`: the instance for given parameter
   * values (built on first use per values); `scope` is then empty.
   */
  | { readonly kind: 'inst'; readonly scope: ModScope; readonly params?: { readonly names: readonly string[]; make(vals: readonly Value[]): ModScope } };

export interface ModScope {
  readonly name: string;
  readonly entities: Map<string, Entity>;
  /** Builds `N == INSTANCE M ...` met inside a LET of this module (set by the ScopeBuilder). */
  readonly instantiate?: (u: Extract<Unit, { kind: 'instance' }>) => ModScope;
}
