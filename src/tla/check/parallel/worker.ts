// An exploration worker of `porcupine tla check --workers N` (parallel.ts explains the design). It loads the
// spec and cfg itself, then answers jobs in the order they come: the initial states, chunks of states to
// expand, and counterexample paths to rebuild. It checks the invariants of each state it is given to
// expand, and for each generated state evaluates what the one-worker explorer (explore.ts) would:
// constraints, the state's key, action properties, and invariants at once for a state outside the model
// (never expanded); it sends back only the states that may be new and the checks that failed, and the main
// thread decides, in BFS order, what is new and whether a failure counts.
import { parentPort, workerData } from 'node:worker_threads';
import { TlaError, type ActionLabel, type ExprHandle, type LoadedSpec, type State, type Transition, type ValueOps } from '../../api.js';
import { loadWithCfg } from '../../cli/load.js';
import { internToken } from '../../values/index.js';
import { labelKey } from '../explore.js';
import { FingerprintSet, FpVec, IntVec } from '../fp-set.js';
import { buildPlan, type CheckPlan } from '../plan.js';
import { makeKeyer, type StateKeyer } from '../state-key.js';
import { rebuildPath } from '../trace-rebuild.js';
import { StateReader, StateWriter } from './codec.js';
import { CONSTRAINT_ERROR, EVAL_FAILED, IN_MODEL, KNOWN_SEEN, type ErrorInfo, type FromWorker, type LabelInfo, type Records, type ToWorker, type WorkerSource } from './protocol.js';

type RecordError = Records['errors'][number];

/** Builds the Records of one job. */
class RecordSink {
  readonly owner = new IntVec(256);
  readonly pos = new IntVec(256);
  readonly flags = new IntVec(256);
  readonly inv = new IntVec(256);
  readonly prop = new IntVec(256);
  readonly fp = new FpVec();
  readonly at = new IntVec(256);
  readonly label = new IntVec(256);
  readonly writer = new StateWriter();
  readonly errors: RecordError[] = [];
  readonly newLabels: LabelInfo[] = [];
  readonly labelWriter = new StateWriter();

  add(owner: number, pos: number, flags: number, inv: number, prop: number, fp: bigint, state: State | undefined, label = -1): number {
    this.label.push(label);
    this.owner.push(owner);
    this.pos.push(pos);
    this.flags.push(flags);
    this.inv.push(inv);
    this.prop.push(prop);
    this.fp.push(fp);
    this.at.push(state === undefined ? -1 : this.writer.write(state));
    return this.owner.length - 1;
  }

  done(): Records {
    return {
      owner: this.owner.view().slice(),
      pos: this.pos.view().slice(),
      flags: this.flags.view().slice(),
      inv: this.inv.view().slice(),
      prop: this.prop.view().slice(),
      fp: this.fp.view().slice(),
      at: this.at.view().slice(),
      words: this.writer.take(),
      label: this.label.view().slice(),
      newLabels: this.newLabels,
      labelWords: this.labelWriter.take(),
      errors: this.errors,
    };
  }
}

/** The buffers of a Records, to transfer instead of copy. */
export function recordBuffers(r: Records): ArrayBuffer[] {
  return [r.owner, r.pos, r.flags, r.inv, r.prop, r.fp, r.at, r.words, r.label, r.labelWords].map((a) => a.buffer as ArrayBuffer);
}

export function errorInfo(e: TlaError): ErrorInfo {
  const nested = (e as TlaError & { nested?: unknown }).nested;
  return { code: e.code, message: e.message, loc: e.loc, nested: Array.isArray(nested) ? nested : undefined };
}

/**
 * Names interned while exploring (strings built at run time, e.g. by \o or ToString) get their rank in the
 * order each thread meets them, so threads could order sets of them differently and give one state two
 * fingerprints. A probe name interned after each job shows whether any other name was interned meanwhile.
 */
class NameProbe {
  private n = 0;
  private last = this.next();
  private next(): number {
    return internToken(`\u0000porcupine-worker-probe-${++this.n}`);
  }
  grew(): boolean {
    const r = this.next();
    const grew = r - this.last > 1;
    this.last = r;
    return grew;
  }
}

class ExplorationWorker {
  private keyer: StateKeyer | undefined;
  /** Keys known to be in the main thread's seen set, or sent to it as candidates earlier (so seen by now). */
  private readonly known = new FingerprintSet();
  private readonly probe = new NameProbe();
  private readonly nvars: number;
  /** Action labels numbered so far, by explore.ts's labelId key. */
  private readonly labelIds = new Map<string, number>();

  constructor(
    private readonly spec: LoadedSpec,
    private readonly ops: ValueOps,
    private readonly plan: CheckPlan,
    private readonly recordGraph: boolean,
  ) {
    this.nvars = spec.variables.length;
  }

  /** The worker's number for an action label; a new one is described in the job's records. */
  private labelId(a: ActionLabel, sink: RecordSink): number {
    const key = labelKey(a, this.ops);
    let id = this.labelIds.get(key);
    if (id === undefined) {
      id = this.labelIds.size;
      this.labelIds.set(key, id);
      sink.newLabels.push({ key, name: a.name, loc: a.loc, nargs: a.args.length, argsAt: sink.labelWriter.write(a.args) });
    }
    return id;
  }

  handle(m: ToWorker): { reply: FromWorker; transfer: ArrayBuffer[] } {
    switch (m.kind) {
      case 'init':
        return this.init();
      case 'expand':
        return this.expand(m);
      case 'trace':
        return this.trace(m.fps, m.pos);
    }
  }

  private keyOf(s: State | undefined): StateKeyer {
    this.keyer ??= makeKeyer(this.spec, this.ops, this.plan, s);
    return this.keyer;
  }

  private init(): { reply: FromWorker; transfer: ArrayBuffer[] } {
    const sink = new RecordSink();
    let inits: readonly State[];
    try {
      inits = this.spec.initStates(this.plan.init);
    } catch (e) {
      if (!(e instanceof TlaError)) throw e;
      const records = sink.done();
      return { reply: { kind: 'init', count: 0, error: errorInfo(e), records, runtimeNames: this.probe.grew() }, transfer: recordBuffers(records) };
    }
    const keyOf = this.keyOf(inits[0]);
    for (let p = 0; p < inits.length; p++) {
      const s = inits[p];
      let inModel: boolean;
      try {
        inModel = this.holdsAll(this.plan.constraints, s);
      } catch (e) {
        if (!(e instanceof TlaError)) throw e;
        sink.errors.push({ rec: sink.add(0, p, CONSTRAINT_ERROR, 0, 0, 0n, undefined), which: 'constraint', error: errorInfo(e) });
        break;
      }
      const fp = inModel ? keyOf(s) : 0n;
      if (inModel && this.known.get(fp) >= 0) continue; // a duplicate initial state: only counted
      const errs: RecordError[] = [];
      const inv = this.firstFailing(this.plan.invariants.map((i) => i.expr), s, errs, 'inv');
      const prop = inv !== 0 ? 0 : this.firstFailing(this.plan.initProperties.map((i) => i.expr), s, errs, 'prop');
      const rec = sink.add(0, p, inModel ? IN_MODEL : 0, inv, prop, fp, inModel || inv !== 0 || prop !== 0 ? s : undefined);
      for (const e of errs) sink.errors.push({ ...e, rec });
      if (inModel) this.known.putIfAbsent(fp, 0);
    }
    const records = sink.done();
    return { reply: { kind: 'init', count: inits.length, records, runtimeNames: this.probe.grew() }, transfer: recordBuffers(records) };
  }

  private expand(m: Extract<ToWorker, { kind: 'expand' }>): { reply: FromWorker; transfer: ArrayBuffer[] } {
    for (const fp of m.seen) this.known.putIfAbsent(fp, 0);
    const reader = new StateReader(m.words);
    const sink = new RecordSink();
    const count = m.starts.length - 1;
    const generated = new Int32Array(count);
    const stateErrors: { state: number; which: 'next' | 'inv'; error: ErrorInfo }[] = [];
    // Invariants of every state of the job first (initial states were checked when computed): the main
    // thread needs them even for the states after one whose expansion stops the search.
    const states: State[] = [];
    const stateInv = new Int32Array(count);
    for (let j = 0; j < count; j++) {
      const s = reader.read(m.starts[j], this.nvars);
      states.push(s);
      if (j < m.checked) continue;
      const errs: RecordError[] = [];
      stateInv[j] = this.firstFailing(this.plan.invariants.map((i) => i.expr), s, errs, 'inv');
      for (const e of errs) stateErrors.push({ state: j, which: 'inv', error: e.error });
    }
    for (let j = 0; j < count && !m.checkOnly; j++) {
      const s = states[j];
      const keyOf = this.keyOf(s);
      let succs;
      try {
        succs = this.spec.successors(this.plan.next, s);
      } catch (e) {
        if (!(e instanceof TlaError)) throw e;
        generated[j] = -1;
        stateErrors.push({ state: j, which: 'next', error: errorInfo(e) });
        break;
      }
      generated[j] = succs.length;
      // A deadlock, or a failure below that stops the search whatever the main thread finds: the rest is moot.
      if (succs.length === 0 && this.plan.checkDeadlock) break;
      if (!this.successors(j, s, succs, keyOf, sink)) break;
    }
    const records = sink.done();
    const reply: FromWorker = { kind: 'expanded', job: m.job, generated, stateInv, stateErrors, records, runtimeNames: this.probe.grew() };
    return { reply, transfer: [generated.buffer, stateInv.buffer, ...recordBuffers(records)] };
  }

  /** Evaluates the checks of each successor of s; false when one failed in a way that stops the search. */
  private successors(j: number, s: State, succs: readonly Transition[], keyOf: StateKeyer, sink: RecordSink): boolean {
    const plan = this.plan;
    for (let p = 0; p < succs.length; p++) {
      const t = succs[p].state;
      // Numbered before the checks, in successor order, as explore.ts numbers them.
      const label = this.recordGraph ? this.labelId(succs[p].action, sink) : -1;
      let inModel: boolean;
      try {
        inModel = this.holdsAll(plan.constraints, t) && plan.actionConstraints.every((a) => this.spec.evalStep(a, s, t) === true);
      } catch (e) {
        if (!(e instanceof TlaError)) throw e;
        sink.errors.push({ rec: sink.add(j, p, CONSTRAINT_ERROR, 0, 0, 0n, undefined, label), which: 'constraint', error: errorInfo(e) });
        return false;
      }
      const fp = inModel ? keyOf(t) : 0n;
      const seen = inModel && this.known.get(fp) >= 0;
      const errs: RecordError[] = [];
      // A state outside the model is never expanded: its invariants are checked now. Those of a state in the
      // model are checked when it is expanded, once, if the main thread finds it new (parallel.ts).
      const inv = inModel ? 0 : this.firstFailing(plan.invariants.map((i) => i.expr), t, errs, 'inv');
      let prop = 0;
      for (let k = 0; k < plan.actionProperties.length && prop === 0; k++) {
        const ap = plan.actionProperties[k];
        try {
          if (!(this.spec.evalStep(ap.action, s, t) === true || this.ops.equals(this.spec.evalState(ap.vars, s), this.spec.evalState(ap.vars, t)))) prop = k + 1;
        } catch (e) {
          if (!(e instanceof TlaError)) throw e;
          prop = EVAL_FAILED;
          errs.push({ rec: -1, which: 'prop', error: errorInfo(e) });
        }
      }
      const candidate = inModel && !seen;
      if (candidate || inv !== 0 || prop !== 0 || this.recordGraph) {
        const rec = sink.add(j, p, (inModel ? IN_MODEL : 0) | (seen ? KNOWN_SEEN : 0), inv, prop, fp, candidate ? t : undefined, label);
        for (const e of errs) sink.errors.push({ ...e, rec });
      }
      if (candidate) this.known.putIfAbsent(fp, 0);
      if (prop !== 0) return false;
    }
    return true;
  }

  /** 0 when every expression holds in s, k+1 when the kth is false, EVAL_FAILED (error in errs) when it threw. */
  private firstFailing(es: readonly ExprHandle[], s: State, errs: RecordError[], which: 'inv' | 'prop'): number {
    for (let k = 0; k < es.length; k++) {
      try {
        if (!this.holds(es[k], s)) return k + 1;
      } catch (e) {
        if (!(e instanceof TlaError)) throw e;
        errs.push({ rec: -1, which, error: errorInfo(e) });
        return EVAL_FAILED;
      }
    }
    return 0;
  }

  private holds(e: ExprHandle, s: State): boolean {
    const v = this.spec.evalState(e, s);
    if (typeof v !== 'boolean') throw new TlaError('eval', `${e.text} is not a boolean (it is ${this.ops.print(v)})`, e.loc);
    return v;
  }

  private holdsAll(es: readonly ExprHandle[], s: State): boolean {
    return es.every((e) => this.holds(e, s));
  }

  private trace(fps: BigUint64Array, pos: number): { reply: FromWorker; transfer: ArrayBuffer[] } {
    const w = new StateWriter();
    const starts: number[] = [];
    const labels: (LabelInfo | null)[] = [];
    try {
      const steps = rebuildPath(this.spec, this.plan, this.keyOf(undefined), [...fps]);
      if (pos >= 0) {
        const tr = this.spec.successors(this.plan.next, steps[steps.length - 1].state)[pos];
        steps.push({ state: tr.state, action: tr.action });
      }
      for (const st of steps) {
        starts.push(w.write(st.state));
        const a = st.action;
        labels.push(a === undefined ? null : { key: '', name: a.name, loc: a.loc, nargs: a.args.length, argsAt: w.write(a.args) });
      }
    } catch (e) {
      if (!(e instanceof TlaError)) throw e;
      return { reply: { kind: 'trace', words: new Int32Array(0), starts: new Int32Array(0), labels: [], error: errorInfo(e) }, transfer: [] };
    }
    const words = w.take();
    const st = Int32Array.from(starts);
    return { reply: { kind: 'trace', words, starts: st, labels }, transfer: [words.buffer as ArrayBuffer, st.buffer] };
  }
}

async function main(): Promise<void> {
  const port = parentPort;
  if (port === null) throw new Error('worker.ts runs only as a worker thread');
  const src = workerData as WorkerSource;
  let worker: ExplorationWorker;
  try {
    const { spec, ops, cfg } = await loadWithCfg(src.specPath, src.cfgPath, { libs: src.libs });
    let plan = buildPlan(spec, cfg);
    if (src.noDeadlock) plan = { ...plan, checkDeadlock: false };
    worker = new ExplorationWorker(spec, ops, plan, src.recordGraph);
  } catch (e) {
    port.postMessage({ kind: 'crash', message: e instanceof Error ? e.message : String(e) } satisfies FromWorker);
    return;
  }
  port.on('message', (m: ToWorker) => {
    try {
      const { reply, transfer } = worker.handle(m);
      port.postMessage(reply, transfer);
    } catch (e) {
      port.postMessage({ kind: 'crash', message: e instanceof Error ? (e.stack ?? e.message) : String(e) } satisfies FromWorker);
    }
  });
  port.postMessage({ kind: 'ready' } satisfies FromWorker);
}

await main();
