// What a model-checking run found, independent of how it is printed (report.ts prints TLC's text).
import type { ActionLabel, SourceLoc, State } from '../api.js';

/** One state of a counterexample; `action` undefined for an initial state. */
export interface TraceStep {
  readonly state: State;
  readonly action?: ActionLabel;
}

/** A lasso's end: back to a 1-based state number, or infinite stuttering on the last state. */
export type TraceLoop =
  | { readonly kind: 'backTo'; readonly index: number; readonly action: ActionLabel }
  | { readonly kind: 'stutter' };

export interface Trace {
  readonly steps: readonly TraceStep[];
  readonly loop?: TraceLoop;
}

export type Verdict =
  | { readonly kind: 'success' }
  | { readonly kind: 'invariant'; readonly name: string; readonly cfgName: string; readonly trace: Trace }
  | { readonly kind: 'initProperty'; readonly name: string; readonly cfgName: string; readonly trace: Trace }
  | { readonly kind: 'deadlock'; readonly trace: Trace }
  | { readonly kind: 'actionProperty'; readonly name: string; readonly cfgName: string; readonly trace: Trace }
  /** `names`: when several PROPERTY entries are violated, all of them (TLC lists them in one line). */
  | { readonly kind: 'temporal'; readonly name: string; readonly cfgName: string; readonly trace: Trace; readonly names?: readonly string[] }
  | { readonly kind: 'assumption'; readonly loc: SourceLoc }
  /** An Assert failure or any other evaluation error; the trace leads to the state being expanded. */
  | { readonly kind: 'error'; readonly code: string; readonly message: string; readonly trace?: Trace; readonly loc?: SourceLoc; readonly nested?: readonly SourceLoc[] };

export interface Stats {
  readonly generated: number;
  readonly distinct: number;
  /** Distinct initial states. */
  readonly initial: number;
  readonly queueLeft: number;
  /** Depth of the search: the longest BFS level of a state in the seen set (initial states are 1). */
  readonly depth: number;
  readonly elapsedMs: number;
  /** Out-degree statistics of expanded states (TLC prints them on success). */
  readonly outdegree: { readonly min: number; readonly max: number; readonly mean: number; readonly p95: number };
  /** Peak memory (JS heap + off-heap, bytes) seen by the explorer's memory checks (every 1,024 expanded states). */
  readonly peakMemoryBytes?: number;
}

export interface CheckResult {
  readonly verdict: Verdict;
  /** Undefined when exploration never started (assumption failure, load errors). */
  readonly stats?: Stats;
  /** TLC's number of temporal "branches" checked after exploration (0: no liveness); see branchCount. */
  readonly temporalCount: number;
  /** Warnings to print before the report (TLC's "Warning: ..." lines). */
  readonly warnings?: readonly string[];
}

/** TLC's exit statuses (tlc2.output.EC.ExitStatus). */
export const EXIT = {
  success: 0,
  assumption: 10,
  deadlock: 11,
  safety: 12,
  liveness: 13,
  assert: 14,
  specEval: 75,
  safetyEval: 76,
  livenessEval: 77,
  specParse: 150,
  configParse: 151,
  system: 153,
  generic: 255,
} as const;

export function exitCode(v: Verdict): number {
  switch (v.kind) {
    case 'success':
      return EXIT.success;
    case 'assumption':
      return EXIT.assumption;
    case 'deadlock':
      return EXIT.deadlock;
    case 'invariant':
    case 'initProperty':
      return EXIT.safety;
    case 'actionProperty':
    case 'temporal':
      return EXIT.liveness;
    case 'error':
      if (v.code === 'memory') return EXIT.system;
      return v.code === 'assert' ? EXIT.assert : v.code === 'liveness' ? EXIT.livenessEval : EXIT.specEval;
  }
}
