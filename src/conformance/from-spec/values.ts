// What every counterexample translator reads from a state: TLA+ values as plain JSON (sets as {"#set": [...]},
// functions as records or arrays, tuples as arrays), whether the file was TLC json or ITF (index.ts fromItf).

/** The elements of a set value ({"#set": [...]}); [] for anything else. */
export function setOf(j: unknown): unknown[] {
  return typeof j === 'object' && j !== null && '#set' in j ? ((j as { '#set': unknown[] })['#set'] ?? []) : [];
}

/** A set of strings, sorted (node and user names; sets of them compare as this). */
export function stringSet(j: unknown): string[] {
  return setOf(j)
    .filter((x): x is string => typeof x === 'string')
    .sort();
}

/** A function over strings (TLC dumps [n \in Nodes |-> ...] as a record); {} for anything else. */
export function recordOf(j: unknown): Readonly<Record<string, unknown>> {
  return typeof j === 'object' && j !== null && !Array.isArray(j) && !('#set' in j) ? (j as Record<string, unknown>) : {};
}

/** A set rendered the TLA+ way, for reports: {"n1", "n2"}. */
export function showSet(xs: readonly string[]): string {
  return `{${xs.map((x) => JSON.stringify(x)).join(', ')}}`;
}
