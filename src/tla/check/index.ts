// The model checker's entry point: assumptions, then breadth-first exploration with safety checks,
// then liveness on the explored graph. See docs/tla.md for what is supported.
import { TlaError, type LoadedSpec, type ValueOps } from '../api.js';
import type { CfgModel } from '../cfg/cfg-model.js';
import { explore, type ExploreResult } from './explore.js';
import { checkLiveness } from './liveness.js';
import { exploreParallel, type WorkerSource } from './parallel/parallel.js';
import { buildPlan, type CheckPlan } from './plan.js';
import type { CheckResult, Stats, Verdict } from './result.js';

export interface CheckOptions {
  /** `--no-deadlock`: like CHECK_DEADLOCK FALSE. */
  readonly noDeadlock?: boolean;
  readonly onProgress?: (s: Stats) => void;
  readonly progressMs?: number;
  /** `--max-memory`: stop (exit 153) when the JS heap + off-heap memory passes this many bytes. */
  readonly maxMemoryBytes?: number;
}

export interface WorkersOptions extends CheckOptions {
  /** Worker threads (> 1), and what they load: the same spec and cfg as the caller's. */
  readonly workers: number;
  readonly source: Omit<WorkerSource, 'noDeadlock' | 'recordGraph'>;
  /** Told when the run uses one worker after all (a spec that builds strings while exploring), with the reason. */
  readonly onNote?: (line: string) => void;
}

type Prepared = { readonly kind: 'done'; readonly result: CheckResult } | { readonly kind: 'plan'; readonly plan: CheckPlan; readonly temporalCount: number };

/** Assumptions and the plan: what every run does before exploring. */
function prepare(spec: LoadedSpec, cfg: CfgModel, opts: CheckOptions): Prepared {
  const assumption = firstFalseAssumption(spec);
  if (assumption) return { kind: 'done', result: { verdict: assumption, temporalCount: 0 } };
  // No behaviour spec at all (no INIT/NEXT, no SPECIFICATION): TLC only checks the ASSUMEs and reports 0 states.
  if (cfg.init === undefined && cfg.next === undefined && cfg.specification === undefined) {
    const none = { min: 0, max: 0, mean: 0, p95: 0 };
    return { kind: 'done', result: { verdict: { kind: 'success' }, stats: { generated: 0, distinct: 0, initial: 0, queueLeft: 0, depth: 0, elapsedMs: 0, outdegree: none }, temporalCount: 0 } };
  }
  let plan: CheckPlan = buildPlan(spec, cfg);
  if (opts.noDeadlock) plan = { ...plan, checkDeadlock: false };
  return { kind: 'plan', plan, temporalCount: branchCount(plan) };
}

export function checkSpec(spec: LoadedSpec, ops: ValueOps, cfg: CfgModel, opts: CheckOptions = {}): CheckResult {
  const p = prepare(spec, cfg, opts);
  return p.kind === 'done' ? p.result : checkOneWorker(spec, ops, p.plan, p.temporalCount, opts);
}

/**
 * `--workers N`: the same results as checkSpec (parallel/parallel.ts says why), on N worker threads; liveness is
 * checked after, in this thread, on the explored graph. A spec that builds new strings while exploring is
 * checked with one worker (onNote says so).
 */
export async function checkSpecWorkers(spec: LoadedSpec, ops: ValueOps, cfg: CfgModel, opts: WorkersOptions): Promise<CheckResult> {
  const p = prepare(spec, cfg, opts);
  if (p.kind === 'done') return p.result;
  const { plan } = p;
  const started = Date.now();
  const out = await exploreParallel(spec.variables.length, plan, {
    workers: opts.workers,
    source: { ...opts.source, noDeadlock: !plan.checkDeadlock, recordGraph: plan.liveProperties.length > 0 },
    onProgress: opts.onProgress,
    progressMs: opts.progressMs,
  });
  if (out.kind === 'fallback') {
    opts.onNote?.(`Note: ${out.reason}: exploring again with 1 worker.`);
    return checkOneWorker(spec, ops, plan, p.temporalCount, opts);
  }
  // Liveness is checked here, in the main thread, on the graph the workers explored.
  const verdict = livenessAfter(spec, ops, plan, out.result);
  return { verdict, stats: { ...out.result.stats, elapsedMs: Date.now() - started }, temporalCount: p.temporalCount, warnings: plan.warnings };
}

function checkOneWorker(spec: LoadedSpec, ops: ValueOps, plan: CheckPlan, temporalCount: number, opts: CheckOptions): CheckResult {
  const started = Date.now();
  const res = explore(spec, ops, plan, { recordGraph: plan.liveProperties.length > 0, onProgress: opts.onProgress, progressMs: opts.progressMs, maxMemoryBytes: opts.maxMemoryBytes });
  const verdict = livenessAfter(spec, ops, plan, res);
  // elapsedMs covers exploration and liveness, for the "Finished in" line.
  return { verdict, stats: { ...res.stats, elapsedMs: Date.now() - started }, temporalCount, warnings: plan.warnings };
}

/** The exploration's verdict, or after a complete exploration that kept the graph, the liveness verdict. */
function livenessAfter(spec: LoadedSpec, ops: ValueOps, plan: CheckPlan, res: ExploreResult): Verdict {
  let verdict = res.verdict;
  if (verdict.kind === 'success' && res.graph) {
    try {
      verdict = checkLiveness(spec, ops, plan, res.graph);
    } catch (e) {
      if (!(e instanceof TlaError)) throw e;
      verdict = { kind: 'error', code: e.code === 'assert' ? 'assert' : 'liveness', message: e.message, loc: e.loc };
    }
  }
  return verdict;
}

/**
 * TLC's "satisfiability problem has N branches": each property whose negation needs a tableau (<>P, P ~> Q)
 * is a branch; all those whose negation is a plain []<> / <>[] condition share one (matches the suite).
 */
function branchCount(plan: CheckPlan): number {
  const shapes = plan.liveProperties.map((p) => p.shape.kind);
  const tableau = shapes.filter((k) => k === 'eventually' || k === 'leadsTo').length;
  return tableau + (shapes.length > tableau ? 1 : 0);
}

function firstFalseAssumption(spec: LoadedSpec): Verdict | undefined {
  try {
    const bad = spec.assumptions().find((a) => !a.holds);
    return bad ? { kind: 'assumption', loc: bad.expr.loc } : undefined;
  } catch (e) {
    if (!(e instanceof TlaError)) throw e;
    return { kind: 'error', code: e.code, message: e.message, loc: e.loc };
  }
}

export { buildPlan } from './plan.js';
export { parseWorkers } from './parallel/parallel.js';
export type { CheckPlan } from './plan.js';
export * from './result.js';
export { aliasPrinter } from './alias.js';
export type { StatePrinter } from './report.js';
export { reportLines, traceLines, verdictLines, traceToItf, traceToJson, actionText, verdictTrace } from './report.js';
