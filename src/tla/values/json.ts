// JSON shapes of values.
// toJson (plain JSON for traces): BOOLEAN/integer/string as JSON, tuples as arrays, records as objects,
//   sets as {"#set": [...]}, other functions as {"#map": [[k, v], ...]}, model values as {"#mv": name}.
// toItf (Apalache's ITF): integers {"#bigint": "n"}, tuples {"#tup"}, sets {"#set"}, records objects,
//   other functions {"#map"}, model values {"#unserializable": name}.
// fromJson accepts both shapes; a plain array is a tuple, a plain object a record.
import { TlaError } from '../api.js';
import type { Value } from './types.js';
import { fcnFromPairs, int, modelValue, record, setOf, str, tuple, domainOf, rangeOf } from './core.js';
import { forceSet } from './lazy.js';

function isRecord(v: Value): boolean {
  return typeof v === 'object' && v.kind === 'fn' && v.dom.every((d) => typeof d === 'object' && d.kind === 'str');
}

export function toJson(v: Value): unknown {
  return convert(v, false);
}

export function toItf(v: Value): unknown {
  return convert(v, true);
}

function convert(v: Value, itf: boolean): unknown {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return itf ? { '#bigint': String(v) } : v;
  switch (v.kind) {
    case 'str':
      return v.s;
    case 'mv':
      return itf ? { '#unserializable': v.name } : { '#mv': v.name };
    case 'tup':
      return itf ? { '#tup': v.elems.map((e) => convert(e, itf)) } : v.elems.map((e) => convert(e, itf));
    case 'fn': {
      if (isRecord(v)) {
        const o: Record<string, unknown> = {};
        v.dom.forEach((d, i) => (o[(d as { s: string }).s] = convert(v.rng[i], itf)));
        return o;
      }
      const dom = domainOf(v);
      const rng = rangeOf(v);
      return { '#map': dom.map((d, i) => [convert(d, itf), convert(rng[i], itf)]) };
    }
    case 'set':
    case 'lazy':
      return { '#set': forceSet(v).elems.map((e) => convert(e, itf)) };
  }
}

export function fromJson(j: unknown): Value {
  if (typeof j === 'boolean') return j;
  if (typeof j === 'number') return int(j);
  if (typeof j === 'string') return str(j);
  if (Array.isArray(j)) return tuple(j.map(fromJson));
  if (typeof j === 'object' && j !== null) {
    const o = j as Record<string, unknown>;
    if ('#bigint' in o) return int(Number(o['#bigint']));
    if ('#set' in o) return setOf((o['#set'] as unknown[]).map(fromJson));
    if ('#tup' in o) return tuple((o['#tup'] as unknown[]).map(fromJson));
    if ('#map' in o) {
      return fcnFromPairs((o['#map'] as [unknown, unknown][]).map(([k, v]) => [fromJson(k), fromJson(v)] as const));
    }
    if ('#mv' in o) return modelValue(String(o['#mv']));
    if ('#unserializable' in o) return modelValue(String(o['#unserializable']));
    return record(Object.entries(o).map(([k, v]) => [k, fromJson(v)] as const));
  }
  throw new TlaError('trace', `Cannot convert JSON ${JSON.stringify(j)} to a TLA+ value.`);
}
