// The binder: AST expressions -> IR, resolving names in a module scope plus a stack of locals.
// It also marks constant subexpressions (no variables, no outer locals, no side effects) for caching.
import { TlaError } from '../api.js';
import type { Bound, Expr, Loc, Param } from '../parse/ast.js';
import { type Value, str, lazy, int, EMPTY_SET, setOf, printValue } from '../values/index.js';
import { BUILTIN_INFIX, PRODUCT, UNSUPPORTED_OPS, opParam } from './bind-tables.js';
import { F_IMPURE, F_PRIMES, F_TEMPORAL, F_VARS, type BoundIR, type Def, type IR, type IRNode, type OpTarget } from './ir.js';
import type { Entity, ModScope } from './scope.js';

export { BUILTIN_INFIX };

export interface Local {
  readonly name: string;
  /** 0 for values, > 0 for operator parameters and LET operators. */
  readonly arity: number;
  /** For LET definitions: the flags of their body, carried by references (a LET action is an action). */
  readonly f?: number;
  /** A recursive LET function definition `f[x \in S] == ...` (filled in once made): `f[e]` applies it lazily. */
  readonly fnDef?: { def?: Def };
}

const NO_CACHE = F_VARS | F_PRIMES | F_IMPURE | F_TEMPORAL;

export class Binder {
  private readonly locals: Local[];

  constructor(
    readonly scope: ModScope,
    locals: readonly Local[] = [],
  ) {
    this.locals = locals.slice();
  }

  /** Builds a node, computing its flags from its children; wraps constant nodes in a cache. */
  private node(loc: Loc, n: IRNode, kids: readonly (IR | null)[], own = 0, m = Infinity): IR {
    let f = own;
    for (const c of kids) {
      if (c === null) continue;
      f |= c.f;
      if (c.m < m) m = c.m;
    }
    const ir: IR = { ...n, f, m, loc };
    if ((f & NO_CACHE) === 0 && m >= this.locals.length && ir.k !== 'lit' && ir.k !== 'opRef' && ir.k !== 'loc') {
      return { k: 'cached', e: ir, has: false, v: false, f, m, loc };
    }
    return ir;
  }

  private lit(loc: Loc, value: Value): IR {
    return { k: 'lit', v: value, f: 0, m: Infinity, loc };
  }

  private fail(loc: Loc, code: 'semantic' | 'unsupported', msg: string): never {
    throw new TlaError(code, `${msg} (line ${loc.line}, col ${loc.col} of module ${loc.module})`, loc);
  }

  /** Runs `fn` with extra locals pushed. */
  private with<T>(ls: readonly Local[], fn: () => T): T {
    this.locals.push(...ls);
    try {
      return fn();
    } finally {
      this.locals.length -= ls.length;
    }
  }

  private findLocal(name: string): number {
    for (let j = this.locals.length - 1; j >= 0; j--) if (this.locals[j].name === name) return j;
    return -1;
  }

  bounds(bs: readonly Bound[]): { irs: BoundIR[]; names: Local[]; kids: IR[] } {
    const irs: BoundIR[] = [];
    const names: Local[] = [];
    const kids: IR[] = [];
    for (const b of bs) {
      const set = b.set === null ? null : this.bind(b.set);
      if (set !== null) kids.push(set);
      irs.push({ n: b.names.length, tuple: b.tuple, set });
      for (const n of b.names) names.push({ name: n, arity: 0 });
    }
    return { irs, names, kids };
  }

  bind(e: Expr): IR {
    const loc = e.loc;
    switch (e.kind) {
      case 'num':
        return this.lit(loc, int(e.value));
      case 'str':
        return this.lit(loc, str(e.value));
      case 'bool':
        return this.lit(loc, e.value);
      case 'setSym': {
        // Nat, Int and Real are definitions of the standard modules: a cfg override (`Nat <- NatOverride`)
        // replaces them everywhere in the model, as in TLC.
        const over = e.which === 'Nat' || e.which === 'Int' || e.which === 'Real' ? this.scope.entities.get(e.which) : undefined;
        if (over !== undefined && over.kind !== 'builtin') return this.entityRef(over, e.which, [], loc);
      }
        if (e.which === 'Real') this.fail(loc, 'unsupported', 'Real numbers');
        return this.lit(loc, e.which === 'BOOLEAN' ? setOf([false, true]) : lazy({ tag: e.which === 'Nat' ? 'nat' : e.which === 'Int' ? 'int' : 'string' }));
      case 'ref':
        return this.ref(e.name, e.args, loc);
      case 'prefixed':
        return this.prefixed(e, loc);
      case 'subexpr':
        return this.subexpr(e, loc);
      case 'opSym':
        return this.opArg(e.op, loc);
      case 'lambda': {
        const def = this.makeLocalDef('LAMBDA', e.params.map((p) => ({ name: p, arity: 0 })), e.body, loc);
        return this.node(loc, { k: 'opRef', target: { kind: 'lambda', def } }, [], def.flags() | F_IMPURE);
      }
      case 'infix':
        return this.infix(e.op, e.lhs, e.rhs, loc);
      case 'prefix':
        return this.prefix(e.op, e.arg, loc);
      case 'postfix': {
        if (e.op !== 'prime') this.fail(loc, 'unsupported', `The postfix operator ${e.op}`);
        const a = this.bind(e.arg);
        if (a.k === 'var') return { k: 'pvar', i: a.i, name: a.name, f: F_PRIMES, m: Infinity, loc };
        return this.node(loc, { k: 'prime', e: a }, [a], F_PRIMES);
      }
      case 'and':
      case 'or': {
        const parts = e.parts.map((p) => this.bind(p));
        return this.node(loc, { k: e.kind, parts }, parts);
      }
      case 'if': {
        const c = this.bind(e.cond);
        const t = this.bind(e.then);
        const el = this.bind(e.else);
        return this.node(loc, { k: 'if', c, t, e: el }, [c, t, el]);
      }
      case 'case': {
        const arms = e.arms.map((a) => ({ g: this.bind(a.guard), b: this.bind(a.body) }));
        const other = e.other === null ? null : this.bind(e.other);
        return this.node(loc, { k: 'case', arms, other }, [...arms.flatMap((a) => [a.g, a.b]), other]);
      }
      case 'let':
        return this.letIn(e.defs, e.body, loc);
      case 'quant': {
        const b = this.bounds(e.bounds);
        if (b.irs.some((x) => x.set === null)) this.fail(loc, 'unsupported', 'Unbounded quantification');
        const body = this.with(b.names, () => this.bind(e.body));
        return this.node(loc, { k: 'quant', q: e.q, bounds: b.irs, body }, [...b.kids, body]);
      }
      case 'choose': {
        const b = this.bounds([e.bound]);
        if (b.irs[0].set === null) this.fail(loc, 'unsupported', 'Unbounded CHOOSE');
        const body = this.with(b.names, () => this.bind(e.body));
        return this.node(loc, { k: 'choose', bound: b.irs[0], body }, [...b.kids, body]);
      }
      default:
        return this.bindCompound(e);
    }
  }

  /** Sets, functions, records, tuples, EXCEPT and the action / fairness forms. */
  private bindCompound(e: Expr): IR {
    const loc = e.loc;
    switch (e.kind) {
      case 'setEnum': {
        const elems = e.elems.map((x) => this.bind(x));
        if (elems.length === 0) return this.lit(loc, EMPTY_SET);
        return this.node(loc, { k: 'setEnum', elems }, elems);
      }
      case 'setFilter': {
        const b = this.bounds([e.bound]);
        const pred = this.with(b.names, () => this.bind(e.pred));
        return this.node(loc, { k: 'setFilter', bound: b.irs[0], pred, text: `the set filter at line ${loc.line}, col ${loc.col}` }, [...b.kids, pred]);
      }
      case 'setMap': {
        const b = this.bounds(e.bounds);
        const body = this.with(b.names, () => this.bind(e.body));
        return this.node(loc, { k: 'setMap', bounds: b.irs, body }, [...b.kids, body]);
      }
      case 'fnLit': {
        const b = this.bounds(e.bounds);
        const body = this.with(b.names, () => this.bind(e.body));
        return this.node(loc, { k: 'fnLit', bounds: b.irs, body }, [...b.kids, body]);
      }
      case 'fnApp':
        return this.fnApp(e.fn, e.args, loc);
      case 'tuple': {
        const elems = e.elems.map((x) => this.bind(x));
        return this.node(loc, { k: 'tuple', elems }, elems);
      }
      case 'recLit':
      case 'setOfRecs': {
        // Fields in canonical (interning) order, so a record literal needs no sorting at run time.
        const fields = e.fields.map(([n, v]) => [str(n), this.bind(v)] as const).sort((a, b) => a[0].id - b[0].id);
        if (fields.some((f, i) => i > 0 && fields[i - 1][0] === f[0])) this.fail(loc, 'semantic', 'A record field is given twice');
        const vals = fields.map((f) => f[1]);
        return this.node(loc, { k: e.kind, names: fields.map((f) => f[0]), vals }, vals);
      }
      case 'recSel': {
        const rec = this.bind(e.rec);
        return this.node(loc, { k: 'recSel', rec, field: str(e.field) }, [rec]);
      }
      case 'product': {
        const sets = e.sets.map((x) => this.bind(x));
        return this.node(loc, { k: 'bi', op: PRODUCT, args: sets }, sets);
      }
      case 'setOfFns': {
        const dom = this.bind(e.dom);
        const rng = this.bind(e.rng);
        return this.node(loc, { k: 'setOfFns', dom, rng }, [dom, rng]);
      }
      case 'except':
        return this.except(e, loc);
      case 'at': {
        const j = this.findLocal('@');
        if (j < 0) this.fail(loc, 'semantic', '@ used outside EXCEPT');
        return { k: 'loc', d: this.locals.length - 1 - j, name: '@', f: 0, m: j, loc };
      }
      case 'box':
      case 'angle': {
        const a = this.bind(e.action);
        const v = this.bind(e.vars);
        return this.node(loc, { k: e.kind, a, v }, [a, v], F_PRIMES);
      }
      case 'fair': {
        const a = this.bind(e.action);
        const v = this.bind(e.vars);
        return this.node(loc, { k: 'fair', strong: e.strong, v, a }, [a, v], F_TEMPORAL);
      }
      case 'unsupported':
        return this.fail(loc, 'unsupported', e.what);
      default:
        return this.fail(loc, 'unsupported', `The expression ${e.kind}`);
    }
  }

  private except(e: Extract<Expr, { kind: 'except' }>, loc: Loc): IR {
    const fn = this.bind(e.fn);
    const kids: IR[] = [fn];
    const updates = e.updates.map((u) => {
      const path = u.path.map((p) => {
        if (p.kind === 'field') return { field: str(p.name) };
        const idx = p.args.map((a) => this.bind(a));
        kids.push(...idx);
        return { idx };
      });
      const val = this.with([{ name: '@', arity: 0 }], () => this.bind(u.value));
      kids.push(val);
      return { path, val };
    });
    return this.node(loc, { k: 'except', fn, updates }, kids);
  }

  letIn(units: Extract<Expr, { kind: 'let' }>['defs'], body: Expr, loc: Loc): IR {
    const defs: Def[] = [];
    const pushed: Local[] = [];
    try {
      for (let k = 0; k < units.length; k++) {
        const u = units[k];
        if (u.kind === 'instance' && u.name !== null && this.scope.instantiate !== undefined) {
          // `LET CC == INSTANCE M IN ...`: the rest of the LET is bound in a scope where CC names the instance.
          const inst = this.scope.instantiate(u);
          const child: ModScope = { ...this.scope, entities: new Map(this.scope.entities).set(u.name, { kind: 'inst', scope: inst }) };
          const b = new Binder(child, this.locals).letIn(units.slice(k + 1), body, loc);
          let f = b.f;
          for (const d of defs) f |= d.flags();
          return defs.length === 0 ? b : this.node(loc, { k: 'let', defs, body: b }, [], f, b.m);
        }
        if (u.kind === 'opDef') {
          // The body sees the definition itself (RECURSIVE operators in LET): letEnv gives it its own slot.
          const self: Local = { name: u.name, arity: u.params.length, f: F_IMPURE };
          defs.push(this.with([self], () => this.makeLocalDef(u.name, u.params, u.body, u.loc)));
          pushed.push({ name: u.name, arity: u.params.length, f: defs[defs.length - 1].flags() });
        } else if (u.kind === 'fnDef') {
          const box: { def?: Def } = {};
          defs.push(this.makeLocalFnDef(u.name, u.bounds, u.body, u.loc, box));
          pushed.push({ name: u.name, arity: 0, f: defs[defs.length - 1].flags(), fnDef: box });
        } else this.fail(u.kind === 'module' ? loc : u.loc, 'unsupported', `${u.kind} inside LET`);
        this.locals.push(pushed[pushed.length - 1]);
      }
      const b = this.bind(body);
      let f = b.f;
      for (const d of defs) f |= d.flags();
      return this.node(loc, { k: 'let', defs, body: b }, [], f, b.m);
    } finally {
      this.locals.length -= pushed.length;
    }
  }

  /** A LET or LAMBDA operator: its body is bound now, under the current locals plus its parameters. */
  private makeLocalDef(name: string, params: readonly Param[], body: Expr, loc: Loc): Def {
    const ir = this.with(
      params.map((p) => ({ name: p.name, arity: p.arity })),
      () => this.bind(body),
    );
    return { name, params, loc, bodyLoc: body.loc, fnBounds: null, body: () => ir, flags: () => ir.f };
  }

  /**
   * `LET f[x \in S] == body`: the domain and the body see f itself (one local slot, see letEnv), then the body
   * its bound names, so `f[x - 1]` in the body is a recursive application evaluated at that argument only.
   */
  private makeLocalFnDef(name: string, bounds: readonly Bound[], body: Expr, loc: Loc, box: { def?: Def }): Def {
    const self: Local = { name, arity: 0, f: F_IMPURE, fnDef: box };
    const { b, ir } = this.with([self], () => {
      const b = this.bounds(bounds);
      return { b, ir: this.with(b.names, () => this.bind(body)) };
    });
    const def: Def = { name, params: [], loc, bodyLoc: body.loc, fnBounds: b.irs, body: () => ir, flags: () => ir.f | F_IMPURE };
    box.def = def;
    return def;
  }

  private fnApp(fnE: Expr, argsE: readonly Expr[], loc: Loc): IR {
    const args = argsE.map((a) => this.bind(a));
    if (fnE.kind === 'ref' && fnE.args === null) {
      const j = this.findLocal(fnE.name);
      const box = j >= 0 ? this.locals[j].fnDef : undefined;
      if (box !== undefined) return this.node(loc, { k: 'letFnApp', d: this.locals.length - 1 - j, box, args }, args, F_IMPURE, j);
    }
    if (fnE.kind === 'ref' && fnE.args === null && this.findLocal(fnE.name) < 0) {
      const ent = this.scope.entities.get(fnE.name);
      if (ent?.kind === 'def' && ent.def.fnBounds !== null) {
        return this.node(loc, { k: 'fnDefApp', def: ent.def, args }, args, ent.def.flags());
      }
    }
    const fn = this.bind(fnE);
    return this.node(loc, { k: 'fnApp', fn, args }, [fn, ...args]);
  }

  private ref(name: string, argsE: readonly Expr[] | null, loc: Loc): IR {
    const j = this.findLocal(name);
    if (j >= 0) {
      const d = this.locals.length - 1 - j;
      const l = this.locals[j];
      if (argsE === null && l.arity === 0) return { k: 'loc', d, name, f: l.f ?? 0, m: j, loc };
      const args = this.args(argsE ?? [], () => false);
      if (args.length !== l.arity) this.fail(loc, 'semantic', `${name} expects ${l.arity} arguments`);
      return this.node(loc, { k: 'callLocal', d, name, args }, args, F_IMPURE, j);
    }
    const ent = this.scope.entities.get(name);
    if (ent === undefined) return this.fail(loc, 'semantic', `Unknown operator: \`${name}'.`);
    return this.entityRef(ent, name, this.args(argsE ?? [], opParam(ent)), loc);
  }

  /** Binds call arguments; where the callee expects an operator, a bare name becomes an operator reference. */
  args(argsE: readonly Expr[], isOp: (i: number) => boolean): IR[] {
    return argsE.map((a, i) => {
      if (isOp(i) && a.kind === 'ref' && a.args === null) return this.opArg(a.name, a.loc);
      return this.bind(a);
    });
  }

  entityRef(ent: Entity, name: string, args: readonly IR[], loc: Loc): IR {
    switch (ent.kind) {
      case 'var':
        if (args.length > 0) this.fail(loc, 'semantic', `Variable ${name} applied to arguments`);
        return { k: 'var', i: ent.i, name, f: F_VARS, m: Infinity, loc };
      case 'const':
        if (ent.value === undefined) this.fail(loc, 'semantic', `The constant parameter ${name} is not assigned a value by the configuration file`);
        return this.lit(loc, ent.value);
      case 'ir': {
        // An operator constant replaced by an operator (`INSTANCE M WITH C <- LAMBDA s, l : TRUE`, `C <- Op`).
        const ir = ent.ir;
        if (ir.k === 'opRef' && args.length > 0 && ir.target.kind !== 'local') {
          const t = ir.target;
          if (t.kind === 'builtin') return this.node(loc, { k: 'bi', op: t.op, args }, args, t.op.impure === true ? F_IMPURE : 0);
          if (t.def.params.length !== args.length) this.fail(loc, 'semantic', `${name} expects ${t.def.params.length} arguments`);
          return this.node(loc, { k: 'call', def: t.def, args }, args, t.def.flags());
        }
        return ir;
      }
      case 'inst':
        return this.fail(loc, 'semantic', `Module instance ${name} used as a value`);
      case 'builtin': {
        const op = ent.op;
        if (op.arity >= 0 && op.arity !== args.length) this.fail(loc, 'semantic', `${op.name} expects ${op.arity} arguments`);
        return this.node(loc, { k: 'bi', op, args }, args, op.impure === true ? F_IMPURE : 0);
      }
      case 'def': {
        const def = ent.def;
        if (def.params.length !== args.length) this.fail(loc, 'semantic', `${name} expects ${def.params.length} arguments`);
        return this.node(loc, { k: 'call', def, args }, args, def.flags());
      }
    }
  }

  /** `Inv!2`, `Def!2!1`, `Thm!:`: the numbered operand of a definition's body, bound in the definition's scope. */
  private subexpr(e: Extract<Expr, { kind: 'subexpr' }>, loc: Loc): IR {
    let scope: ModScope = this.scope;
    for (const p of e.path.slice(0, -1)) {
      const ent = scope.entities.get(p.name);
      if (ent?.kind !== 'inst') return this.fail(loc, 'semantic', `${p.name} is not a module instance`);
      if (p.args.length > 0) return this.fail(loc, 'unsupported', 'Parameterised INSTANCE');
      scope = ent.scope;
    }
    const last = e.path[e.path.length - 1];
    const ent = scope.entities.get(last.name);
    if (ent?.kind !== 'def' || ent.def.ast === undefined || ent.def.bindSub === undefined) return this.fail(loc, 'unsupported', `The subexpression name ${last.name}!... (only of module-level definitions)`);
    if (last.args.length > 0 || ent.def.params.length > 0 || ent.def.fnBounds !== null) return this.fail(loc, 'unsupported', `A subexpression name of ${last.name}, which has parameters`);
    let x: Expr = ent.def.ast;
    for (const step of e.nav) {
      if (step === ':') continue;
      const kids = operands(x);
      if (step < 1 || step > kids.length) return this.fail(loc, 'semantic', `${last.name} has no subexpression !${step} here`);
      x = kids[step - 1];
    }
    return ent.def.bindSub(x);
  }

  private prefixed(e: Extract<Expr, { kind: 'prefixed' }>, loc: Loc): IR {
    let scope: ModScope = this.scope;
    const first = e.path.length === 1 ? scope.entities.get(e.path[0].name) : undefined;
    if (first?.kind === 'inst' && first.params !== undefined) {
      // `P(a)!Op`: the instance depends on a's value; Op (without arguments) is bound per value, once.
      const pp = first.params;
      if (e.path[0].args.length !== pp.names.length) return this.fail(loc, 'semantic', `${e.path[0].name} expects ${pp.names.length} arguments`);
      if (e.args !== null && e.args.length > 0) return this.fail(loc, 'unsupported', `An operator with arguments of a parameterised INSTANCE (${e.path[0].name}(...)!${e.name})`);
      const args = e.path[0].args.map((a) => this.bind(a));
      const cache = new Map<string, IR>();
      const resolve = (vals: readonly Value[]): IR => {
        const key = vals.map((v) => printValue(v)).join('\u0000');
        let ir = cache.get(key);
        if (ir === undefined) {
          const inst = pp.make(vals);
          const ent = inst.entities.get(e.name);
          if (ent === undefined) return this.fail(loc, 'semantic', `Unknown operator: \`${[...e.path.map((p) => p.name), e.name].join('!')}'.`);
          ir = new Binder(inst).entityRef(ent, e.name, [], loc);
          cache.set(key, ir);
        }
        return ir;
      };
      return this.node(loc, { k: 'pinstRef', args, resolve }, args, F_IMPURE);
    }
    for (const p of e.path) {
      const ent = scope.entities.get(p.name);
      if (ent?.kind !== 'inst') return this.fail(loc, 'semantic', `${p.name} is not a module instance`);
      if (p.args.length > 0) return this.fail(loc, 'unsupported', 'Parameterised INSTANCE');
      scope = ent.scope;
    }
    const ent = scope.entities.get(e.name);
    if (ent === undefined) return this.fail(loc, 'semantic', `Unknown operator: \`${[...e.path.map((p) => p.name), e.name].join('!')}'.`);
    return this.entityRef(ent, e.name, this.args(e.args ?? [], opParam(ent)), loc);
  }

  /** An operator given as an argument: a name, a symbol, or LAMBDA. */
  opArg(op: string, loc: Loc): IR {
    const j = this.findLocal(op);
    let target: OpTarget;
    if (j >= 0) target = { kind: 'local', d: this.locals.length - 1 - j };
    else {
      const ent = this.scope.entities.get(op);
      if (ent?.kind === 'def') target = { kind: 'def', def: ent.def };
      else if (ent?.kind === 'builtin') target = { kind: 'builtin', op: ent.op };
      else return this.fail(loc, 'unsupported', `Operator argument ${op}`);
    }
    return { k: 'opRef', target, f: F_IMPURE, m: j >= 0 ? j : Infinity, loc };
  }

  /** An infix operator: the logical connectives and relations of the language, else an operator in scope. */
  private infix(op: string, l: Expr, r: Expr, loc: Loc): IR {
    const a = this.bind(l);
    const b = this.bind(r);
    switch (op) {
      case 'land':
      case 'lor': {
        const k = op === 'land' ? 'and' : 'or';
        const parts = [...(a.k === k ? a.parts : [a]), ...(b.k === k ? b.parts : [b])];
        return this.node(loc, { k, parts }, parts);
      }
      case 'implies':
      case 'eq':
      case 'neq':
      case 'in':
      case 'notin':
        return this.node(loc, { k: op, a, b }, [a, b]);
      case 'iff':
      case 'equiv':
        return this.node(loc, { k: 'equiv', a, b }, [a, b]);
      case 'leads_to':
        return this.node(loc, { k: 'leadsTo', a, b }, [a, b], F_TEMPORAL);
    }
    const ent = this.scope.entities.get(op) ?? BUILTIN_INFIX.get(op);
    if (ent === undefined && UNSUPPORTED_OPS.has(op)) return this.fail(loc, 'unsupported', `The operator ${UNSUPPORTED_OPS.get(op)}`);
    if (ent === undefined) return this.fail(loc, 'semantic', `The infix operator ${op} is not defined (missing EXTENDS?)`);
    return this.entityRef(ent, op, [a, b], loc);
  }

  private prefix(op: string, argE: Expr, loc: Loc): IR {
    const a = this.bind(argE);
    switch (op) {
      case 'lnot':
        return this.node(loc, { k: 'not', e: a }, [a]);
      case 'unchanged':
        return this.node(loc, { k: 'unchanged', e: a }, [a], F_PRIMES);
      case 'enabled':
        return this.node(loc, { k: 'enabled', e: a }, [a], F_IMPURE | F_VARS);
      case 'always':
      case 'eventually':
        return this.node(loc, { k: op, e: a }, [a], F_TEMPORAL);
    }
    const ent = this.scope.entities.get(op) ?? BUILTIN_INFIX.get(op);
    if (ent === undefined) return this.fail(loc, 'semantic', `The prefix operator ${op} is not defined (missing EXTENDS?)`);
    return this.entityRef(ent, op, [a], loc);
  }
}


/** The numbered operands of an expression, as subexpression names count them (`!1`, `!2`, ...). */
function operands(x: Expr): readonly Expr[] {
  switch (x.kind) {
    case 'and':
    case 'or':
      return x.parts;
    case 'infix':
      return [x.lhs, x.rhs];
    case 'prefix':
    case 'postfix':
      return [x.arg];
    case 'if':
      return [x.cond, x.then, x.else];
    case 'ref':
      return x.args ?? [];
    case 'fnApp':
      return [x.fn, ...x.args];
    case 'setEnum':
    case 'tuple':
      return x.elems;
    default:
      return [];
  }
}
