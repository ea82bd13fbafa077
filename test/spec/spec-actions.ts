// The actions of a spec, as the names-in-sync tests compare them with the code's trace events and the mappings.
import { readFileSync } from 'node:fs';
import { getParser, parseText, type Module } from '../../src/tla/parse/index.js';

const sorted = (xs: Iterable<string>): string[] => [...new Set(xs)].sort();

/**
 * Names of the module's operators that its Next refers to (its disjuncts, through \E), sorted. With
 * `withParams`, only operators that take parameters (actions take the acting node; a definition without
 * parameters is a set Next draws arguments from).
 */
export async function nextActions(file: string, o: { withParams?: boolean } = {}): Promise<string[]> {
  const parser = await getParser();
  const [mod] = parseText(parser, readFileSync(file, 'utf8'), file) as Module[];
  const defs = new Map(mod.units.flatMap((u) => (u.kind === 'opDef' ? [[u.name, u] as const] : [])));
  const next = defs.get('Next');
  if (next === undefined || next.kind !== 'opDef') throw new Error(`${file} has no Next`);
  const isAction = (name: string): boolean => {
    const d = defs.get(name);
    return d !== undefined && (o.withParams !== true || (d.kind === 'opDef' && d.params.length > 0));
  };
  const refs = new Set<string>();
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) x.forEach(walk);
    else if (typeof x === 'object' && x !== null) {
      const o = x as { kind?: unknown; name?: unknown };
      if (o.kind === 'ref' && typeof o.name === 'string' && isAction(o.name)) refs.add(o.name);
      for (const v of Object.values(o)) if (typeof v === 'object') walk(v);
    }
  };
  walk(next.body);
  return sorted(refs);
}
