// Applying a permutation of model values (symmetry reduction).
import type { Value } from './types.js';
import { fcnFromPairs, modelValue, setOf, tuple, domainOf, rangeOf } from './core.js';
import { forceSet } from './lazy.js';

export function permute(v: Value, perm: ReadonlyMap<string, string>): Value {
  if (typeof v !== 'object') return v;
  switch (v.kind) {
    case 'str':
      return v;
    case 'mv': {
      const to = perm.get(v.name);
      return to === undefined ? v : modelValue(to);
    }
    case 'tup':
      return tuple(v.elems.map((e) => permute(e, perm)));
    case 'fn': {
      const dom = domainOf(v);
      const rng = rangeOf(v);
      return fcnFromPairs(dom.map((d, i) => [permute(d, perm), permute(rng[i], perm)] as const));
    }
    case 'set':
    case 'lazy':
      return setOf(forceSet(v).elems.map((e) => permute(e, perm)));
  }
}
