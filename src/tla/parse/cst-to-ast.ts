// Tree-sitter CST -> typed AST (ast.ts). Locations are TLC's: 1-based, end column inclusive.
import type { Node } from 'web-tree-sitter';
import { TlaError } from '../api.js';
import type { Bound, Expr, ExceptUpdate, Loc, Module, Param, Unit } from './ast.js';
import { convertUnit } from './units.js';
import { checkInfixPrecedence } from './precedence.js';

export class Converter {
  constructor(
    readonly file: string,
    public modName: string,
  ) {}

  loc(n: Node): Loc {
    const end = lastToken(n).endPosition;
    return {
      module: this.modName,
      file: this.file,
      line: n.startPosition.row + 1,
      col: n.startPosition.column + 1,
      endLine: end.row + 1,
      endCol: end.column,
    };
  }

  fail(n: Node, what: string): never {
    const l = this.loc(n);
    throw new TlaError('unsupported', `${what} is not supported (line ${l.line}, col ${l.col} of module ${l.module})`, l);
  }

  convertModule(n: Node): Module {
    const name = field(n, 'name').text;
    const saved = this.modName;
    this.modName = name;
    const units: Unit[] = [];
    let ext: string[] = [];
    for (const c of kids(n)) {
      if (c.type === 'extends') ext = kids(c).map((x) => x.text);
      else {
        const u = convertUnit(this, c);
        if (u !== null) units.push(...u);
      }
    }
    const m: Module = { name, file: this.file, extends: ext, units, loc: this.loc(n) };
    this.modName = saved;
    return m;
  }

  bound(n: Node): Bound {
    const intro = fieldAll(n, 'intro');
    const set = n.childForFieldName('set');
    if (intro.length === 1 && intro[0].type === 'tuple_of_identifiers') {
      return { names: kids(intro[0]).filter((x) => x.type === 'identifier').map((x) => x.text), tuple: true, set: set && this.expr(set) };
    }
    return { names: intro.map((x) => x.text), tuple: false, set: set && this.expr(set) };
  }

  params(n: Node): Param[] {
    return fieldAll(n, 'parameter').map((p) =>
      p.type === 'operator_declaration'
        ? { name: opName(field(p, 'name')), arity: fieldAll(p, 'parameter').length }
        : { name: p.text, arity: 0 },
    );
  }

  exprs(ns: readonly Node[]): Expr[] {
    return ns.map((x) => this.expr(x));
  }

  expr(n: Node): Expr {
    const loc = this.loc(n);
    switch (n.type) {
      case 'parentheses':
        return this.expr(kids(n)[0]);
      case 'nat_number':
        return { kind: 'num', value: Number(n.text), loc };
      case 'binary_number':
      case 'octal_number':
      case 'hex_number': {
        const digits = kids(n).find((k) => k.type === 'value')?.text ?? '';
        const radix = n.type === 'binary_number' ? 2 : n.type === 'octal_number' ? 8 : 16;
        return { kind: 'num', value: parseInt(digits, radix), loc };
      }
      case 'string':
        return { kind: 'str', value: unescape(n.text), loc };
      case 'boolean':
        return { kind: 'bool', value: n.text === 'TRUE', loc };
      case 'nat_number_set':
        return { kind: 'setSym', which: 'Nat', loc };
      case 'int_number_set':
        return { kind: 'setSym', which: 'Int', loc };
      case 'real_number_set':
        return { kind: 'setSym', which: 'Real', loc };
      case 'boolean_set':
        return { kind: 'setSym', which: 'BOOLEAN', loc };
      case 'string_set':
        return { kind: 'setSym', which: 'STRING', loc };
      case 'identifier_ref':
        return { kind: 'ref', name: n.text, args: null, loc };
      case 'bound_op':
        return { kind: 'ref', name: field(n, 'name').text, args: this.args(fieldAll(n, 'parameter')), loc };
      case 'infix_op_symbol':
      case 'prefix_op_symbol':
      case 'postfix_op_symbol':
        return { kind: 'opSym', op: opName(n), loc };
      case 'bound_infix_op': {
        const op = field(n, 'symbol').type;
        if (op === 'times') return { kind: 'product', sets: this.product(n), loc };
        const lhs = field(n, 'lhs');
        const rhs = field(n, 'rhs');
        checkInfixPrecedence(n, op, lhs, rhs, () => `line ${loc.line}, col ${loc.col} of module ${loc.module}`);
        return { kind: 'infix', op, lhs: this.expr(lhs), rhs: this.expr(rhs), loc };
      }
      case 'bound_prefix_op':
        return { kind: 'prefix', op: field(n, 'symbol').type, arg: this.expr(field(n, 'rhs')), loc };
      case 'bound_postfix_op':
        return { kind: 'postfix', op: field(n, 'symbol').type, arg: this.expr(field(n, 'lhs')), loc };
      case 'conj_list':
      case 'disj_list':
        return { kind: n.type === 'conj_list' ? 'and' : 'or', parts: kids(n).map((i) => this.expr(kids(i)[1])), loc };
      case 'if_then_else':
        return { kind: 'if', cond: this.expr(field(n, 'if')), then: this.expr(field(n, 'then')), else: this.expr(field(n, 'else')), loc };
      case 'case':
        return this.caseExpr(n, loc);
      case 'let_in': {
        const defs = fieldAll(n, 'definitions').flatMap((d) => convertUnit(this, d) ?? []);
        return { kind: 'let', defs, body: this.expr(field(n, 'expression')), loc };
      }
      case 'bounded_quantification':
      case 'unbounded_quantification':
        return this.quant(n, loc);
      case 'choose': {
        const intro = field(n, 'intro');
        const set = n.childForFieldName('set');
        const names = intro.type === 'tuple_of_identifiers' ? kids(intro).filter((x) => x.type === 'identifier').map((x) => x.text) : [intro.text];
        const bound: Bound = { names, tuple: intro.type === 'tuple_of_identifiers', set: set && this.expr(set) };
        return { kind: 'choose', bound, body: this.expr(field(n, 'expression')), loc };
      }
      default:
        return this.compound(n, loc);
    }
  }

  /** Sets, functions, records, tuples, EXCEPT, actions and the other bracketed forms. */
  private compound(n: Node, loc: Loc): Expr {
    switch (n.type) {
      case 'finite_set_literal':
        return { kind: 'setEnum', elems: this.exprs(kids(n)), loc };
      case 'set_filter':
        return { kind: 'setFilter', bound: this.bound(field(n, 'generator')), pred: this.expr(field(n, 'filter')), loc };
      case 'set_map':
        return { kind: 'setMap', body: this.expr(field(n, 'map')), bounds: fieldAll(n, 'generator').map((g) => this.bound(g)), loc };
      case 'function_literal': {
        const ks = kids(n);
        const bounds = ks.filter((k) => k.type === 'quantifier_bound').map((b) => this.bound(b));
        return { kind: 'fnLit', bounds, body: this.expr(ks[ks.length - 1]), loc };
      }
      case 'function_evaluation': {
        const ks = kids(n);
        return { kind: 'fnApp', fn: this.expr(ks[0]), args: this.exprs(ks.slice(1)), loc };
      }
      case 'tuple_literal':
        return { kind: 'tuple', elems: this.exprs(kids(n).filter((k) => k.type !== 'langle_bracket' && k.type !== 'rangle_bracket')), loc };
      case 'record_literal':
      case 'set_of_records':
        return { kind: n.type === 'record_literal' ? 'recLit' : 'setOfRecs', fields: this.fields(n), loc };
      case 'record_value': {
        const ks = kids(n);
        return { kind: 'recSel', rec: this.expr(ks[0]), field: ks[1].text, loc };
      }
      case 'set_of_functions': {
        const ks = kids(n).filter((k) => k.type !== 'maps_to');
        return { kind: 'setOfFns', dom: this.expr(ks[0]), rng: this.expr(ks[1]), loc };
      }
      case 'except':
        return { kind: 'except', fn: this.expr(field(n, 'expr_to_update')), updates: kids(n).filter((k) => k.type === 'except_update').map((u) => this.update(u)), loc };
      case 'prev_func_val':
        return { kind: 'at', loc };
      case 'step_expr_or_stutter': {
        const ks = kids(n);
        return { kind: 'box', action: this.expr(ks[0]), vars: this.expr(ks[1]), loc };
      }
      case 'step_expr_no_stutter': {
        const ks = kids(n).filter((k) => k.type !== 'langle_bracket' && k.type !== 'rangle_bracket_sub');
        return { kind: 'angle', action: this.expr(ks[0]), vars: this.expr(ks[1]), loc };
      }
      case 'fairness': {
        const ks = kids(n);
        return { kind: 'fair', strong: n.text.startsWith('SF_'), vars: this.expr(ks[0]), action: this.expr(ks[1]), loc };
      }
      case 'lambda': {
        const ks = kids(n);
        return { kind: 'lambda', params: ks.slice(0, -1).map((k) => k.text), body: this.expr(ks[ks.length - 1]), loc };
      }
      case 'label':
        return this.expr(field(n, 'expression'));
      case 'prefixed_op':
        return this.prefixed(n, loc);
      case 'subexpression':
        return this.subexpr(n, loc);
      default:
        return this.fail(n, `The construct ${n.type}`);
    }
  }

  /** The factors of `A \X B \X C`: a parenthesised factor stays one factor. */
  private product(n: Node): Expr[] {
    const lhs = field(n, 'lhs');
    const left = lhs.type === 'bound_infix_op' && field(lhs, 'symbol').type === 'times' ? this.product(lhs) : [this.expr(lhs)];
    return [...left, this.expr(field(n, 'rhs'))];
  }

  private args(ns: readonly Node[]): Expr[] {
    return ns.map((x) => this.expr(x));
  }

  private fields(n: Node): (readonly [string, Expr])[] {
    const ks = kids(n).filter((k) => k.type !== 'all_map_to' && k.type !== 'colon');
    const out: (readonly [string, Expr])[] = [];
    for (let i = 0; i + 1 < ks.length; i += 2) out.push([ks[i].text, this.expr(ks[i + 1])]);
    return out;
  }

  private update(u: Node): ExceptUpdate {
    const ks = kids(u);
    const spec = ks.find((k) => k.type === 'except_update_specifier');
    if (spec === undefined) return this.fail(u, 'This EXCEPT update');
    const path = kids(spec).map((p) =>
      p.type === 'except_update_record_field'
        ? ({ kind: 'field', name: kids(p)[0].text } as const)
        : ({ kind: 'index', args: this.exprs(kids(p)) } as const),
    );
    return { path, value: this.expr(ks[ks.length - 1]) };
  }

  private caseExpr(n: Node, loc: Loc): Expr {
    const arms: { guard: Expr; body: Expr }[] = [];
    let other: Expr | null = null;
    for (const k of kids(n)) {
      const ks = kids(k).filter((x) => x.type !== 'case_arrow');
      if (k.type === 'case_arm') arms.push({ guard: this.expr(ks[0]), body: this.expr(ks[1]) });
      else if (k.type === 'other_arm') other = this.expr(ks[0]);
    }
    return { kind: 'case', arms, other, loc };
  }

  private quant(n: Node, loc: Loc): Expr {
    const q = field(n, 'quantifier').type;
    if (q !== 'forall' && q !== 'exists') this.fail(n, 'Temporal quantification (\\EE, \\AA)');
    const body = this.expr(field(n, 'expression'));
    if (n.type === 'unbounded_quantification') {
      const names = fieldAll(n, 'intro').map((x) => x.text);
      return { kind: 'quant', q, bounds: [{ names, tuple: false, set: null }], body, loc };
    }
    return { kind: 'quant', q, bounds: fieldAll(n, 'bound').map((b) => this.bound(b)), body, loc };
  }

  private subexpr(n: Node, loc: Loc): Expr {
    const path: { name: string; args: Expr[] }[] = [];
    const nav: (number | ':')[] = [];
    const walk = (x: Node): void => {
      for (const c of kids(x)) {
        if (c.type === 'subexpr_prefix') walk(c);
        else if (c.type === 'subexpr_component') {
          const k = kids(c)[0];
          if (nav.length > 0 || k === undefined) this.fail(n, 'This subexpression reference');
          if (k.type === 'identifier_ref') path.push({ name: k.text, args: [] });
          else if (k.type === 'bound_op') path.push({ name: field(k, 'name').text, args: this.args(fieldAll(k, 'parameter')) });
          else this.fail(n, 'This subexpression reference');
        } else if (c.type === 'subexpr_tree_nav') {
          const k = kids(c)[0];
          if (k?.type === 'child_id') nav.push(Number(k.text));
          else if (k?.type === 'colon') nav.push(':');
          else this.fail(n, 'This subexpression reference');
        } else this.fail(n, 'This subexpression reference');
      }
    };
    walk(n);
    if (path.length === 0) this.fail(n, 'This subexpression reference');
    return { kind: 'subexpr', path, nav, loc };
  }

  private prefixed(n: Node, loc: Loc): Expr {
    const path: { name: string; args: Expr[] }[] = [];
    for (const comp of kids(field(n, 'prefix'))) {
      const c = kids(comp)[0];
      if (comp.type !== 'subexpr_component' || c === undefined) this.fail(n, 'This subexpression reference');
      if (c.type === 'identifier_ref') path.push({ name: c.text, args: [] });
      else if (c.type === 'bound_op') path.push({ name: field(c, 'name').text, args: this.args(fieldAll(c, 'parameter')) });
      else this.fail(n, 'This subexpression reference');
    }
    const op = field(n, 'op');
    if (op.type === 'identifier_ref') return { kind: 'prefixed', path, name: op.text, args: null, loc };
    if (op.type === 'bound_op') return { kind: 'prefixed', path, name: field(op, 'name').text, args: this.args(fieldAll(op, 'parameter')), loc };
    return this.fail(n, 'This instance operator reference');
  }
}

/** Named children without comments. */
export function kids(n: Node): Node[] {
  return n.children.filter((c): c is Node => c !== null && c.isNamed && c.type !== 'comment' && c.type !== 'block_comment');
}

/** The last real token of n: some nodes (bulleted lists) extend over trailing whitespace. */
function lastToken(n: Node): Node {
  let cur = n;
  for (;;) {
    let next: Node | null = null;
    for (let i = cur.childCount - 1; i >= 0; i--) {
      const c = cur.child(i);
      if (c === null || c.type === 'comment' || c.type === 'block_comment') continue;
      if (c.startIndex === c.endIndex) continue;
      next = c;
      break;
    }
    if (next === null) return cur;
    cur = next;
  }
}

export function field(n: Node, name: string): Node {
  const c = n.childForFieldName(name);
  if (c === null) throw new TlaError('parse', `Missing ${name} in ${n.type} at line ${n.startPosition.row + 1}`);
  return c;
}

/** The name of an operator symbol node: its symbol's node type (e.g. `plus`), or the identifier. */
export function opName(n: Node): string {
  if (n.type === 'identifier' || n.type === 'identifier_ref') return n.text;
  const k = kids(n)[0];
  return k === undefined ? n.type : k.type;
}

/** The value of a TLA+ string literal (quotes included): backslash escapes for quote, backslash, n, t, r, f. */
export function unescape(s: string): string {
  return s.slice(1, -1).replace(/\\(.)/g, (_m, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c === 'r' ? '\r' : c === 'f' ? '\f' : c));
}

/** All children in a field (tree-sitter also lists the anonymous punctuation between them: dropped). */
export function fieldAll(n: Node, name: string): Node[] {
  return n.childrenForFieldName(name).filter((c) => c.isNamed && c.type !== 'comment' && c.type !== 'block_comment');
}
