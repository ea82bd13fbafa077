// Tables the binder uses: language-level operators, refused operators, operator-parameter positions.
import { TlaError } from '../api.js';
import { lazy } from '../values/index.js';
import type { Builtin } from './ir.js';
import type { Entity } from './scope.js';

export const PRODUCT: Builtin = {
  name: '\\X',
  arity: -1,
  fn: (args, loc) =>
    lazy({
      tag: 'product',
      sets: args.map((a) => {
        if (typeof a === 'object' && (a.kind === 'set' || a.kind === 'lazy')) return a;
        throw new TlaError('eval', `\\X applied to a non-set (line ${loc.line}, col ${loc.col})`, loc);
      }),
    }),
};

export function opParam(ent: Entity): (i: number) => boolean {
  if (ent.kind === 'def') return (i) => (ent.def.params[i]?.arity ?? 0) > 0;
  if (ent.kind === 'builtin') return (i) => ent.op.opArgs?.includes(i) === true;
  return () => false;
}

/** Built-in TLA+ operators TLC does not evaluate (or that we refuse): named in the error. */
export const UNSUPPORTED_OPS = new Map([
  ['cdot', '\\cdot (action composition)'],
  ['plus_arrow', '-+-> (while-plus)'],
]);

/** Operators of the TLA+ language itself (not of a standard module), filled by stdlib/core-ops.ts. */
export const BUILTIN_INFIX = new Map<string, Entity>();
