// TLC's rendering of values: `<<1, 2>>`, `[a |-> 1, b |-> 2]`, `{1, 2}`, `"s"`, `(1 :> 2 @@ 3 :> 4)`.
import type { Value, LazySet } from './types.js';
import { forceSet, isFiniteSet } from './lazy.js';

export function printValue(v: Value): string {
  switch (typeof v) {
    case 'boolean':
      return v ? 'TRUE' : 'FALSE';
    case 'number':
      return String(v);
    default:
      switch (v.kind) {
        case 'str':
          return JSON.stringify(v.s);
        case 'mv':
          return v.name;
        case 'tup':
          return v.elems.length === 0 ? '<<>>' : `<<${v.elems.map(printValue).join(', ')}>>`;
        case 'fn':
          if (v.dom.every((d) => typeof d === 'object' && d.kind === 'str')) {
            return `[${v.dom.map((d, i) => `${(d as { s: string }).s} |-> ${printValue(v.rng[i])}`).join(', ')}]`;
          }
          return `(${v.dom.map((d, i) => `${printValue(d)} :> ${printValue(v.rng[i])}`).join(' @@ ')})`;
        case 'set':
          return `{${v.elems.map(printValue).join(', ')}}`;
        case 'lazy':
          return printLazy(v);
      }
  }
}

/** Finite lazy sets print as their elements (one value, one text); infinite ones symbolically. */
function printLazy(v: LazySet): string {
  if (v.forced !== undefined) return printValue(v.forced);
  if (isFiniteSet(v)) return printValue(forceSet(v));
  const sp = v.spec;
  switch (sp.tag) {
    case 'nat':
      return 'Nat';
    case 'int':
      return 'Int';
    case 'string':
      return 'STRING';
    case 'interval':
      return `${sp.lo}..${sp.hi}`;
    case 'subset':
      return `SUBSET ${printValue(sp.base)}`;
    case 'fnset':
      return `[${printValue(sp.dom)} -> ${printValue(sp.rng)}]`;
    case 'product':
      return sp.sets.map(printValue).join(' \\X ');
    case 'recset':
      return `[${sp.names.map((n, i) => `${n.s} : ${printValue(sp.sets[i])}`).join(', ')}]`;
    case 'seq':
      return `Seq(${printValue(sp.base)})`;
    case 'cup':
      return sp.sets.map(printValue).join(' \\cup ');
    case 'filter':
      return sp.text;
  }
}
