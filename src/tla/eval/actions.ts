// Splitting Next into TLC's "actions" (for labels) and generating successors and initial states.
// TLC (Tool.getActions) walks Next: \/ branches, `\E x \in S` over a set that does not depend on the
// state becomes one action per element, user operators are entered (their name becomes the action
// name), LET is entered. Where the walk stops, the action is that subexpression: its span is the
// location TLC prints, and the innermost operator entered names it, with its parameters' values.
import type { ActionLabel, Transition } from '../api.js';
import type { Value } from '../values/index.js';
import { F_PRIMES, F_VARS, type Def, type IR } from './ir.js';
import type { Ctx, Env } from './env.js';
import { bindArgs, forBounds, letEnv, force } from './eval.js';
import { Enumeration } from './enumerate.js';
import { setEnabledImpl } from './enabled-hook.js';

interface Naming {
  readonly def: Def | null;
  readonly args: readonly Value[];
}

interface Leaf {
  readonly ir: IR;
  readonly env: Env;
  readonly action: ActionLabel;
}

/**
 * TLC splits Next into actions once, before exploring. We do the same when the split did not read the
 * state (no LET on the way); otherwise we split per state.
 */
const actionCache = new WeakMap<IR, Leaf[]>();

export function successors(next: IR, env: Env, s: readonly Value[], varNames: readonly string[], naming: Naming): Transition[] {
  const out: Transition[] = [];
  let leaves = env === null ? actionCache.get(next) : undefined;
  if (leaves === undefined) {
    const cx: Ctx = { s, t: [], varNames };
    const found: Leaf[] = [];
    const pure = { ok: true };
    split(next, env, naming, cx, pure, (ir, e2, n) => {
      found.push({ ir, env: e2, action: { name: n.def?.name ?? 'Action', args: n.args, loc: ir.loc } });
    });
    if (pure.ok && env === null) actionCache.set(next, found);
    leaves = found;
  }
  for (const leaf of leaves) {
    const action = leaf.action;
    new Enumeration('next', s, varNames, (t) => out.push({ state: t, action }), action.name).run(leaf.ir, leaf.env);
  }
  return out;
}

function split(ir: IR, env: Env, naming: Naming, cx: Ctx, pure: { ok: boolean }, leaf: (ir: IR, env: Env, n: Naming) => void): void {
  switch (ir.k) {
    case 'or':
      for (const p of ir.parts) split(p, env, naming, cx, pure, leaf);
      return;
    case 'quant':
      if (ir.q === 'exists' && ir.bounds.every((b) => b.set !== null && (b.set.f & (F_VARS | F_PRIMES)) === 0)) {
        forBounds(ir.bounds, env, cx, ir, (e2) => {
          split(ir.body, e2, naming, cx, pure, leaf);
          return false;
        });
        return;
      }
      break;
    case 'call':
      if (ir.def.fnBounds === null) {
        // Like TLC: an operator applied to a state-level argument is not entered; the application itself
        // is the action, named after the operator.
        if (ir.args.some((a) => (a.f & (F_VARS | F_PRIMES)) !== 0)) return leaf(ir, env, { def: ir.def, args: [] });
        const e2 = ir.args.length === 0 ? null : bindArgs(ir.def, ir.args, env, cx);
        const naming2 = { def: ir.def, args: paramValues(e2, ir.args.length, cx, ir) };
        // TLC stops at an instantiated body with substitutions: the whole body is one action `A!Op`.
        if (ir.def.substituted?.() === true) return leaf(ir.def.body(), e2, naming2);
        split(ir.def.body(), e2, naming2, cx, pure, leaf);
        return;
      }
      break;
    case 'let':
      pure.ok = false;
      split(ir.body, letEnv(ir.defs, env, cx), naming, cx, pure, leaf);
      return;
  }
  leaf(ir, env, naming);
}

/** The values of an operator's parameters, for the label (`Name(1,2)`); operator arguments are skipped. */
function paramValues(env: Env, n: number, cx: Ctx, ir: IR): Value[] {
  const vals: Value[] = [];
  let e = env;
  for (let i = 0; i < n && e !== null; i++, e = e.up) {
    const v = e.v;
    if (typeof v === 'object' && v.kind === 'opc') continue;
    if (typeof v === 'object' && v.kind === 'thunk') continue;
    vals.push(force(v, cx, ir));
  }
  return vals.reverse();
}

export function initStates(init: IR, env: Env, varNames: readonly string[]): Value[][] {
  const out: Value[][] = [];
  new Enumeration('init', [], varNames, (t) => out.push(t as Value[])).run(init, env);
  return out;
}

class Found extends Error {}

/** ENABLED A in s: does A have a successor? */
export function enabled(a: IR, env: Env, s: readonly Value[], varNames: readonly string[]): boolean {
  try {
    new Enumeration('next', s, varNames, () => {
      throw new Found();
    }).run(a, env);
    return false;
  } catch (e) {
    if (e instanceof Found) return true;
    throw e;
  }
}

setEnabledImpl((e, env, cx) => enabled(e, env, cx.s as readonly Value[], cx.varNames));
