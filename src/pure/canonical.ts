// A canonical rendering of plain data for digests: object keys sorted, persistent maps as sorted entries,
// no whitespace. Two states render alike exactly when they hold the same data (not the same sharing).
// O(size of the state): for replay checks and tests, never the hot path.
import { PMap } from './pmap.js';

export function canonical(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (v === null || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') return JSON.stringify(v);
  if (v instanceof PMap) {
    return `PMap{${(v as PMap<unknown>).sortedEntries().map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(',')}}`;
  }
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o).filter((k) => o[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
  }
  // Functions, symbols and bigints never belong in node state.
  return `<${typeof v}>`;
}
