// General temporal properties: negate, translate to a generalized Büchi automaton (ltl.ts), build its
// product with the explored state graph (every state may also stutter), and search the product for a
// reachable strongly connected component that visits every acceptance set and is fair for the spec's
// WF/SF conditions (same rules as liveness.ts, with SF splitting). Used only for property shapes that
// liveness.ts does not check directly.
import { TlaError, type ExprHandle, type TemporalFormula } from '../api.js';
import { always, and, eventually, FALSE, lit, or, translate, TRUE, type Gba, type Ltl } from './ltl.js';
import type { Fairness, StatePred } from './plan.js';
import { isStateLevel } from './plan.js';
import type { Trace, TraceStep } from './result.js';
import { bfsPath, buildCsr, sccs, type Csr } from './scc.js';
import type { StateGraph } from './explore.js';

/** What the tableau search needs from the liveness checker (graph-level evaluations, cached there). */
export interface GraphEval {
  readonly graph: StateGraph;
  readonly g: Csr;
  predMask(p: StatePred, negate: boolean): Uint8Array;
  aSteps(f: Fairness): Uint8Array;
  enabledMask(f: Fairness): Uint8Array;
  /** Bare action A on step (s, t) (t = s for stuttering). */
  stepHolds(a: ExprHandle, s: number, t: number): boolean;
  /** Does graph edge e change the value of vars? */
  varsChanged(vars: ExprHandle, e: number): boolean;
}

type Atom =
  | { readonly kind: 'state'; readonly pred: StatePred }
  | { readonly kind: 'enabled' | 'angle' | 'box'; readonly f: Fairness }
  | { readonly kind: 'action'; readonly expr: ExprHandle };

function inCompSet(comp: number[]): Set<number> {
  return new Set(comp);
}

class AtomTable {
  readonly atoms: Atom[] = [];
  add(a: Atom): number {
    this.atoms.push(a);
    return this.atoms.length - 1;
  }
}

function fold(parts: Ltl[], op: typeof and, unit: Ltl): Ltl {
  return parts.length === 0 ? unit : parts.reduce((x, y) => op(x, y));
}

/** The formula (negated when neg) in negation normal form over atoms. */
export function toLtl(f: TemporalFormula, neg: boolean, t: AtomTable): Ltl {
  if (isStateLevel(f)) return lit(t.add({ kind: 'state', pred: f }), neg);
  switch (f.kind) {
    case 'and':
    case 'or': {
      const conj = (f.kind === 'and') !== neg;
      return fold(f.parts.map((p) => toLtl(p, neg, t)), conj ? and : or, conj ? TRUE : FALSE);
    }
    case 'not':
      return toLtl(f.sub, !neg, t);
    case 'implies':
      return neg ? and(toLtl(f.lhs, false, t), toLtl(f.rhs, true, t)) : or(toLtl(f.lhs, true, t), toLtl(f.rhs, false, t));
    case 'always':
      return neg ? eventually(toLtl(f.sub, true, t)) : always(toLtl(f.sub, false, t));
    case 'eventually':
      return neg ? always(toLtl(f.sub, true, t)) : eventually(toLtl(f.sub, false, t));
    case 'leadsTo':
      return neg
        ? eventually(and(toLtl(f.lhs, false, t), always(toLtl(f.rhs, true, t))))
        : always(or(toLtl(f.lhs, true, t), eventually(toLtl(f.rhs, false, t))));
    case 'boxAction': {
      const box = t.add({ kind: 'box', f: { kind: 'wf', action: f.action, vars: f.vars } });
      return neg ? eventually(lit(box, true)) : always(lit(box));
    }
    case 'diamondAction': {
      const angle = t.add({ kind: 'angle', f: { kind: 'wf', action: f.action, vars: f.vars } });
      return neg ? always(lit(angle, true)) : eventually(lit(angle));
    }
    case 'weakFair':
    case 'strongFair':
      return fairness(f.kind === 'weakFair' ? 'wf' : 'sf', { kind: f.kind === 'weakFair' ? 'wf' : 'sf', action: f.action, vars: f.vars }, neg, t);
    case 'action':
      return lit(t.add({ kind: 'action', expr: f.expr }), neg);
    case 'state':
      return lit(t.add({ kind: 'state', pred: f }), neg);
  }
}

/** WF = []<>~EN \/ []<><<A>>_v ; SF = <>[]~EN \/ []<><<A>>_v (EN = ENABLED <<A>>_v). */
function fairness(kind: 'wf' | 'sf', fair: Fairness, neg: boolean, t: AtomTable): Ltl {
  const en = t.add({ kind: 'enabled', f: fair });
  const step = t.add({ kind: 'angle', f: fair });
  const gf = (x: Ltl): Ltl => always(eventually(x));
  const fg = (x: Ltl): Ltl => eventually(always(x));
  if (kind === 'wf') return neg ? and(fg(lit(en)), fg(lit(step, true))) : or(gf(lit(en, true)), gf(lit(step)));
  return neg ? and(gf(lit(en)), fg(lit(step, true))) : or(fg(lit(en, true)), gf(lit(step)));
}

interface Product {
  readonly n: number;
  readonly stateOf: Int32Array;
  readonly nodeOf: Int32Array;
  readonly initial: number[];
  readonly g: Csr;
  /** Graph edge of each product edge, -1 for a stuttering step. */
  readonly graphEdge: Int32Array;
}

export class TableauSearch {
  private readonly atoms = new AtomTable();
  private readonly gba: Gba;
  private readonly stateMasks = new Map<number, Uint8Array>();

  constructor(
    private readonly ev: GraphEval,
    formula: TemporalFormula,
    private readonly fair: readonly Fairness[],
  ) {
    try {
      this.gba = translate(toLtl(formula, true, this.atoms));
    } catch (e) {
      throw new TlaError('unsupported', (e as Error).message);
    }
  }

  /** A fair accepting lasso of the negated property, i.e. a counterexample; undefined when it holds. */
  findCounterexample(): Trace | undefined {
    const p = this.product();
    const all = new Uint8Array(p.n);
    for (const i of this.reachable(p)) all[i] = 1;
    const work: Uint8Array[] = [all];
    while (work.length > 0) {
      const mask = work.pop() as Uint8Array;
      for (const comp of sccs(p.g, mask, () => true)) {
        const v = this.judge(p, comp);
        if (v === 'fair') return this.lasso(p, comp);
        if (v instanceof Uint8Array) work.push(v);
      }
    }
    return undefined;
  }

  private stateLitOk(atom: number, neg: boolean, s: number): boolean {
    const a = this.atoms.atoms[atom];
    if (a.kind === 'state' || a.kind === 'enabled') {
      let m = this.stateMasks.get(atom);
      if (!m) {
        m = a.kind === 'state' ? this.ev.predMask(a.pred, false) : this.ev.enabledMask(a.f);
        this.stateMasks.set(atom, m);
      }
      return (m[s] === 1) !== neg;
    }
    return true; // step atoms are checked on edges
  }

  private stepLitOk(atom: number, neg: boolean, s: number, t: number, e: number): boolean {
    const a = this.atoms.atoms[atom];
    let holds: boolean;
    switch (a.kind) {
      case 'state':
      case 'enabled':
        return true;
      case 'angle':
        holds = e >= 0 && this.ev.aSteps(a.f)[e] === 1;
        break;
      case 'box':
        // [A]_v: an A step or v unchanged; a stutter leaves v unchanged.
        holds = e < 0 || !this.ev.varsChanged(a.f.vars, e) || this.ev.stepHolds(a.f.action, s, t);
        break;
      case 'action':
        holds = this.ev.stepHolds(a.expr, s, t);
        break;
    }
    return holds !== neg;
  }

  private product(): Product {
    const G = this.ev.graph;
    const Q = this.gba.nodes.length;
    const index = new Map<number, number>();
    const stateOf: number[] = [];
    const nodeOf: number[] = [];
    const from: number[] = [];
    const to: number[] = [];
    const gEdge: number[] = [];
    const okState = (q: number, s: number): boolean => this.gba.nodes[q].literals.every((l) => this.stateLitOk(l.atom, l.neg, s));
    const intern = (s: number, q: number): number => {
      const k = s * Q + q;
      let i = index.get(k);
      if (i === undefined) {
        i = stateOf.length;
        index.set(k, i);
        stateOf.push(s);
        nodeOf.push(q);
      }
      return i;
    };
    const initial: number[] = [];
    for (const s of G.initial) for (const q of this.gba.nodes) if (q.initial && okState(q.id, s)) initial.push(intern(s, q.id));
    for (let i = 0; i < stateOf.length; i++) {
      const s = stateOf[i];
      const q = this.gba.nodes[nodeOf[i]];
      const moves: [number, number][] = [[s, -1]];
      for (let k = this.ev.g.start[s]; k < this.ev.g.start[s + 1]; k++) moves.push([G.edgeTo[this.ev.g.edgeIds[k]], this.ev.g.edgeIds[k]]);
      for (const [t, e] of moves) {
        if (!q.literals.every((l) => this.stepLitOk(l.atom, l.neg, s, t, e))) continue;
        for (const q2 of q.succ) {
          if (!okState(q2, t)) continue;
          from.push(i);
          to.push(intern(t, q2));
          gEdge.push(e);
        }
      }
    }
    const n = stateOf.length;
    return { n, stateOf: Int32Array.from(stateOf), nodeOf: Int32Array.from(nodeOf), initial, g: buildCsr(n, Int32Array.from(from), Int32Array.from(to)), graphEdge: Int32Array.from(gEdge) };
  }

  private reachable(p: Product): number[] {
    const seen = new Uint8Array(p.n);
    const q = p.initial.filter((i) => !seen[i] && (seen[i] = 1));
    for (let h = 0; h < q.length; h++) {
      const u = q[h];
      for (let k = p.g.start[u]; k < p.g.start[u + 1]; k++) {
        const v = p.g.edgeTo[p.g.edgeIds[k]];
        if (!seen[v]) (seen[v] = 1), q.push(v);
      }
    }
    return q;
  }

  private internalEdges(p: Product, comp: number[], inComp: Set<number>): number[] {
    const out: number[] = [];
    for (const u of comp) for (let k = p.g.start[u]; k < p.g.start[u + 1]; k++) if (inComp.has(p.g.edgeTo[p.g.edgeIds[k]])) out.push(p.g.edgeIds[k]);
    return out;
  }

  private judge(p: Product, comp: number[]): 'fair' | 'dead' | Uint8Array {
    const inComp = new Set(comp);
    const edges = this.internalEdges(p, comp, inComp);
    if (edges.length === 0) return 'dead'; // every product node has a stutter move, but it may be filtered out
    for (const acc of this.gba.accepting) if (!comp.some((u) => acc.has(p.nodeOf[u]))) return 'dead';
    for (const f of this.fair) {
      const en = this.ev.enabledMask(f);
      const steps = this.ev.aSteps(f);
      if (edges.some((e) => p.graphEdge[e] >= 0 && steps[p.graphEdge[e]] === 1)) continue;
      if (f.kind === 'wf' && comp.every((u) => en[p.stateOf[u]] === 1)) return 'dead';
      if (f.kind === 'sf' && comp.some((u) => en[p.stateOf[u]] === 1)) {
        const sub = new Uint8Array(p.n);
        for (const u of comp) if (!en[p.stateOf[u]]) sub[u] = 1;
        return sub;
      }
    }
    return 'fair';
  }

  private lasso(p: Product, comp: number[]): Trace {
    const inComp = new Uint8Array(p.n);
    for (const u of comp) inComp[u] = 1;
    const head = bfsPath(p.g, p.initial, (u) => inComp[u] === 1, undefined, () => true);
    if (!head) throw new TlaError('eval', 'internal: no path to the accepting component');
    const entry = head.nodes[head.nodes.length - 1];
    const cycle: number[] = [];
    let cur = entry;
    const walk = (goal: (u: number) => boolean): void => {
      const w = bfsPath(p.g, [cur], goal, inComp, () => true);
      if (!w) throw new TlaError('eval', 'internal: accepting component is not strongly connected');
      cycle.push(...w.edges);
      cur = w.nodes[w.nodes.length - 1];
    };
    for (const acc of this.gba.accepting) walk((u) => acc.has(p.nodeOf[u]));
    for (const f of this.fair) {
      const en = this.ev.enabledMask(f);
      const steps = this.ev.aSteps(f);
      const stepEdge = this.internalEdges(p, comp, new Set(comp)).find((e) => p.graphEdge[e] >= 0 && steps[p.graphEdge[e]] === 1);
      if (stepEdge !== undefined) {
        walk((u) => u === p.g.edgeFrom[stepEdge]);
        cycle.push(stepEdge);
        cur = p.g.edgeTo[stepEdge];
      } else walk((u) => en[p.stateOf[u]] === 0);
    }
    // Close the cycle; it needs at least one move (judge() saw an internal edge).
    if (cycle.length === 0) {
      const e0 = this.internalEdges(p, [entry], inCompSet(comp)).find(() => true);
      if (e0 === undefined) throw new TlaError('eval', 'internal: accepting component without a cycle');
      cycle.push(e0);
      cur = p.g.edgeTo[e0];
    }
    if (cur !== entry) walk((u) => u === entry);
    return this.toTrace(p, head.nodes[0], head.edges, cycle);
  }

  private toTrace(p: Product, start: number, prefix: number[], cycle: number[]): Trace {
    const G = this.ev.graph;
    const steps: TraceStep[] = [{ state: G.states[p.stateOf[start]] }];
    const label = (e: number): NonNullable<TraceStep['action']> => G.labels[G.edgeLabel[p.graphEdge[e]]];
    for (const e of prefix) if (p.graphEdge[e] >= 0) steps.push({ state: G.states[p.stateOf[p.g.edgeTo[e]]], action: label(e) });
    const loopAt = steps.length;
    const real = cycle.filter((e) => p.graphEdge[e] >= 0); // stuttering steps change nothing: leave them out
    if (real.length === 0) return { steps, loop: { kind: 'stutter' } };
    for (const e of real.slice(0, -1)) steps.push({ state: G.states[p.stateOf[p.g.edgeTo[e]]], action: label(e) });
    return { steps, loop: { kind: 'backTo', index: loopAt, action: label(real[real.length - 1]) } };
  }
}
