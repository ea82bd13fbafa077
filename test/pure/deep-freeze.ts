// Tests deep-freeze every state they pass to a reducer (DESIGN.md §3): a mutation throws in strict mode.
export function deepFreeze<T>(v: T, seen = new Set<unknown>()): T {
  if (v === null || typeof v !== 'object' || seen.has(v)) return v;
  seen.add(v);
  for (const k of Object.keys(v as object)) deepFreeze((v as Record<string, unknown>)[k], seen);
  return Object.freeze(v);
}
