// Liveness checking on the explored state graph, after exploration (as TLC does).
// Each supported property shape is negated into a search for a reachable "bad" strongly connected
// component of a restricted graph that is fair for the spec's WF/SF conditions:
//   <>P        -> from an initial state, a fair SCC within ~P states, reached through ~P states only
//   []<>P      -> a fair SCC within ~P states
//   <>[]P      -> a fair SCC containing a ~P state
//   P ~> Q     -> from a reachable P /\ ~Q state, a fair SCC within ~Q states, reached through ~Q states
//   WF_v(A)    -> a fair SCC of states where <<A>>_v is enabled, using no <<A>>_v step
//   SF_v(A)    -> a fair SCC using no <<A>>_v step that contains a state where <<A>>_v is enabled
// Every state can stutter forever (the spec is [][Next]_v), so every state is a one-node cycle.
// WF_v(A) holds on an SCC iff some state disables <<A>>_v or some edge inside is an <<A>>_v step;
// SF_v(A) iff no state enables it or some edge inside is an <<A>>_v step. An SCC failing an SF
// condition is split by removing its A-enabled states and searched again (Streett emptiness).
// ENABLED <<A>>_v is decided on the explored graph: some explored successor is an <<A>>_v step. This is
// exact when A implies Next, as fairness conditions of a spec's own actions do.
import { TlaError, type ExprHandle, type LoadedSpec, type State, type ValueOps } from '../api.js';
import type { StateGraph } from './explore.js';
import type { CheckPlan, Fairness, LiveProperty, StatePred } from './plan.js';
import type { Trace, TraceStep, Verdict } from './result.js';
import { bfsPath, buildCsr, sccs, type Csr } from './scc.js';
import { TableauSearch, type GraphEval } from './tableau-search.js';

interface Search {
  readonly allowed: Uint8Array;
  readonly edgeOk: (e: number) => boolean;
  readonly mustVisit?: Uint8Array;
  readonly start: readonly number[];
  readonly fairness: readonly Fairness[];
}

export class LivenessChecker implements GraphEval {
  readonly g: Csr;
  private readonly n: number;
  private readonly stepCache = new Map<Fairness, Uint8Array>();
  private readonly enabledCache = new Map<Fairness, Uint8Array>();
  private readonly varsCache = new Map<Fairness['vars'], BigUint64Array>();
  private readonly scratch: Uint8Array;

  constructor(
    private readonly spec: LoadedSpec,
    private readonly ops: ValueOps,
    private readonly plan: CheckPlan,
    readonly graph: StateGraph,
  ) {
    this.n = graph.states.length;
    this.scratch = new Uint8Array(this.n);
    this.g = buildCsr(this.n, graph.edgeFrom, graph.edgeTo);
  }

  /** The first violated property (in cfg order), or success. */
  check(): Verdict {
    const props = this.plan.liveProperties;
    for (let i = 0; i < props.length; i++) {
      const p = props[i];
      const trace = this.checkOne(p);
      if (!trace) continue;
      // TLC names every PROPERTY the model violates ("Temporal properties A and B were violated."): check the
      // later ones of other cfg names too.
      const names = [p.cfgName];
      for (const q of props.slice(i + 1)) if (!names.includes(q.cfgName) && this.checkOne(q)) names.push(q.cfgName);
      return names.length > 1 ? { kind: 'temporal', name: p.name, cfgName: p.cfgName, trace, names } : { kind: 'temporal', name: p.name, cfgName: p.cfgName, trace };
    }
    return { kind: 'success' };
  }

  private checkOne(p: LiveProperty): Trace | undefined {
    if (p.shape.kind === 'general') return new TableauSearch(this, p.shape.formula, [...this.plan.fairness, ...p.assume]).findCounterexample();
    const search = this.searchFor(p);
    const region = this.reach(search.start, search.allowed, search.edgeOk);
    const found = this.findFair(region, search);
    return found === undefined ? undefined : this.lasso(found, search);
  }

  private searchFor(p: LiveProperty): Search {
    const fairness = [...this.plan.fairness, ...p.assume];
    const all = new Uint8Array(this.n).fill(1);
    const every = (): true => true;
    const allNodes = [...Array(this.n).keys()];
    const s = p.shape;
    switch (s.kind) {
      case 'eventually': {
        const notP = this.predMask(s.p, true);
        return { allowed: notP, edgeOk: every, start: this.graph.initial.filter((i) => notP[i]), fairness };
      }
      case 'infinitelyOften': {
        const notP = this.predMask(s.p, true);
        return { allowed: notP, edgeOk: every, start: allNodes.filter((i) => notP[i]), fairness };
      }
      case 'eventuallyAlways':
        return { allowed: all, edgeOk: every, mustVisit: this.predMask(s.p, true), start: allNodes, fairness };
      case 'leadsTo': {
        const notQ = this.predMask(s.q, true);
        const pm = this.predMask(s.p, false);
        return { allowed: notQ, edgeOk: every, start: allNodes.filter((i) => pm[i] && notQ[i]), fairness };
      }
      case 'general':
        throw new TlaError('eval', 'internal: general formulas go to the tableau search');
      case 'fair': {
        const steps = this.aSteps(s.fairness);
        const enabled = this.enabledMask(s.fairness);
        const noA = (e: number): boolean => steps[e] === 0;
        if (s.fairness.kind === 'wf') return { allowed: enabled, edgeOk: noA, start: allNodes.filter((i) => enabled[i]), fairness };
        return { allowed: all, edgeOk: noA, mustVisit: enabled, start: allNodes, fairness };
      }
    }
  }

  predMask(p: StatePred, negate: boolean): Uint8Array {
    const m = new Uint8Array(this.n);
    for (let i = 0; i < this.n; i++) m[i] = this.evalPred(p, this.graph.states[i]) !== negate ? 1 : 0;
    return m;
  }

  private evalPred(f: StatePred, s: State): boolean {
    switch (f.kind) {
      case 'state': {
        const v = this.spec.evalState(f.expr, s);
        if (typeof v !== 'boolean') throw new TlaError('eval', `${f.expr.text} is not a boolean`, f.expr.loc);
        return v;
      }
      case 'and':
        return f.parts.every((q) => this.evalPred(q, s));
      case 'or':
        return f.parts.some((q) => this.evalPred(q, s));
      case 'not':
        return !this.evalPred(f.sub, s);
      case 'implies':
        return !this.evalPred(f.lhs, s) || this.evalPred(f.rhs, s);
      default:
        throw new TlaError('unsupported', `temporal operator inside a state predicate (${f.kind})`);
    }
  }

  /** For each edge: is it an <<A>>_v step? */
  aSteps(f: Fairness): Uint8Array {
    let m = this.stepCache.get(f);
    if (m) return m;
    const { edgeFrom, edgeTo, states } = this.graph;
    const v = this.varsFingerprints(f.vars);
    m = new Uint8Array(edgeFrom.length);
    for (let e = 0; e < edgeFrom.length; e++) {
      const changes = v[edgeFrom[e]] !== v[edgeTo[e]];
      m[e] = changes && this.spec.evalStep(f.action, states[edgeFrom[e]], states[edgeTo[e]]) === true ? 1 : 0;
    }
    this.stepCache.set(f, m);
    return m;
  }

  stepHolds(a: ExprHandle, s: number, t: number): boolean {
    return this.spec.evalStep(a, this.graph.states[s], this.graph.states[t]) === true;
  }

  varsChanged(vars: ExprHandle, e: number): boolean {
    const v = this.varsFingerprints(vars);
    return v[this.graph.edgeFrom[e]] !== v[this.graph.edgeTo[e]];
  }

  /** The fingerprint of the subscript's value in every state (so "v changed" is a comparison per edge). */
  private varsFingerprints(vars: Fairness['vars']): BigUint64Array {
    let fps = this.varsCache.get(vars);
    if (fps) return fps;
    fps = new BigUint64Array(this.n);
    for (let i = 0; i < this.n; i++) fps[i] = this.ops.fingerprint(this.spec.evalState(vars, this.graph.states[i]));
    this.varsCache.set(vars, fps);
    return fps;
  }

  enabledMask(f: Fairness): Uint8Array {
    let m = this.enabledCache.get(f);
    if (m) return m;
    const steps = this.aSteps(f);
    m = new Uint8Array(this.n);
    for (let e = 0; e < steps.length; e++) if (steps[e]) m[this.graph.edgeFrom[e]] = 1;
    this.enabledCache.set(f, m);
    return m;
  }

  private reach(start: readonly number[], allowed: Uint8Array, edgeOk: (e: number) => boolean): Uint8Array {
    const seen = new Uint8Array(this.n);
    const q: number[] = [];
    for (const s of start) if (allowed[s] && !seen[s]) (seen[s] = 1), q.push(s);
    for (let h = 0; h < q.length; h++) {
      const u = q[h];
      for (let k = this.g.start[u]; k < this.g.start[u + 1]; k++) {
        const e = this.g.edgeIds[k];
        const v = this.g.edgeTo[e];
        if (!seen[v] && allowed[v] && edgeOk(e)) (seen[v] = 1), q.push(v);
      }
    }
    return seen;
  }

  /**
   * A fair SCC inside the region (node list), or undefined. Among fair components we pick the one with
   * the smallest state index (indices are BFS order), which tends to give short counterexamples.
   */
  private findFair(region: Uint8Array, s: Search): number[] | undefined {
    const work: Uint8Array[] = [region];
    let best: number[] | undefined;
    let bestMin = Infinity;
    while (work.length > 0) {
      const mask = work.pop() as Uint8Array;
      for (const comp of sccs(this.g, mask, s.edgeOk)) {
        let lowest = Infinity; // no Math.min(...comp): components can exceed the argument limit
        for (const u of comp) if (u < lowest) lowest = u;
        if (lowest >= bestMin) continue;
        const verdict = this.judge(comp, s);
        if (verdict === 'fair') {
          best = comp;
          bestMin = lowest;
        } else if (verdict instanceof Uint8Array) work.push(verdict);
      }
    }
    return best;
  }

  /** 'fair', 'dead' (no fair sub-cycle), or a smaller mask to search (an SF split). */
  private judge(comp: number[], s: Search): 'fair' | 'dead' | Uint8Array {
    if (s.mustVisit && !comp.some((u) => s.mustVisit?.[u])) return 'dead';
    // One scratch mask for all components (there can be as many components as states).
    const inComp = this.scratch;
    for (const u of comp) inComp[u] = 1;
    try {
      return this.judgeFairness(comp, inComp, s);
    } finally {
      for (const u of comp) inComp[u] = 0;
    }
  }

  private judgeFairness(comp: number[], inComp: Uint8Array, s: Search): 'fair' | 'dead' | Uint8Array {
    for (const f of s.fairness) {
      const enabled = this.enabledMask(f);
      if (this.hasStepInside(comp, inComp, f, s)) continue;
      const anyEnabled = comp.some((u) => enabled[u]);
      if (f.kind === 'wf' && comp.every((u) => enabled[u])) return 'dead';
      if (f.kind === 'sf' && anyEnabled) {
        const sub = new Uint8Array(this.n);
        for (const u of comp) if (!enabled[u]) sub[u] = 1;
        return sub;
      }
    }
    return 'fair';
  }

  private hasStepInside(comp: number[], inComp: Uint8Array, f: Fairness, s: Search): boolean {
    const steps = this.aSteps(f);
    for (const u of comp) {
      for (let k = this.g.start[u]; k < this.g.start[u + 1]; k++) {
        const e = this.g.edgeIds[k];
        if (steps[e] && inComp[this.g.edgeTo[e]] && s.edgeOk(e)) return true;
      }
    }
    return false;
  }

  /** Builds prefix + cycle through the fair SCC, visiting what fairness and mustVisit need. */
  private lasso(comp: number[], s: Search): Trace {
    const inComp = new Uint8Array(this.n);
    for (const u of comp) inComp[u] = 1;
    // Path inside the search region from a start node to the SCC, then from an initial state to that start.
    const region = this.reach(s.start, s.allowed, s.edgeOk);
    const tail = bfsPath(this.g, s.start, (u) => inComp[u] === 1, region, s.edgeOk);
    if (!tail) throw new TlaError('eval', 'internal: no path to the fair component');
    const head = bfsPath(this.g, this.graph.initial, (u) => u === tail.nodes[0], undefined, () => true);
    if (!head) throw new TlaError('eval', 'internal: no path from an initial state');
    const nodes = [...head.nodes, ...tail.nodes.slice(1)];
    const edges = [...head.edges, ...tail.edges];
    const cycle = this.cycleThrough(comp, inComp, nodes[nodes.length - 1], s);
    return this.toTrace(nodes, edges, cycle);
  }

  private cycleThrough(comp: number[], inComp: Uint8Array, entry: number, s: Search): number[] {
    const cycleEdges: number[] = [];
    let cur = entry;
    const walkTo = (goal: (u: number) => boolean): void => {
      const p = bfsPath(this.g, [cur], goal, inComp, s.edgeOk);
      if (!p) throw new TlaError('eval', 'internal: SCC is not strongly connected');
      cycleEdges.push(...p.edges);
      cur = p.nodes[p.nodes.length - 1];
    };
    if (s.mustVisit && !s.mustVisit[cur]) walkTo((u) => s.mustVisit?.[u] === 1);
    for (const f of s.fairness) {
      const steps = this.aSteps(f);
      const enabled = this.enabledMask(f);
      if (comp.some((u) => !enabled[u])) {
        if (f.kind === 'wf' || comp.every((u) => !enabled[u])) {
          if (enabled[cur]) walkTo((u) => !enabled[u]);
          continue;
        }
      }
      const e = this.stepEdgeInside(comp, inComp, steps, s);
      if (e < 0) continue;
      walkTo((u) => u === this.graph.edgeFrom[e]);
      cycleEdges.push(e);
      cur = this.graph.edgeTo[e];
    }
    if (cycleEdges.length > 0 || cur !== entry) {
      const back = bfsPath(this.g, [cur], (u) => u === entry, inComp, s.edgeOk);
      if (back && back.edges.length > 0) cycleEdges.push(...back.edges);
    }
    return cycleEdges;
  }

  private stepEdgeInside(comp: number[], inComp: Uint8Array, steps: Uint8Array, s: Search): number {
    for (const u of comp) {
      for (let k = this.g.start[u]; k < this.g.start[u + 1]; k++) {
        const e = this.g.edgeIds[k];
        if (steps[e] && inComp[this.g.edgeTo[e]] && s.edgeOk(e)) return e;
      }
    }
    return -1;
  }

  private toTrace(nodes: number[], edges: number[], cycle: number[]): Trace {
    const st = this.graph.states;
    const lab = (e: number): TraceStep['action'] => this.graph.labels[this.graph.edgeLabel[e]];
    const steps: TraceStep[] = nodes.map((u, i) => (i === 0 ? { state: st[u] } : { state: st[u], action: lab(edges[i - 1]) }));
    if (cycle.length === 0) return { steps, loop: { kind: 'stutter' } };
    for (let k = 0; k + 1 < cycle.length; k++) steps.push({ state: st[this.graph.edgeTo[cycle[k]]], action: lab(cycle[k]) });
    const last = cycle[cycle.length - 1];
    return { steps, loop: { kind: 'backTo', index: nodes.length, action: lab(last) as NonNullable<TraceStep['action']> } };
  }
}

export function checkLiveness(spec: LoadedSpec, ops: ValueOps, plan: CheckPlan, graph: StateGraph): Verdict {
  return new LivenessChecker(spec, ops, plan, graph).check();
}
