// Enumerating the states an action (or the initial predicate) allows, the way TLC's Tool.getNextStates /
// getInitStates does, so that successor order, duplicates and hence the "generated" counts match TLC:
// - a conjunction is processed left to right through a list of pending items;
// - `x' = e` assigns x' when unassigned, otherwise tests; `x' \in S` enumerates S;
// - \/ and \E branch (left to right, ascending); \A becomes a conjunction of its instances;
// - user operators, LET, IF and CASE are expanded; `[A]_v` is A \/ UNCHANGED v; `<<A>>_v` drops
//   choices that leave v unchanged; UNCHANGED <<x, y>> assigns or tests each variable;
// - once every variable is assigned, the remaining items are only evaluated as booleans (TLC's
//   getNextStatesAllAssigned), so a later disjunction does not duplicate the successor.
import { TlaError, type SourceLoc } from '../api.js';
import { type Value, equals, forceSet, tuple } from '../values/index.js';
import { fnDefEnv } from './quantify.js';
import { F_PRIMES, F_VARS } from './ir.js';
import type { IR } from './ir.js';
import { push, type Ctx, type Env } from './env.js';
import { bindArgs, ev, evBool, evSet, forBounds, letEnv, pushAll, evArg, strictEquals } from './eval.js';

const PRED = 0;
const UNCHANGED = 1;
const CHANGED = 2;

interface Item {
  readonly kind: number;
  readonly ir: IR;
  readonly env: Env;
  readonly next: Item | null;
}

export type Assignment = (Value | undefined)[];

/** One enumeration: `s` is the current state in 'next' mode; `emit` receives each complete assignment. */
export class Enumeration {
  constructor(
    readonly mode: 'init' | 'next',
    readonly s: readonly Value[],
    readonly varNames: readonly string[],
    readonly emit: (t: readonly Value[]) => void,
    /** For messages: the TLC action being enumerated. */
    readonly actionName = 'Next',
  ) {}

  private lastT: Assignment | undefined;
  private lastCtx: Ctx | undefined;

  /** The evaluation context for a partial assignment (reused while the assignment is the same array). */
  ctx(t: Assignment): Ctx {
    if (t === this.lastT && this.lastCtx !== undefined) return this.lastCtx;
    const cx: Ctx = this.mode === 'next' ? { s: this.s, t, varNames: this.varNames } : { s: t, t: null, varNames: this.varNames };
    this.lastT = t;
    this.lastCtx = cx;
    return cx;
  }

  run(ir: IR, env: Env): void {
    this.step(ir, env, null, new Array<Value | undefined>(this.varNames.length));
  }

  /** The variable `ir` assigns (x' in next, x in init), also through a call-by-name parameter; else -1. */
  private target(ir: IR, env: Env): number {
    if (ir.k === 'loc') {
      let e = env;
      for (let i = 0; i < ir.d; i++) e = e!.up;
      const v = e!.v;
      return typeof v === 'object' && v.kind === 'thunk' ? this.target(v.ir, v.env) : -1;
    }
    if (this.mode === 'next') {
      if (ir.k === 'prime') {
        // q' for a parameter q passed a variable by name (Lose(msgQ) with Lose(q) == q' = ...).
        const inner = ir.e;
        if (inner.k === 'loc') {
          let e = env;
          for (let i = 0; i < inner.d; i++) e = e!.up;
          const v = e!.v;
          if (typeof v === 'object' && v.kind === 'thunk' && v.ir.k === 'var') return v.ir.i;
        }
        return -1;
      }
      return ir.k === 'pvar' ? ir.i : -1;
    }
    return ir.k === 'var' ? ir.i : -1;
  }

  /** The spans being processed, like TLC's call stack (its "nested expressions" in error reports). */
  private readonly stack: SourceLoc[] = [];

  step(ir: IR, env: Env, acts: Item | null, t: Assignment): void {
    this.stack.push(ir.loc);
    try {
      this.stepIn(ir, env, acts, t);
    } catch (e) {
      throw this.annotate(e);
    } finally {
      this.stack.pop();
    }
  }

  private annotate(e: unknown): unknown {
    if (!(e instanceof TlaError) || e instanceof NestedTlaError) return e;
    const nested = this.stack.slice();
    const last = nested[nested.length - 1];
    if (e.loc !== undefined && (last === undefined || !sameLoc(last, e.loc))) nested.push(e.loc);
    return new NestedTlaError(e.code, e.message, e.loc, nested);
  }

  private stepIn(ir: IR, env: Env, acts: Item | null, t: Assignment): void {
    switch (ir.k) {
      case 'and': {
        let a = acts;
        for (let i = ir.parts.length - 1; i > 0; i--) a = { kind: PRED, ir: ir.parts[i], env, next: a };
        this.step(ir.parts[0], env, a, t);
        return;
      }
      case 'or':
        for (const p of ir.parts) this.step(p, env, acts, t);
        return;
      case 'quant':
        if (ir.q === 'exists') this.exists(ir, env, acts, t);
        else this.forall(ir, env, acts, t);
        return;
      case 'call':
      case 'callLocal':
      case 'loc':
        if (this.expand(ir, env, acts, t)) return;
        break;
      case 'let':
        this.step(ir.body, letEnv(ir.defs, env, this.ctx(t)), acts, t);
        return;
      case 'letFnApp':
      case 'fnDefApp': {
        // TLC (Tool.getNextStates, FcnApply of a lazy FcnLambdaValue) enters the body of a function defined
        // by `f[x \in S] == e` applied in an action, so its disjunctions and \E branch (and count as
        // generated states) like an operator's. A constant-level top-level f is a precomputed value in TLC.
        if (ir.k === 'fnDefApp' && (ir.def.flags() & (F_VARS | F_PRIMES)) === 0) break;
        const cx = this.ctx(t);
        const arg = ir.args.length === 1 ? ev(ir.args[0], env, cx) : tuple(ir.args.map((a) => ev(a, env, cx)));
        let base: Env = null;
        if (ir.k === 'letFnApp') {
          base = env;
          for (let i = 0; i < ir.d; i++) base = base!.up;
        }
        const def = ir.k === 'letFnApp' ? ir.box.def! : ir.def;
        this.step(def.body(), fnDefEnv(def, arg, cx, ir, base), acts, t);
        return;
      }
      case 'if':
        this.step(evBool(ir.c, env, this.ctx(t)) ? ir.t : ir.e, env, acts, t);
        return;
      case 'case': {
        const cx = this.ctx(t);
        for (const a of ir.arms) {
          if (evBool(a.g, env, cx)) return this.step(a.b, env, acts, t);
        }
        if (ir.other === null) throw new TlaError('eval', `In computing next states, TLC encountered a CASE with no conditions true (line ${ir.loc.line})`, ir.loc);
        return this.step(ir.other, env, acts, t);
      }
      case 'eq':
      case 'in': {
        const i = this.target(ir.a, env);
        if (i < 0) break;
        const cx = this.ctx(t);
        if (ir.k === 'eq') {
          const r = ev(ir.b, env, cx);
          if (t[i] === undefined) return this.cont(acts, assign(t, i, r));
          if (strictEquals(t[i]!, r, ir)) this.cont(acts, t);
          return;
        }
        const set = evSet(ir.b, env, cx);
        if (t[i] === undefined) {
          for (const v of forceSet(set).elems) this.cont(acts, assign(t, i, v));
          return;
        }
        break;
      }
      case 'implies':
        if (evBool(ir.a, env, this.ctx(t))) this.step(ir.b, env, acts, t);
        else this.cont(acts, t);
        return;
      case 'unchanged':
        return this.unchanged(ir.e, env, acts, t);
      case 'box':
        this.step(ir.a, env, acts, t);
        this.unchanged(ir.v, env, acts, t);
        return;
      case 'angle':
        this.step(ir.a, env, { kind: CHANGED, ir: ir.v, env, next: acts }, t);
        return;
    }
    if (evBool(ir, env, this.ctx(t))) this.cont(acts, t);
  }

  /** `\E`: one branch per binding, in TLC's order. */
  private exists(ir: Extract<IR, { k: 'quant' }>, env: Env, acts: Item | null, t: Assignment): void {
    forBounds(ir.bounds, env, this.ctx(t), ir, (e2) => {
      this.step(ir.body, e2, acts, t);
      return false;
    });
  }

  /** `\A`: the conjunction of its instances (TLC queues the later ones in reverse order). */
  private forall(ir: Extract<IR, { k: 'quant' }>, env: Env, acts: Item | null, t: Assignment): void {
    const envs: Env[] = [];
    forBounds(ir.bounds, env, this.ctx(t), ir, (e2) => {
      envs.push(e2);
      return false;
    });
    if (envs.length === 0) return this.cont(acts, t);
    let a = acts;
    for (let i = 1; i < envs.length; i++) a = { kind: PRED, ir: ir.body, env: envs[i], next: a };
    this.step(ir.body, envs[0], a, t);
  }

  /** Enters a user operator, a LET/LAMBDA operator or a call-by-name argument; false if it is a value. */
  private expand(ir: IR, env: Env, acts: Item | null, t: Assignment): boolean {
    if (ir.k === 'call') {
      if (ir.def.fnBounds !== null) return false;
      const e2 = ir.args.length === 0 ? null : this.mode === 'init' ? this.initArgs(ir.args, env, t) : bindArgs(ir.def, ir.args, env, this.ctx(t));
      this.step(ir.def.body(), e2, acts, t);
      return true;
    }
    if (ir.k !== 'callLocal' && ir.k !== 'loc') return false;
    let e = env;
    for (let i = 0; i < ir.d; i++) e = e!.up;
    const v = e!.v;
    if (typeof v !== 'object') return false;
    if (ir.k === 'callLocal' && v.kind === 'opc' && v.def !== undefined) {
      const cx = this.ctx(t);
      this.step(v.def.body(), pushAll(v.env as Env, ir.args.map((x) => evArg(x, env, cx))), acts, t);
      return true;
    }
    if (ir.k === 'loc' && v.kind === 'thunk') {
      this.step(v.ir, v.env, acts, t);
      return true;
    }
    return false;
  }

  /**
   * Arguments of an operator in the initial predicate: a variable not assigned yet is passed by name, so that
   * `XInit(x)` with `XInit(v) == v = 0` assigns x as TLC does; other arguments are evaluated.
   */
  private initArgs(args: readonly IR[], env: Env, t: Assignment): Env {
    const cx = this.ctx(t);
    let e2: Env = null;
    for (const a of args) e2 = push(e2, a.k === 'var' && t[a.i] === undefined ? { kind: 'thunk', ir: a, env, memo: false, has: false, val: false } : evArg(a, env, cx));
    return e2;
  }

  private unchanged(e: IR, env: Env, acts: Item | null, t: Assignment): void {
    if (this.mode === 'init') throw new TlaError('eval', 'UNCHANGED in the initial predicate', e.loc);
    if (e.k === 'var') {
      const cur = t[e.i];
      if (cur === undefined) this.cont(acts, assign(t, e.i, this.s[e.i]));
      else if (equals(cur, this.s[e.i])) this.cont(acts, t);
      return;
    }
    if (e.k === 'tuple') {
      if (e.elems.length === 0) return this.cont(acts, t);
      let a = acts;
      for (let i = e.elems.length - 1; i > 0; i--) a = { kind: UNCHANGED, ir: e.elems[i], env, next: a };
      return this.unchanged(e.elems[0], env, a, t);
    }
    if (e.k === 'call' && e.args.length === 0 && e.def.fnBounds === null) return this.unchanged(e.def.body(), null, acts, t);
    if (e.k === 'loc') {
      let c = env;
      for (let i = 0; i < e.d; i++) c = c!.up;
      const v = c!.v;
      if (typeof v === 'object' && v.kind === 'thunk') return this.unchanged(v.ir, v.env, acts, t);
    }
    const v0 = ev(e, env, { s: this.s, t: null, varNames: this.varNames });
    const v1 = ev(e, env, { s: t, t: null, varNames: this.varNames });
    if (equals(v0, v1)) this.cont(acts, t);
  }

  private changed(it: Item, t: Assignment): boolean {
    const v0 = ev(it.ir, it.env, { s: this.s, t: null, varNames: this.varNames });
    const v1 = ev(it.ir, it.env, { s: t, t: null, varNames: this.varNames });
    return !equals(v0, v1);
  }

  cont(acts: Item | null, t: Assignment): void {
    if (acts === null) return this.finish(t);
    if (allAssigned(t)) {
      // TLC's getNextStatesAllAssigned: the rest is only checked, never branched on.
      const cx = this.ctx(t);
      for (let a: Item | null = acts; a !== null; a = a.next) {
        if (a.kind === PRED) {
          this.stack.push(a.ir.loc);
          try {
            if (!evBool(a.ir, a.env, cx)) return;
          } catch (e) {
            throw this.annotate(e);
          } finally {
            this.stack.pop();
          }
        } else if (a.kind === UNCHANGED) return this.unchanged(a.ir, a.env, a.next, t);
        else if (!this.changed(a, t)) return;
      }
      return this.finish(t);
    }
    if (acts.kind === PRED) return this.step(acts.ir, acts.env, acts.next, t);
    if (acts.kind === UNCHANGED) return this.unchanged(acts.ir, acts.env, acts.next, t);
    if (this.changed(acts, t)) this.cont(acts.next, t);
  }

  private finish(t: Assignment): void {
    if (!allAssigned(t)) {
      const missing = this.varNames.filter((_, i) => t[i] === undefined);
      // TLC's wording (EC.TLC_STATE_NOT_COMPLETELY_SPECIFIED_INITIAL / _NEXT).
      throw new TlaError(
        'eval',
        this.mode === 'init'
          ? `State is not completely specified by the initial predicate (the values of the following variables are undefined): variable ${missing.join(', ')}`
          : `Successor state is not completely specified by action ${this.actionName} of the next-state relation. The following variable${missing.length > 1 ? 's are' : ' is'} not assigned: ${missing.join(', ')}.`,
      );
    }
    this.emit(t as Value[]);
  }
}

/**
 * An error raised while enumerating states, with the spans TLC lists as "The error occurred when TLC was
 * evaluating the nested expressions at the following positions" (outermost first).
 */
export class NestedTlaError extends TlaError {
  constructor(
    code: TlaError['code'],
    message: string,
    loc: SourceLoc | undefined,
    readonly nested: readonly SourceLoc[],
  ) {
    super(code, message, loc);
  }
}

function sameLoc(a: SourceLoc, b: SourceLoc): boolean {
  return a.line === b.line && a.col === b.col && a.endLine === b.endLine && a.endCol === b.endCol && a.module === b.module;
}

function assign(t: Assignment, i: number, v: Value): Assignment {
  const t2 = t.slice();
  t2[i] = v;
  return t2;
}

function allAssigned(t: Assignment): boolean {
  for (let i = 0; i < t.length; i++) if (t[i] === undefined) return false;
  return true;
}
