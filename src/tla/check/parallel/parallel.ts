// `--workers N`: breadth-first search on N worker threads with the one-worker explorer's exact results.
//
// Design (measured against the alternatives in docs/tla.md): the main thread owns the seen set, the parent
// pointers and a FIFO queue of encoded states (codec.ts); workers (worker.ts) do the expensive part,
// evaluating Next, constraints, keys (fingerprint, VIEW, SYMMETRY) and invariants. The queue is cut into
// jobs, each worker has up to two in flight, and results are COMMITTED IN JOB ORDER, i.e. in the order the
// one-worker BFS would dequeue the states. So the seen set takes the same states in the same order, and
// every count, the outdegree statistics, the depth, the first violation found and its counterexample are
// those of --workers 1 (a stronger guarantee than TLC gives with several workers). A worker sends only the
// successors that may be new: it filters with the keys the seen set held when the job was sent, plus the
// ones it sent itself before. States cross threads as Int32 words, never as object graphs. Invariants of
// states in the model are checked at expansion, with one worker's counts restored (genAt, drain below).
//
// With liveness properties the workers also report every transition and its action label, and the main
// thread decodes each new state, to build the same state graph as explore.ts (liveness runs on it after).
// A spec that interns new names while exploring (NameProbe in worker.ts) returns a fallback: the caller
// then runs one worker.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { TlaError, type ActionLabel, type State } from '../../api.js';
import { outdegreeStats, type ExploreResult, type StateGraph } from '../explore.js';
import { FingerprintSet, FpVec, IntVec } from '../fp-set.js';
import type { CheckPlan } from '../plan.js';
import type { Stats, Trace, Verdict } from '../result.js';
import { readState, StateReader } from './codec.js';
import { CONSTRAINT_ERROR, EVAL_FAILED, IN_MODEL, KNOWN_SEEN, type ErrorInfo, type FromWorker, type Records, type ToWorker, type WorkerSource } from './protocol.js';

export type { WorkerSource } from './protocol.js';

/** The heap fraction at which the search stops with an out-of-memory message (as explore.ts does). */
const MEMORY_STOP_FRACTION = 0.9;

const mb = (n: number): number => Math.round(n / 2 ** 20);

function isWorkerOutOfMemory(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 'ERR_WORKER_OUT_OF_MEMORY';
}

/** States per job at most (small jobs at the start, when the queue is short, keep every worker busy). */
const MAX_JOB = 512;
/** Jobs in flight per worker: one to work on, one waiting, so a worker never waits for the main thread. */
const IN_FLIGHT = 2;

export interface ParallelOptions {
  readonly workers: number;
  readonly source: WorkerSource;
  readonly onProgress?: (s: Stats) => void;
  readonly progressMs?: number;
}

export type ParallelOutcome = { readonly kind: 'done'; readonly result: ExploreResult } | { readonly kind: 'fallback'; readonly reason: string };

/** `--workers auto`: one per core, like TLC's `-workers auto`. */
export function parseWorkers(text: string): number | undefined {
  if (text === 'auto') return availableParallelism();
  return /^[1-9]\d*$/.test(text) ? Number(text) : undefined;
}

/** Why the search ended early: a verdict, possibly still needing its counterexample from a worker. */
interface Ending {
  readonly make: (trace: Trace | undefined) => Verdict;
  /** The state whose path the trace follows (-1: no trace; -2: the given initial state). */
  readonly path: number;
  /** With path >= 0: the successor of the path's last state to append (-1: none). */
  readonly pos: number;
  readonly initial?: State;
  /** The counts when the search stopped (default: now). */
  readonly stats?: Stats;
  /**
   * Final: no state generated before the stop can still fail an invariant. Otherwise the invariants of the
   * queued states generated before it are checked first (pending, below): one of them may come first.
   */
  readonly final?: boolean;
  /** The job being committed when the search stopped. */
  readonly job?: Job;
}

/** A stop waiting for the invariants of the queued states before it (see Coordinator.drain). */
interface Pending {
  readonly ending: Ending;
  /** Queue positions below this were generated before the stop. */
  readonly limit: number;
  /** The next queue position to check, and the job it was in when the stop came (already committed). */
  scan: number;
  readonly current: Job;
}

class Ended {
  constructor(readonly ending: Ending) {}
}

class Fallback {
  constructor(readonly reason: string) {}
}

interface Job {
  readonly worker: number;
  /** Queue position of the job's first state. */
  readonly first: number;
  readonly count: number;
  result?: Extract<FromWorker, { kind: 'expanded' }>;
}

export function exploreParallel(nvars: number, plan: CheckPlan, opts: ParallelOptions): Promise<ParallelOutcome> {
  return new Coordinator(nvars, plan, opts).run();
}

class Coordinator {
  private readonly seen = new FingerprintSet();
  private readonly parent = new IntVec();
  private readonly level = new IntVec();
  private readonly fps = new FpVec();
  private readonly degrees = new IntVec();
  /** The queue: encoded state and state index by queue position; a state is dropped once sent out. */
  private readonly qStates: (Int32Array | undefined)[] = [];
  private readonly qIndex = new IntVec();
  private dispatched = 0;
  private committed = 0;
  private generated = 0;
  private readonly initial: number[] = [];
  private depth = 0;
  /** The state graph, when liveness needs it (explore.ts's StateGraph, in the same order). */
  private readonly graph = { states: [] as State[], from: new IntVec(), to: new IntVec(), label: new IntVec(), labels: [] as ActionLabel[] };
  private readonly labelIds = new Map<string, number>();
  /** Per worker: its label numbers' keys; and every label met, by key. */
  private readonly workerLabels: string[][] = [];
  private readonly labelDefs = new Map<string, ActionLabel>();
  private readonly jobs = new Map<number, Job>();
  private nextJob = 0;
  private commitJob = 0;
  private readonly workers: Worker[] = [];
  private readonly inFlight: number[] = [];
  /** How many fingerprints of `fps` each worker has been sent. */
  private readonly synced: number[] = [];
  private readonly started = Date.now();
  private lastProgress = Date.now();
  private settle!: (o: ParallelOutcome) => void;
  private fail!: (e: unknown) => void;
  private traceWaiter: ((m: Extract<FromWorker, { kind: 'trace' }>) => void) | undefined;
  private finished = false;
  /**
   * Invariants are checked when a state is expanded, not when it is generated (a worker cannot tell a new
   * state from one another worker's job found meanwhile, and checking duplicates cost a quarter of the
   * time on invariant-heavy specs). For each state, what one worker's search had when it generated it, to
   * report a violation with one worker's counts: generated so far, states expanded so far, its position
   * among its parent's successors.
   */
  private readonly genAt: number[] = [];
  private readonly headAt = new IntVec();
  private readonly posOf = new IntVec();
  /** Initial states at the head of the queue were checked when computed. */
  private initialQueued = 0;
  private pending: Pending | undefined;

  constructor(
    private readonly nvars: number,
    private readonly plan: CheckPlan,
    private readonly opts: ParallelOptions,
  ) {}

  run(): Promise<ParallelOutcome> {
    return new Promise<ParallelOutcome>((resolve, reject) => {
      this.settle = resolve;
      this.fail = reject;
      for (let w = 0; w < this.opts.workers; w++) {
        const worker = new Worker(workerScript(), { workerData: this.opts.source });
        worker.on('message', (m: FromWorker) => this.onMessage(w, m));
        worker.on('error', (e) => {
          if (!isWorkerOutOfMemory(e)) this.abort(e);
          else if (!this.finished) void this.end(this.outOfMemory(`worker ${w + 1} outgrew its heap`));
        });
        this.workers.push(worker);
        this.inFlight.push(0);
        this.synced.push(0);
        this.workerLabels.push([]);
      }
      this.post(0, { kind: 'init' });
    });
  }

  private post(w: number, m: ToWorker, transfer: ArrayBuffer[] = []): void {
    this.workers[w].postMessage(m, transfer);
  }

  private onMessage(w: number, m: FromWorker): void {
    if (m.kind === 'trace') return this.traceWaiter?.(m);
    if (m.kind === 'crash') return this.abort(new Error(`model-checking worker ${w + 1} failed: ${m.message}`));
    if (this.finished) return;
    try {
      switch (m.kind) {
        case 'ready':
          return;
        case 'init':
          if (m.runtimeNames) throw new Fallback('names were interned while computing the initial states');
          this.commitInit(m);
          break;
        case 'expanded': {
          if (m.runtimeNames) throw new Fallback('the spec builds new strings while exploring (their order could differ between threads)');
          this.inFlight[w]--;
          const job = this.jobs.get(m.job);
          if (job === undefined) throw new Error(`internal: result of unknown job ${m.job}`);
          job.result = m;
          if (this.pending) return this.drain();
          for (let j = this.jobs.get(this.commitJob); j?.result !== undefined; j = this.jobs.get(this.commitJob)) {
            this.jobs.delete(this.commitJob++);
            this.commitJobResult(j);
          }
          break;
        }
      }
      this.dispatch();
      if (this.jobs.size === 0 && this.dispatched === this.qStates.length) this.finish({ kind: 'done', result: { verdict: { kind: 'success' }, stats: this.stats(), graph: this.stateGraph() } });
    } catch (e) {
      if (e instanceof Ended) this.stopping(e.ending);
      else if (e instanceof Fallback) this.finish({ kind: 'fallback', reason: e.reason });
      else this.abort(e);
    }
  }

  private dispatch(): void {
    const n = this.workers.length;
    for (let w = 0; w < n; w++) {
      while (this.inFlight[w] < IN_FLIGHT && this.dispatched < this.qStates.length) {
        const waiting = this.qStates.length - this.dispatched;
        const count = Math.min(MAX_JOB, Math.max(1, Math.ceil(waiting / (n * IN_FLIGHT))));
        this.sendJob(w, count);
      }
    }
  }

  private sendJob(w: number, count: number, checkOnly = false): void {
    const first = this.dispatched;
    let size = 0;
    for (let k = first; k < first + count; k++) size += (this.qStates[k] as Int32Array).length;
    const words = new Int32Array(size);
    const starts = new Int32Array(count + 1);
    let at = 0;
    for (let k = 0; k < count; k++) {
      const s = this.qStates[first + k] as Int32Array;
      this.qStates[first + k] = undefined;
      starts[k] = at;
      words.set(s, at);
      at += s.length;
    }
    starts[count] = at;
    this.dispatched += count;
    const seen = this.fps.view().slice(this.synced[w]);
    this.synced[w] = this.fps.length;
    const job = this.nextJob++;
    this.jobs.set(job, { worker: w, first, count });
    this.inFlight[w]++;
    const checked = Math.max(0, Math.min(count, this.initialQueued - first));
    this.post(w, { kind: 'expand', job, words, starts, seen, checked, checkOnly }, [words.buffer, starts.buffer, seen.buffer]);
  }

  /** Learns the labels a worker numbered in a job (committed in the worker's job order, so in its numbering order). */
  private learnLabels(w: number, r: Records): void {
    for (const l of r.newLabels) {
      this.workerLabels[w].push(l.key);
      if (!this.labelDefs.has(l.key)) this.labelDefs.set(l.key, { name: l.name, loc: l.loc, args: new StateReader(r.labelWords).read(l.argsAt, l.nargs) });
    }
  }

  /** The graph's number of a worker's label: numbered at first use in commit order, as explore.ts does. */
  private labelOf(w: number, local: number): number {
    const key = this.workerLabels[w][local];
    let id = this.labelIds.get(key);
    if (id === undefined) {
      id = this.graph.labels.length;
      this.graph.labels.push(this.labelDefs.get(key) as ActionLabel);
      this.labelIds.set(key, id);
    }
    return id;
  }

  private commitInit(m: Extract<FromWorker, { kind: 'init' }>): void {
    if (m.error) this.stopWith(errorVerdict(m.error), -1, -1);
    const r = m.records;
    // Nothing is deferred yet: every stop here is final.
    try {
      this.commitInitRecords(m, r);
    } catch (e) {
      if (e instanceof Ended) throw new Ended({ ...e.ending, final: true });
      throw e;
    }
    this.initialQueued = this.qStates.length;
  }

  private commitInitRecords(m: Extract<FromWorker, { kind: 'init' }>, r: Records): void {
    const ends = stateEnds(r);
    for (let k = 0; k < r.owner.length; k++) {
      const p = r.pos[k];
      const err = (which: string): ErrorInfo | undefined => r.errors.find((e) => e.rec === k && e.which === which)?.error;
      if (r.flags[k] & CONSTRAINT_ERROR) {
        this.generated = p + 1;
        this.stopWith(errorVerdict(err('constraint')), -1, -1);
      }
      const inModel = (r.flags[k] & IN_MODEL) !== 0;
      const state = (): State => readState(r.words, r.at[k], this.nvars);
      const idx = inModel ? this.addState(r.fp[k], -1, 1, state, p + 1, 0) : -1;
      if (idx >= 0) this.initial.push(idx);
      if (inModel && idx < 0) continue;
      if (r.inv[k] !== 0 || r.prop[k] !== 0) {
        this.generated = p + 1;
        const inv = r.inv[k] !== 0;
        const code = inv ? r.inv[k] : r.prop[k];
        if (code === EVAL_FAILED) this.stopWith(errorVerdict(err(inv ? 'inv' : 'prop')), -1, -1);
        const named = inv ? this.plan.invariants[code - 1] : this.plan.initProperties[code - 1];
        const kind = inv ? 'invariant' : 'initProperty';
        throw new Ended({ make: (trace) => ({ kind, name: named.name, cfgName: named.cfgName, trace: trace as Trace }), path: -2, pos: -1, initial: state() });
      }
      if (idx >= 0) this.enqueue(r.words.subarray(r.at[k], ends[k]), idx);
    }
    this.generated = m.count;
  }

  private commitJobResult(job: Job): void {
    const m = job.result as Extract<FromWorker, { kind: 'expanded' }>;
    const r = m.records;
    this.learnLabels(job.worker, r);
    const ends = stateEnds(r);
    let k = 0;
    for (let j = 0; j < job.count; j++) {
      const i = this.qIndex.get(job.first + j);
      // Its invariants, checked now, come before anything its expansion finds (see genAt).
      if (m.stateInv[j] !== 0) throw new Ended(this.deferredViolation(i, m.stateInv[j], m.stateErrors.find((e) => e.state === j && e.which === 'inv')?.error));
      this.committed++;
      const g = m.generated[j];
      if (g < 0) this.stopWith(errorVerdict(m.stateErrors.find((e) => e.state === j && e.which === 'next')?.error), i, -1, 0, job);
      if (g === 0 && this.plan.checkDeadlock) this.stopWith((trace) => ({ kind: 'deadlock', trace: trace as Trace }), i, -1, 0, job);
      const before = this.fps.length;
      for (; k < r.owner.length && r.owner[k] === j; k++) this.commitRecord(job, r, k, ends[k], i);
      this.generated += g;
      this.degrees.push(this.fps.length - before);
      if ((this.committed & 1023) === 0) {
        this.maybeProgress();
        this.checkMemory();
      }
    }
  }

  /** One successor of state i, as explore.ts's onSuccessor handles it. */
  private commitRecord(job: Job, r: Records, k: number, end: number, i: number): void {
    const p = r.pos[k];
    const flags = r.flags[k];
    const recordGraph = this.opts.source.recordGraph;
    const lab = recordGraph ? this.labelOf(job.worker, r.label[k]) : -1;
    const err = (which: string): ErrorInfo | undefined => r.errors.find((e) => e.rec === k && e.which === which)?.error;
    let idx = -1;
    const stop = (make: (trace: Trace | undefined) => Verdict, pos: number): never => {
      this.generated += p + 1;
      // A new state is queued at once (its invariants are checked later), but one worker would not have queued it.
      this.stopWith(make, i, pos, idx >= 0 ? 1 : 0, job);
    };
    if (flags & CONSTRAINT_ERROR) stop(errorVerdict(err('constraint')), -1);
    let isNew = true;
    if (flags & IN_MODEL) {
      idx = flags & KNOWN_SEEN ? -1 : this.addState(r.fp[k], i, this.level.get(i) + 1, () => readState(r.words, r.at[k], this.nvars), this.generated + p + 1, p);
      isNew = idx >= 0;
      if (idx >= 0) this.enqueue(r.words.subarray(r.at[k], end), idx);
      if (recordGraph) {
        this.graph.from.push(i);
        this.graph.to.push(isNew ? idx : this.seen.get(r.fp[k]));
        this.graph.label.push(lab);
      }
    }
    const inv = r.inv[k];
    if (isNew && inv === EVAL_FAILED) stop(errorVerdict(err('inv')), -1);
    if (isNew && inv > 0) {
      const named = this.plan.invariants[inv - 1];
      stop((trace) => ({ kind: 'invariant', name: named.name, cfgName: named.cfgName, trace: trace as Trace }), p);
    }
    const prop = r.prop[k];
    if (prop === EVAL_FAILED) stop(errorVerdict(err('prop')), -1);
    if (prop > 0) {
      const ap = this.plan.actionProperties[prop - 1];
      stop((trace) => ({ kind: 'actionProperty', name: ap.name, cfgName: ap.cfgName, trace: trace as Trace }), p);
    }
  }

  private addState(fp: bigint, parent: number, lvl: number, state: () => State, generatedAt: number, pos: number): number {
    const idx = this.fps.length;
    if (this.seen.putIfAbsent(fp, idx) >= 0) return -1;
    this.genAt.push(generatedAt);
    this.headAt.push(this.committed);
    this.posOf.push(pos);
    if (this.opts.source.recordGraph) this.graph.states.push(state());
    this.fps.push(fp);
    this.parent.push(parent);
    this.level.push(lvl);
    if (lvl > this.depth) this.depth = lvl;
    return idx;
  }

  private enqueue(state: Int32Array, idx: number): void {
    this.qStates.push(state);
    this.qIndex.push(idx);
  }

  /** Stops with the counts of now, less `unqueued` states one worker would not have queued. */
  private stopWith(make: (trace: Trace | undefined) => Verdict, path: number, pos: number, unqueued = 0, job?: Job): never {
    const now = this.stats();
    throw new Ended({ make, path, pos, stats: { ...now, queueLeft: now.queueLeft - unqueued }, final: job === undefined, job });
  }

  /** A state that failed its invariants (or their evaluation) when expanded, with the counts one worker had when it generated it. */
  private deferredViolation(x: number, code: number, error: ErrorInfo | undefined): Ending {
    const head = this.headAt.get(x);
    const stats: Stats = {
      generated: this.genAt[x],
      distinct: x + 1,
      initial: this.initial.length,
      queueLeft: x - head,
      depth: this.level.get(x),
      elapsedMs: Date.now() - this.started,
      outdegree: outdegreeStats(this.degrees.view().subarray(0, head - 1)),
    };
    const parent = this.parent.get(x);
    if (code === EVAL_FAILED) return { make: errorVerdict(error), path: parent, pos: -1, stats, final: true };
    const named = this.plan.invariants[code - 1];
    return { make: (trace) => ({ kind: 'invariant', name: named.name, cfgName: named.cfgName, trace: trace as Trace }), path: parent, pos: this.posOf.get(x), stats, final: true };
  }

  /** A stop during a commit: final, or first the invariants of the queued states generated before it. */
  private stopping(e: Ending): void {
    if (e.final || e.job === undefined) return void this.end(e);
    const job = e.job;
    // States of the stopping job up to the one being expanded had their invariants checked in commitJobResult.
    this.pending = { ending: e, limit: this.qStates.length, scan: this.committed, current: job };
    this.drain();
  }

  /**
   * With a stop pending: scans, in queue order, the invariant outcomes of the states generated before it,
   * sending the ones no worker has yet as check-only jobs; the first failure wins, else the stop stands.
   */
  private drain(): void {
    const p = this.pending as Pending;
    if (this.dispatched < p.limit) {
      for (let w = 0; this.dispatched < p.limit; w = (w + 1) % this.workers.length) this.sendJob(w, Math.min(MAX_JOB, p.limit - this.dispatched), true);
    }
    let job: Job | undefined = p.current;
    while (p.scan < p.limit) {
      if (job === undefined || p.scan >= job.first + job.count) job = [...this.jobs.values()].find((j) => j.first <= p.scan && p.scan < j.first + j.count);
      if (job?.result === undefined) return; // wait for it
      const j = p.scan - job.first;
      const code = job.result.stateInv[j];
      if (code !== 0) return void this.end(this.deferredViolation(this.qIndex.get(p.scan), code, job.result.stateErrors.find((e) => e.state === j && e.which === 'inv')?.error));
      p.scan++;
    }
    void this.end(p.ending);
  }

  /** Ends the search with a verdict, after asking a worker for its counterexample when it has one. */
  private async end(e: Ending): Promise<void> {
    const stats = e.stats ?? this.stats();
    this.finished = true; // later job results are moot
    try {
      let trace: Trace | undefined;
      if (e.path === -2 && e.initial) trace = { steps: [{ state: e.initial }] };
      else if (e.path >= 0) trace = await this.rebuild(e.path, e.pos);
      this.settleWith({ kind: 'done', result: { verdict: e.make(trace), stats } });
    } catch (err) {
      this.abort(err);
    }
  }

  private async rebuild(i: number, pos: number): Promise<Trace> {
    const path: bigint[] = [];
    for (let j = i; j >= 0; j = this.parent.get(j)) path.push(this.fps.get(j));
    path.reverse();
    const m = await new Promise<Extract<FromWorker, { kind: 'trace' }>>((resolve) => {
      this.traceWaiter = resolve;
      const fps = BigUint64Array.from(path);
      this.post(0, { kind: 'trace', fps, pos }, [fps.buffer]);
    });
    if (m.error) throw new TlaError(m.error.code as TlaError['code'], m.error.message, m.error.loc);
    const reader = new StateReader(m.words);
    const steps = Array.from(m.starts, (at, k) => {
      const l = m.labels[k];
      const action: ActionLabel | undefined = l === null ? undefined : { name: l.name, loc: l.loc, args: new StateReader(m.words).read(l.argsAt, l.nargs) };
      return { state: reader.read(at, this.nvars), action };
    });
    return { steps };
  }

  private finish(o: ParallelOutcome): void {
    this.finished = true;
    this.settleWith(o);
  }

  private settleWith(o: ParallelOutcome): void {
    void Promise.all(this.workers.map((w) => w.terminate())).then(() => this.settle(o), this.fail);
  }

  private abort(e: unknown): void {
    this.finished = true;
    void Promise.all(this.workers.map((w) => w.terminate())).then(() => this.fail(e), () => this.fail(e));
  }

  /** The main thread holds the seen set, the queue and (for liveness) the graph: stop before V8 gives up. */
  private checkMemory(): void {
    const h = getHeapStatistics(); // cheaper than process.memoryUsage(), which also reads the RSS
    const used = h.used_heap_size;
    const limit = h.heap_size_limit;
    if (used >= limit * MEMORY_STOP_FRACTION) throw new Ended(this.outOfMemory(`the main thread's heap uses ${mb(used)} MB of its ${mb(limit)} MB limit`));
  }

  private outOfMemory(why: string): Ending {
    const message = `Out of memory: the search stopped after ${this.fps.length} distinct states (${this.generated} generated, ${this.qStates.length - this.committed} on the queue); ${why}. Give Node more with NODE_OPTIONS=--max-old-space-size=MB, or bound the model (CONSTRAINT, smaller constants).`;
    return { make: () => ({ kind: 'error', code: 'memory', message }), path: -1, pos: -1 };
  }

  private maybeProgress(): void {
    if (this.opts.onProgress === undefined) return;
    const now = Date.now();
    if (now - this.lastProgress < (this.opts.progressMs ?? 5000)) return;
    this.lastProgress = now;
    this.opts.onProgress(this.stats());
  }

  private stateGraph(): StateGraph | undefined {
    if (!this.opts.source.recordGraph) return undefined;
    const g = this.graph;
    return { states: g.states, initial: this.initial, edgeFrom: g.from.view(), edgeTo: g.to.view(), edgeLabel: g.label.view(), labels: g.labels };
  }

  private stats(): Stats {
    return {
      generated: this.generated,
      distinct: this.fps.length,
      initial: this.initial.length,
      queueLeft: this.qStates.length - this.committed,
      depth: this.depth,
      elapsedMs: Date.now() - this.started,
      outdegree: outdegreeStats(this.degrees.view()),
    };
  }
}

/**
 * The compiled worker beside this module. Run from TypeScript sources (vitest), this module is
 * src/tla/check/parallel/parallel.ts and Node cannot start a .ts worker: use the build's copy under dist/.
 */
function workerScript(): URL {
  const beside = new URL('./worker.js', import.meta.url);
  if (!import.meta.url.endsWith('.ts')) return beside;
  const built = new URL('../../../../dist/src/tla/check/parallel/worker.js', import.meta.url);
  if (!existsSync(fileURLToPath(built))) throw new Error(`--workers needs the compiled worker ${fileURLToPath(built)}: build first (npx tsc -p tsconfig.json)`);
  return built;
}

/** Where each record's encoded state ends (the next encoded state's start, or the end of the words). */
function stateEnds(r: Records): Int32Array {
  const ends = new Int32Array(r.at.length);
  let next = r.words.length;
  for (let k = r.at.length - 1; k >= 0; k--) {
    ends[k] = next;
    if (r.at[k] >= 0) next = r.at[k];
  }
  return ends;
}

function errorVerdict(e: ErrorInfo | undefined): (trace: Trace | undefined) => Verdict {
  const info = e ?? { code: 'eval', message: 'internal: a worker reported a failure without its error' };
  return (trace) => ({ kind: 'error', code: info.code, message: info.message, trace, loc: info.loc, nested: info.nested });
}
