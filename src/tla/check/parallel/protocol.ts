// Messages between the main thread (parallel.ts) and the exploration workers (worker.ts). States travel
// encoded (codec.ts) in transferable Int32Arrays, fingerprints in BigUint64Arrays; only rare things
// (errors, action labels) are plain objects.
import type { SourceLoc } from '../../api.js';

/** What a worker loads: the same spec and cfg as the main thread. */
export interface WorkerSource {
  readonly specPath: string;
  readonly cfgPath: string;
  readonly libs: readonly string[];
  readonly noDeadlock: boolean;
  /** Liveness needs the state graph: report every generated transition with its action label. */
  readonly recordGraph: boolean;
}

/** A TlaError as data. */
export interface ErrorInfo {
  readonly code: string;
  readonly message: string;
  readonly loc?: SourceLoc;
  readonly nested?: readonly SourceLoc[];
}

/** An action label with its arguments encoded as one unit of `words` (of the message's labelWords for new labels). */
export interface LabelInfo {
  /** The label's identity (explore.ts's labelId key). */
  readonly key: string;
  readonly name: string;
  readonly loc: SourceLoc;
  readonly nargs: number;
  readonly argsAt: number;
}

/** Record flags: the state passed CONSTRAINT/ACTION_CONSTRAINT; it is known to be seen already; evaluating the constraints failed. */
export const IN_MODEL = 1;
export const KNOWN_SEEN = 2;
export const CONSTRAINT_ERROR = 4;

/**
 * Per-state check outcome in a record: 0 all hold, k > 0 the (k-1)th invariant (or action/initial property)
 * is false, EVAL_FAILED its evaluation threw (the error is in `errors` under the record's number).
 */
export const EVAL_FAILED = -1;

/**
 * The interesting successors (or initial states) of a job, in order: each candidate for the seen set (in the
 * model, not known to be seen), and each state or transition some check failed on; with recordGraph, every
 * successor. Every other generated state is only counted.
 */
export interface Records {
  /** Index, within the job, of the expanded state the record belongs to (0 for initial states). */
  readonly owner: Int32Array;
  /** Position of the successor among its state's successors (of the initial state among Init's). */
  readonly pos: Int32Array;
  readonly flags: Int32Array;
  /** Invariant outcome (checked only on states not known to be seen). */
  readonly inv: Int32Array;
  /** Action property outcome (successors) or initial-property outcome (initial states). */
  readonly prop: Int32Array;
  readonly fp: BigUint64Array;
  /** Offset of the encoded state in `words`, -1 when not encoded. */
  readonly at: Int32Array;
  readonly words: Int32Array;
  /** With recordGraph: the worker's number for the transition's action label (-1 for initial states). */
  readonly label: Int32Array;
  /** Labels the worker numbered during this job: it numbers them 0, 1, 2, ... over all its jobs. */
  readonly newLabels: readonly LabelInfo[];
  readonly labelWords: Int32Array;
  /** Errors by record number (also EVAL_FAILED outcomes and CONSTRAINT_ERROR). */
  readonly errors: readonly { readonly rec: number; readonly which: 'constraint' | 'inv' | 'prop'; readonly error: ErrorInfo }[];
}

export type ToWorker =
  | { readonly kind: 'init' }
  | {
      readonly kind: 'expand';
      readonly job: number;
      /** The states to expand, encoded; state j starts at starts[j]. */
      readonly words: Int32Array;
      readonly starts: Int32Array;
      /** Fingerprints that entered the seen set since this worker's last job (its local filter). */
      readonly seen: BigUint64Array;
      /** How many leading states had their invariants checked already (initial states). */
      readonly checked: number;
      /** Only check the states' invariants, do not expand them. */
      readonly checkOnly: boolean;
    }
  /** Rebuild the path with these keys; with `pos` >= 0, append the pos-th successor of its last state. */
  | { readonly kind: 'trace'; readonly fps: BigUint64Array; readonly pos: number };

export type FromWorker =
  | { readonly kind: 'ready' }
  /** The spec failed to load in the worker (it loaded in the main thread, so this is unexpected). */
  | { readonly kind: 'crash'; readonly message: string }
  | { readonly kind: 'init'; readonly count: number; readonly error?: ErrorInfo; readonly records: Records; readonly runtimeNames: boolean }
  | {
      readonly kind: 'expanded';
      readonly job: number;
      /** Successors generated per expanded state; -1 when computing them threw (error in `stateErrors`). */
      readonly generated: Int32Array;
      /** Invariant outcome per state of the job (0 for those already checked), as Records' inv. */
      readonly stateInv: Int32Array;
      readonly stateErrors: readonly { readonly state: number; readonly which: 'next' | 'inv'; readonly error: ErrorInfo }[];
      readonly records: Records;
      /** New names were interned while exploring: string order may differ between threads (worker.ts). */
      readonly runtimeNames: boolean;
    }
  | { readonly kind: 'trace'; readonly words: Int32Array; readonly starts: Int32Array; readonly labels: readonly (LabelInfo | null)[]; readonly error?: ErrorInfo };
