// Breadth-first exploration with TLC's counting rules (see ../shared/tla-conformance/README.md beside the repository):
// - generated counts every initial state and every successor, duplicates and constraint-excluded ones too;
// - distinct counts states put in the seen set (those that pass CONSTRAINT/ACTION_CONSTRAINT);
// - invariants are checked on each successor not seen before, as soon as it is generated, even if a
//   constraint excludes it; action properties on every generated transition;
// - deadlock = Next produced no successor at all, reported when the state is dequeued.
// States are kept only while queued; counterexamples are rebuilt from parent pointers (trace-rebuild.ts).
import { TlaError, type ActionLabel, type LoadedSpec, type SourceLoc, type State, type ValueOps } from '../api.js';
import { FingerprintSet, FpVec, IntVec } from './fp-set.js';
import type { CheckPlan } from './plan.js';
import type { Stats, Trace, TraceStep, Verdict } from './result.js';
import { isAllocationFailure, MemoryGuard } from './memory.js';
import { makeKeyer, type StateKeyer } from './state-key.js';
import { rebuildPath } from './trace-rebuild.js';

export interface ExploreOptions {
  /** Keep every state and edge for liveness checking. */
  readonly recordGraph: boolean;
  /** Called every `progressMs` with the running stats. */
  readonly onProgress?: (s: Stats) => void;
  readonly progressMs?: number;
  /** The memory limit in bytes (JS heap + off-heap), `--max-memory`; default: see memory.ts. */
  readonly maxMemoryBytes?: number;
}

/** The explored graph, kept when liveness properties need it. */
export interface StateGraph {
  readonly states: readonly State[];
  readonly initial: readonly number[];
  readonly edgeFrom: Int32Array;
  readonly edgeTo: Int32Array;
  readonly edgeLabel: Int32Array;
  readonly labels: readonly ActionLabel[];
}

export interface ExploreResult {
  readonly verdict: Verdict;
  readonly stats: Stats;
  readonly graph?: StateGraph;
}

class Stop {
  constructor(readonly verdict: Verdict) {}
}

export class Explorer {
  private readonly seen = new FingerprintSet();
  private readonly parent = new IntVec();
  private readonly level = new IntVec();
  private readonly fps = new FpVec();
  private readonly labels: ActionLabel[] = [];
  private readonly labelIds = new Map<string, number>();
  private readonly queue: { s: State; i: number }[] = [];
  private head = 0;
  private generated = 0;
  private depth = 0;
  private readonly graphStates: State[] = [];
  private readonly initial: number[] = [];
  private readonly edges = { from: new IntVec(), to: new IntVec(), label: new IntVec() };
  private readonly degrees = new IntVec();
  private readonly started = Date.now();
  private lastProgress = Date.now();
  private keyOf!: StateKeyer;

  constructor(
    private readonly spec: LoadedSpec,
    private readonly ops: ValueOps,
    private readonly plan: CheckPlan,
    private readonly opts: ExploreOptions,
  ) {}

  run(): ExploreResult {
    let verdict: Verdict = { kind: 'success' };
    try {
      this.exploreInit();
      while (this.head < this.queue.length) {
        this.expand();
        if ((++this.expanded & 1023) === 0) this.checkMemory();
      }
    } catch (e) {
      if (e instanceof Stop) verdict = e.verdict;
      else if (isAllocationFailure(e)) verdict = this.memoryVerdict(`A memory allocation failed (${(e as Error).message})`);
      else throw e;
    }
    return { verdict, stats: { ...this.stats(), peakMemoryBytes: this.memory.peak }, graph: this.opts.recordGraph ? this.graph() : undefined };
  }

  private exploreInit(): void {
    const inits = this.guard(() => this.spec.initStates(this.plan.init), undefined);
    this.keyOf = makeKeyer(this.spec, this.ops, this.plan, inits[0]);
    for (const s of inits) {
      if ((++this.generated & 1023) === 0) this.checkMemory();
      const inModel = this.guard(() => this.holdsAll(this.plan.constraints, s), undefined);
      let isNew = true;
      let idx = -1;
      if (inModel) {
        idx = this.addState(s, -1, 1);
        isNew = idx >= 0;
        if (isNew) this.initial.push(idx);
      }
      if (!isNew) continue;
      const trace: Trace = { steps: [{ state: s }] };
      for (const inv of this.plan.invariants) {
        if (!this.guard(() => this.holds(inv.expr, s), undefined)) this.stop({ kind: 'invariant', name: inv.name, cfgName: inv.cfgName, trace });
      }
      for (const p of this.plan.initProperties) {
        if (!this.guard(() => this.holds(p.expr, s), undefined)) this.stop({ kind: 'initProperty', name: p.name, cfgName: p.cfgName, trace });
      }
      if (idx >= 0) this.queue.push({ s, i: idx });
    }
  }

  private expanded = 0;

  private memoryGuard: MemoryGuard | undefined;
  private get memory(): MemoryGuard {
    return (this.memoryGuard ??= new MemoryGuard(this.opts.maxMemoryBytes));
  }

  /** Stops with a clear message before memory runs out (an out-of-memory crash would lose the counts). */
  private checkMemory(): void {
    const over = this.memory.check();
    if (over !== undefined) this.stop(this.memoryVerdict(over));
  }

  private memoryVerdict(why: string): Verdict {
    return {
      kind: 'error',
      code: 'memory',
      message: `Out of memory: the search stopped after ${this.fps.length} distinct states (${this.generated} generated, ${this.queue.length - this.head} on the queue). ${why}, or bound the model (CONSTRAINT, smaller constants).`,
    };
  }

  private expand(): void {
    const { s, i } = this.queue[this.head];
    this.queue[this.head++] = undefined as unknown as { s: State; i: number }; // free the state for GC
    if (this.head > 65536 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    const succs = this.guard(() => this.spec.successors(this.plan.next, s), i);
    if (succs.length === 0 && this.plan.checkDeadlock) this.stop({ kind: 'deadlock', trace: this.pathTo(i) });
    const before = this.fps.length;
    for (const tr of succs) this.onSuccessor(s, i, tr.state, tr.action);
    // TLC's "outdegree" statistics count the new states each expansion found.
    this.degrees.push(this.fps.length - before);
    this.maybeProgress();
  }

  private onSuccessor(s: State, i: number, t: State, action: ActionLabel): void {
    this.generated++;
    const inModel = this.guard(
      () => this.holdsAll(this.plan.constraints, t) && this.plan.actionConstraints.every((a) => this.spec.evalStep(a, s, t) === true),
      i,
    );
    // Labels are interned only for the liveness graph; safety traces are rebuilt by re-execution.
    const lab = this.opts.recordGraph ? this.labelId(action) : -1;
    let isNew = true;
    let idx = -1;
    if (inModel) {
      idx = this.addState(t, i, this.level.get(i) + 1);
      isNew = idx >= 0;
      if (this.opts.recordGraph) this.addEdge(i, isNew ? idx : this.seen.get(this.keyOf(t)), lab);
    }
    const bad = (): Trace => ({ steps: [...this.pathTo(i).steps, { state: t, action }] });
    if (isNew) {
      for (const inv of this.plan.invariants) {
        if (!this.guard(() => this.holds(inv.expr, t), i)) this.stop({ kind: 'invariant', name: inv.name, cfgName: inv.cfgName, trace: bad() });
      }
    }
    for (const p of this.plan.actionProperties) {
      const ok = this.guard(() => this.spec.evalStep(p.action, s, t) === true || this.unchanged(p.vars, s, t), i);
      if (!ok) this.stop({ kind: 'actionProperty', name: p.name, cfgName: p.cfgName, trace: bad() });
    }
    // Like TLC, a new state is enqueued only after its checks pass (it is counted as distinct either way).
    if (idx >= 0) this.queue.push({ s: t, i: idx });
  }

  /** Adds s if its key is new; returns its index, or -1 when already seen. */
  private addState(s: State, parent: number, lvl: number): number {
    const fp = this.keyOf(s);
    const idx = this.fps.length;
    if (this.seen.putIfAbsent(fp, idx) >= 0) return -1;
    this.fps.push(fp);
    this.parent.push(parent);
    this.level.push(lvl);
    if (lvl > this.depth) this.depth = lvl;
    if (this.opts.recordGraph) this.graphStates.push(s);
    return idx;
  }

  private addEdge(from: number, to: number, lab: number): void {
    this.edges.from.push(from);
    this.edges.to.push(to);
    this.edges.label.push(lab);
  }

  private labelId(a: ActionLabel): number {
    const key = labelKey(a, this.ops);
    let id = this.labelIds.get(key);
    if (id === undefined) {
      id = this.labels.length;
      this.labels.push(a);
      this.labelIds.set(key, id);
    }
    return id;
  }

  private holds(e: CheckPlan['init'], s: State): boolean {
    const v = this.spec.evalState(e, s);
    if (typeof v !== 'boolean') throw new TlaError('eval', `${e.text} is not a boolean (it is ${this.ops.print(v)})`, e.loc);
    return v;
  }

  private holdsAll(es: readonly CheckPlan['init'][], s: State): boolean {
    return es.every((e) => this.holds(e, s));
  }

  private unchanged(vars: CheckPlan['init'], s: State, t: State): boolean {
    return this.ops.equals(this.spec.evalState(vars, s), this.spec.evalState(vars, t));
  }

  /** Runs f; an evaluation error stops the search with the trace to the state being expanded. */
  private guard<T>(f: () => T, expanding: number | undefined): T {
    try {
      return f();
    } catch (e) {
      if (!(e instanceof TlaError) || e instanceof Stop) throw e;
      const trace = expanding === undefined ? undefined : this.pathTo(expanding);
      throw new Stop({ kind: 'error', code: e.code, message: e.message, trace, loc: e.loc, nested: nestedOf(e) });
    }
  }

  private stop(v: Verdict): never {
    throw new Stop(v);
  }

  private pathTo(i: number): Trace {
    const idxs: number[] = [];
    for (let j = i; j >= 0; j = this.parent.get(j)) idxs.push(j);
    idxs.reverse();
    const steps: TraceStep[] = rebuildPath(this.spec, this.plan, this.keyOf, idxs.map((j) => this.fps.get(j)));
    return { steps };
  }

  private maybeProgress(): void {
    if (this.opts.onProgress === undefined || (this.head & 63) !== 0) return;
    const now = Date.now();
    if (now - this.lastProgress < (this.opts.progressMs ?? 5000)) return;
    this.lastProgress = now;
    this.opts.onProgress(this.stats());
  }

  private stats(): Stats {
    return {
      generated: this.generated,
      distinct: this.fps.length,
      initial: this.initial.length,
      queueLeft: this.queue.length - this.head,
      depth: this.depth,
      elapsedMs: Date.now() - this.started,
      outdegree: outdegreeStats(this.degrees.view()),
    };
  }

  private graph(): StateGraph {
    return {
      states: this.graphStates,
      initial: this.initial,
      edgeFrom: this.edges.from.view(),
      edgeTo: this.edges.to.view(),
      edgeLabel: this.edges.label.view(),
      labels: this.labels,
    };
  }
}

/** TLC's outdegree statistics from the new states each expansion found. */
export function outdegreeStats(d: Int32Array): Stats['outdegree'] {
  const sorted = Int32Array.from(d).sort();
  const n = sorted.length;
  let sum = 0;
  for (const x of sorted) sum += x;
  return {
    min: n ? sorted[0] : 0,
    max: n ? sorted[n - 1] : 0,
    mean: n ? sum / n : 0,
    p95: n ? sorted[Math.min(n - 1, Math.floor(n * 0.95))] : 0,
  };
}

/** What makes two action labels the same label of the state graph. */
export function labelKey(a: ActionLabel, ops: ValueOps): string {
  return `${a.name}(${a.args.map((v) => ops.print(v)).join(',')})@${a.loc.module}:${a.loc.line}:${a.loc.col}`;
}

/** TLC's "nested expressions" of an evaluation error, when the front end gives them. */
function nestedOf(e: TlaError): readonly SourceLoc[] | undefined {
  const n = (e as TlaError & { nested?: unknown }).nested;
  return Array.isArray(n) ? (n as SourceLoc[]) : undefined;
}

export function explore(spec: LoadedSpec, ops: ValueOps, plan: CheckPlan, opts: ExploreOptions): ExploreResult {
  return new Explorer(spec, ops, plan, opts).run();
}
