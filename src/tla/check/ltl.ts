// Linear temporal formulas in negation normal form and their translation to a generalized Büchi automaton
// by the tableau construction of Gerth, Peled, Vardi and Wolper ("Simple on-the-fly automatic verification
// of linear temporal logic", 1995). Used for temporal properties that are not one of the shapes
// liveness.ts checks directly: the property is negated, translated, and its product with the state graph
// is searched for a fair accepting cycle (tableau-search.ts).
// Literals are atoms (indices into the caller's atom table) or their negations; an atom is either a state
// predicate (holds in the current state) or a step predicate (holds on the step to the next state).

export type Ltl =
  | { readonly op: 'true' }
  | { readonly op: 'false' }
  | { readonly op: 'lit'; readonly atom: number; readonly neg: boolean }
  | { readonly op: 'and' | 'or' | 'U' | 'R'; readonly a: Ltl; readonly b: Ltl }
  | { readonly op: 'X'; readonly a: Ltl };

export const TRUE: Ltl = { op: 'true' };
export const FALSE: Ltl = { op: 'false' };
export const lit = (atom: number, neg = false): Ltl => ({ op: 'lit', atom, neg });
export const and = (a: Ltl, b: Ltl): Ltl => ({ op: 'and', a, b });
export const or = (a: Ltl, b: Ltl): Ltl => ({ op: 'or', a, b });
export const eventually = (a: Ltl): Ltl => ({ op: 'U', a: TRUE, b: a });
export const always = (a: Ltl): Ltl => ({ op: 'R', a: FALSE, b: a });

export function key(f: Ltl): string {
  switch (f.op) {
    case 'true':
    case 'false':
      return f.op;
    case 'lit':
      return `${f.neg ? '!' : ''}p${f.atom}`;
    case 'X':
      return `X(${key(f.a)})`;
    default:
      return `(${key(f.a)} ${f.op} ${key(f.b)})`;
  }
}

/** A tableau node: the literals it asserts now (state and step atoms), and its successors. */
export interface GbaNode {
  readonly id: number;
  readonly literals: readonly { readonly atom: number; readonly neg: boolean }[];
  readonly succ: number[];
  readonly initial: boolean;
  /** Keys of the formulas it holds (for acceptance). */
  readonly old: ReadonlySet<string>;
}

export interface Gba {
  readonly nodes: readonly GbaNode[];
  /** One set per `a U b` subformula: nodes where it is not pending or b holds. */
  readonly accepting: readonly ReadonlySet<number>[];
}

interface Work {
  incoming: Set<number>; // -1: initial
  fresh: Map<string, Ltl>;
  old: Map<string, Ltl>;
  next: Map<string, Ltl>;
}

const NODES_MAX = 4096; // a limit on the automaton, so pathological formulas fail clearly

export function translate(f: Ltl): Gba {
  const done: { w: Work; id: number }[] = [];
  const untils = new Map<string, Ltl>(); // key of `a U b` -> b
  collectUntils(f, untils);
  const stack: Work[] = [{ incoming: new Set([-1]), fresh: new Map([[key(f), f]]), old: new Map(), next: new Map() }];
  while (stack.length > 0) {
    const w = stack.pop() as Work;
    if (w.fresh.size === 0) {
      const same = done.find((d) => sameKeys(d.w.old, w.old) && sameKeys(d.w.next, w.next));
      if (same) {
        for (const i of w.incoming) same.w.incoming.add(i);
        continue;
      }
      if (done.length >= NODES_MAX) throw new Error(`temporal formula too large for the tableau (> ${NODES_MAX} nodes)`);
      const id = done.length;
      done.push({ w, id });
      stack.push({ incoming: new Set([id]), fresh: new Map(w.next), old: new Map(), next: new Map() });
      continue;
    }
    stack.push(...expandOne(w));
  }
  return toGba(done, untils);
}

function expandOne(w: Work): Work[] {
  const [k, eta] = w.fresh.entries().next().value as [string, Ltl];
  w.fresh.delete(k);
  const copy = (extraFresh: Ltl[], extraNext: Ltl[] = []): Work => {
    const c: Work = { incoming: new Set(w.incoming), fresh: new Map(w.fresh), old: new Map(w.old), next: new Map(w.next) };
    c.old.set(k, eta);
    for (const g of extraFresh) if (!c.old.has(key(g))) c.fresh.set(key(g), g);
    for (const g of extraNext) c.next.set(key(g), g);
    return c;
  };
  switch (eta.op) {
    case 'true':
      return [copy([])];
    case 'false':
      return [];
    case 'lit':
      return w.old.has(key({ ...eta, neg: !eta.neg })) ? [] : [copy([])];
    case 'and':
      return [copy([eta.a, eta.b])];
    case 'or':
      return [copy([eta.a]), copy([eta.b])];
    case 'U':
      return [copy([eta.a], [eta]), copy([eta.b])];
    case 'R':
      return [copy([eta.b], [eta]), copy([eta.a, eta.b])];
    case 'X':
      return [copy([], [eta.a])];
  }
}

function sameKeys(a: Map<string, Ltl>, b: Map<string, Ltl>): boolean {
  if (a.size !== b.size) return false;
  for (const k of a.keys()) if (!b.has(k)) return false;
  return true;
}

function collectUntils(f: Ltl, out: Map<string, Ltl>): void {
  if (f.op === 'U') out.set(key(f), f.b);
  if (f.op === 'and' || f.op === 'or' || f.op === 'U' || f.op === 'R') {
    collectUntils(f.a, out);
    collectUntils(f.b, out);
  } else if (f.op === 'X') collectUntils(f.a, out);
}

function toGba(done: { w: Work; id: number }[], untils: Map<string, Ltl>): Gba {
  const nodes: GbaNode[] = done.map(({ w, id }) => ({
    id,
    literals: [...w.old.values()].flatMap((g) => (g.op === 'lit' ? [{ atom: g.atom, neg: g.neg }] : [])),
    succ: [],
    initial: w.incoming.has(-1),
    old: new Set(w.old.keys()),
  }));
  for (const { w, id } of done) for (const from of w.incoming) if (from >= 0) nodes[from].succ.push(id);
  const accepting = [...untils].map(([k, b]) => new Set(nodes.filter((n) => !n.old.has(k) || n.old.has(key(b))).map((n) => n.id)));
  return { nodes, accepting };
}
