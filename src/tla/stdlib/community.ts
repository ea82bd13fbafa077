// Built-in versions of CommunityModules operators (lib/community on the library path). The modules are read
// from their TLA+ definitions; an operator listed here replaces its definition when the module is loaded,
// as TLC's Java overrides do, because the TLA+ definition cannot be evaluated by a model checker (it
// quantifies over an infinite set) or is much slower. Each gives the same value as the definition.
import { type Value, compare, forceSet, indexOfSorted, record, setOf, str } from '../values/index.js';
import type { Builtin } from '../eval/ir.js';
import { builtin, checked, fail, fn, set, val } from './util.js';

/** G.field of a record argument. */
function field(g: Value, name: string, l: Parameters<Builtin['fn']>[1]): Value {
  const f = fn(g, l, 'graph argument');
  if (f.kind !== 'fn') return fail(l, 'The graph argument should be a record with fields node and edge');
  const k = indexOfSorted(f.dom, str(name));
  if (k < 0) return fail(l, `The graph argument has no field ${name}`);
  return f.rng[k];
}

/**
 * UndirectedGraphs!ConnectedComponents(G): the maximal non-empty node sets whose members are joined by
 * paths of edges {a, b} inside the set, i.e. the connected components of (G.node, edges between nodes).
 */
function connectedComponents(g: Value, l: Parameters<Builtin['fn']>[1]): Value {
  const nodes = forceSet(set(field(g, 'node', l), l, 'G.node')).elems;
  const parent = nodes.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  for (const e of forceSet(set(field(g, 'edge', l), l, 'G.edge')).elems) {
    const ends = forceSet(set(e, l, 'edge')).elems.map((x) => indexOfSorted(nodes, x));
    // An edge leaving G.node (or with more than two ends: never a {p[i], p[i+1]}) joins nothing.
    if (ends.length > 2 || ends.some((i) => i < 0)) continue;
    for (let i = 1; i < ends.length; i++) parent[find(ends[i])] = find(ends[0]);
  }
  const comps = new Map<number, Value[]>();
  nodes.forEach((n, i) => {
    const r = find(i);
    comps.set(r, [...(comps.get(r) ?? []), n]);
  });
  return setOf([...comps.values()].map((c) => setOf(c.sort(compare))));
}

/** IOUtils!IOEnv: the process's environment variables as a record of strings (TLC reads them the same way). */
function ioEnv(): Value {
  const names = Object.keys(process.env).sort();
  return record(names.map((n) => [n, str(process.env[n] ?? '')] as const));
}

/** IOUtils!atoi(s): the integer s spells (CHOOSE i \in Int : ToString(i) = s). */
function atoi(a: Value, l: Parameters<Builtin['fn']>[1]): Value {
  if (typeof a !== 'object' || a.kind !== 'str' || !/^-?\d+$/.test(a.s)) return fail(l, `atoi: ${typeof a === 'object' && a.kind === 'str' ? `"${a.s}"` : 'the argument'} is not an integer string`);
  return checked(Number(a.s), l, 'atoi');
}

export const COMMUNITY_OVERRIDES: ReadonlyMap<string, ReadonlyMap<string, Builtin>> = new Map([
  [
    'IOUtils',
    new Map([
      builtin('IOEnv', 0, () => ioEnv()),
      builtin('atoi', 1, ([a], l) => atoi(val(a, l), l)),
    ]),
  ],
  ['UndirectedGraphs', new Map([builtin('ConnectedComponents', 1, ([g], l) => connectedComponents(val(g, l), l))])],
]);
