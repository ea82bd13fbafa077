// The typed AST of a TLA+ module, produced from the tree-sitter CST by cst-to-ast.ts.
// Names are still unresolved here: the binder (src/tla/eval/bind*.ts) resolves them per instantiation.
import type { SourceLoc } from '../api.js';

export type Loc = SourceLoc;

/** `x \in S`, `x, y \in S` (each over S) or `<<a, b>> \in S` (tuple pattern). */
export interface Bound {
  readonly names: readonly string[];
  readonly tuple: boolean;
  readonly set: Expr | null;
}

export interface ExceptUpdate {
  readonly path: readonly ({ readonly kind: 'field'; readonly name: string } | { readonly kind: 'index'; readonly args: readonly Expr[] })[];
  readonly value: Expr;
}

/** An argument of an operator application: an expression, or an operator (name, symbol or LAMBDA). */
export type Expr =
  | { readonly kind: 'num'; readonly value: number; readonly loc: Loc }
  | { readonly kind: 'str'; readonly value: string; readonly loc: Loc }
  | { readonly kind: 'bool'; readonly value: boolean; readonly loc: Loc }
  | { readonly kind: 'ref'; readonly name: string; readonly args: readonly Expr[] | null; readonly loc: Loc }
  | {
      readonly kind: 'prefixed';
      readonly path: readonly { readonly name: string; readonly args: readonly Expr[] }[];
      readonly name: string;
      readonly args: readonly Expr[] | null;
      readonly loc: Loc;
    }
  /** A subexpression name: `Inv!2`, `Def!2!1`, `Thm!:`, `I!Inv!3` (path: instances, then the definition). */
  | {
      readonly kind: 'subexpr';
      readonly path: readonly { readonly name: string; readonly args: readonly Expr[] }[];
      readonly nav: readonly (number | ':')[];
      readonly loc: Loc;
    }
  | { readonly kind: 'infix'; readonly op: string; readonly lhs: Expr; readonly rhs: Expr; readonly loc: Loc }
  | { readonly kind: 'prefix'; readonly op: string; readonly arg: Expr; readonly loc: Loc }
  | { readonly kind: 'postfix'; readonly op: string; readonly arg: Expr; readonly loc: Loc }
  | { readonly kind: 'and' | 'or'; readonly parts: readonly Expr[]; readonly loc: Loc }
  | { readonly kind: 'if'; readonly cond: Expr; readonly then: Expr; readonly else: Expr; readonly loc: Loc }
  | {
      readonly kind: 'case';
      readonly arms: readonly { readonly guard: Expr; readonly body: Expr }[];
      readonly other: Expr | null;
      readonly loc: Loc;
    }
  | { readonly kind: 'let'; readonly defs: readonly Unit[]; readonly body: Expr; readonly loc: Loc }
  | { readonly kind: 'quant'; readonly q: 'forall' | 'exists'; readonly bounds: readonly Bound[]; readonly body: Expr; readonly loc: Loc }
  | { readonly kind: 'choose'; readonly bound: Bound; readonly body: Expr; readonly loc: Loc }
  | { readonly kind: 'setEnum'; readonly elems: readonly Expr[]; readonly loc: Loc }
  | { readonly kind: 'setFilter'; readonly bound: Bound; readonly pred: Expr; readonly loc: Loc }
  | { readonly kind: 'setMap'; readonly body: Expr; readonly bounds: readonly Bound[]; readonly loc: Loc }
  | { readonly kind: 'fnLit'; readonly bounds: readonly Bound[]; readonly body: Expr; readonly loc: Loc }
  | { readonly kind: 'fnApp'; readonly fn: Expr; readonly args: readonly Expr[]; readonly loc: Loc }
  | { readonly kind: 'tuple'; readonly elems: readonly Expr[]; readonly loc: Loc }
  | { readonly kind: 'recLit'; readonly fields: readonly (readonly [string, Expr])[]; readonly loc: Loc }
  | { readonly kind: 'recSel'; readonly rec: Expr; readonly field: string; readonly loc: Loc }
  | { readonly kind: 'setOfRecs'; readonly fields: readonly (readonly [string, Expr])[]; readonly loc: Loc }
  /** `A \X B \X C` (n-ary unless parenthesised). */
  | { readonly kind: 'product'; readonly sets: readonly Expr[]; readonly loc: Loc }
  | { readonly kind: 'setOfFns'; readonly dom: Expr; readonly rng: Expr; readonly loc: Loc }
  | { readonly kind: 'except'; readonly fn: Expr; readonly updates: readonly ExceptUpdate[]; readonly loc: Loc }
  | { readonly kind: 'at'; readonly loc: Loc }
  | { readonly kind: 'box' | 'angle'; readonly action: Expr; readonly vars: Expr; readonly loc: Loc }
  | { readonly kind: 'fair'; readonly strong: boolean; readonly vars: Expr; readonly action: Expr; readonly loc: Loc }
  | { readonly kind: 'lambda'; readonly params: readonly string[]; readonly body: Expr; readonly loc: Loc }
  | { readonly kind: 'opSym'; readonly op: string; readonly loc: Loc }
  | { readonly kind: 'setSym'; readonly which: 'Nat' | 'Int' | 'Real' | 'BOOLEAN' | 'STRING'; readonly loc: Loc }
  | { readonly kind: 'unsupported'; readonly what: string; readonly loc: Loc };

export interface Param {
  readonly name: string;
  /** 0 for an ordinary parameter, n for `Op(_, _)` style operator parameters. */
  readonly arity: number;
}

export type Unit =
  | {
      readonly kind: 'opDef';
      readonly name: string;
      readonly params: readonly Param[];
      readonly body: Expr;
      readonly local: boolean;
      readonly loc: Loc;
    }
  | { readonly kind: 'fnDef'; readonly name: string; readonly bounds: readonly Bound[]; readonly body: Expr; readonly local: boolean; readonly loc: Loc }
  | {
      readonly kind: 'instance';
      /** Set for `N == INSTANCE M ...`. */
      readonly name: string | null;
      readonly params: readonly Param[];
      readonly module: string;
      readonly subst: readonly (readonly [string, Expr])[];
      readonly local: boolean;
      readonly loc: Loc;
    }
  | { readonly kind: 'constants'; readonly decls: readonly Param[]; readonly loc: Loc }
  | { readonly kind: 'variables'; readonly names: readonly string[]; readonly loc: Loc }
  | { readonly kind: 'assume'; readonly expr: Expr; readonly loc: Loc }
  | { readonly kind: 'module'; readonly module: Module };

export interface Module {
  readonly name: string;
  readonly file: string;
  readonly extends: readonly string[];
  readonly units: readonly Unit[];
  readonly loc: Loc;
}
