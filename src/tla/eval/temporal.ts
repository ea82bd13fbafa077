// Expanding a temporal formula into api.ts's TemporalFormula: definitions are entered until a
// temporal operator is met; subformulas without temporal operators are state or action leaves.
import { TlaError, type ExprHandle, type TemporalFormula } from '../api.js';
import { F_PRIMES, F_TEMPORAL, type IR } from './ir.js';
import type { Env, Ctx } from './env.js';
import { bindArgs, letEnv, forBounds } from './eval.js';

export function toTemporal(ir: IR, env: Env, cx: Ctx, handle: (ir: IR, env: Env) => ExprHandle): TemporalFormula {
  const rec = (x: IR, e: Env): TemporalFormula => toTemporal(x, e, cx, handle);
  if ((ir.f & F_TEMPORAL) === 0) {
    if (ir.k === 'box' || ir.k === 'angle') {
      // `[A]_v` outside [] is an action; at the top of a property it only constrains the first step.
      return { kind: 'action', expr: handle(ir, env) };
    }
    return { kind: (ir.f & F_PRIMES) !== 0 ? 'action' : 'state', expr: handle(ir, env) };
  }
  switch (ir.k) {
    case 'and':
    case 'or':
      return { kind: ir.k, parts: ir.parts.map((p) => rec(p, env)) };
    case 'not':
      return { kind: 'not', sub: rec(ir.e, env) };
    case 'implies':
      return { kind: 'implies', lhs: rec(ir.a, env), rhs: rec(ir.b, env) };
    case 'always':
      if (ir.e.k === 'box') return { kind: 'boxAction', action: handle(ir.e.a, env), vars: handle(ir.e.v, env), loc: ir.loc };
      return { kind: 'always', sub: rec(ir.e, env) };
    case 'eventually':
      if (ir.e.k === 'angle') return { kind: 'diamondAction', action: handle(ir.e.a, env), vars: handle(ir.e.v, env), loc: ir.loc };
      return { kind: 'eventually', sub: rec(ir.e, env) };
    case 'leadsTo':
      return { kind: 'leadsTo', lhs: rec(ir.a, env), rhs: rec(ir.b, env) };
    case 'fair':
      return { kind: ir.strong ? 'strongFair' : 'weakFair', action: handle(ir.a, env), vars: handle(ir.v, env) };
    case 'call':
      if (ir.def.fnBounds === null) return rec(ir.def.body(), ir.args.length === 0 ? null : bindArgs(ir.def, ir.args, env, cx));
      break;
    case 'let':
      return rec(ir.body, letEnv(ir.defs, env, cx));
    case 'cached':
      return rec(ir.e, env);
    case 'quant': {
      // \A x \in S : F and \E x \in S : F over a constant S: the conjunction / disjunction of instances.
      const parts: TemporalFormula[] = [];
      forBounds(ir.bounds, env, cx, ir, (e2) => {
        parts.push(rec(ir.body, e2));
        return false;
      });
      return { kind: ir.q === 'forall' ? 'and' : 'or', parts };
    }
  }
  throw new TlaError('unsupported', `This temporal formula (${ir.k}) is not supported (line ${ir.loc.line}, col ${ir.loc.col} of module ${ir.loc.module})`, ir.loc);
}
