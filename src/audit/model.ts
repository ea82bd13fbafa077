// The audit's report as plain data: what `--format json` prints and what the Markdown and HTML renderers
// read. Every figure carries both revisions so a reader can check the verdict against the numbers.
import type { JsonDiff } from './behaviour.js';
import type { ModelCheckResult, ValidationResult } from './specs.js';

export interface RevisionRef {
  readonly label: string;
  readonly commit: string;
}

export interface RunDivergence {
  readonly run: number;
  readonly seed: number;
  readonly scenario: string;
  readonly line: number;
  readonly step: number | null;
  readonly base: unknown;
  readonly head: unknown;
  readonly diff: readonly JsonDiff[];
}

export interface CheckRow {
  readonly check: string;
  /** Runs in which the check failed (hard checks) or warned (soft ones), per revision. */
  readonly baseFailures: number;
  readonly headFailures: number;
  readonly soft: boolean;
}

export interface NewFailure {
  readonly check: string;
  readonly run: number;
  readonly seed: number;
  readonly scenario: string;
  readonly example: string;
  /** Re-runs the failing simulation at HEAD. */
  readonly replay: string;
  readonly trace: string;
  /** The rendered trace (HEAD's `porcupine trace view`), when HEAD has the viewer. */
  readonly viewer?: string;
}

export interface CostRow {
  readonly metric: string;
  readonly base: number | null;
  readonly head: number | null;
  /** head / base, null when either is missing or base is 0. */
  readonly ratio: number | null;
  /** Relative spread of repeated measurements ((max − min) / median, the larger of the two sides); 0 for counts. */
  readonly noise: number;
  readonly regressed: boolean;
}

export interface NameChanges {
  readonly added: readonly string[];
  readonly removed: readonly string[];
}

export interface CoverageRow {
  readonly spec: string;
  readonly action: string;
  readonly base: number;
  readonly head: number;
}

export interface AuditReport {
  readonly base: RevisionRef;
  readonly head: RevisionRef;
  readonly runs: number;
  readonly seed: number;
  readonly behaviour: {
    readonly identical: number;
    readonly diverged: readonly RunDivergence[];
    /** Runs whose trace is missing at one side (the run crashed or timed out). */
    readonly incomparable: readonly { readonly run: number; readonly reason: string }[];
  };
  readonly checks: {
    readonly rows: readonly CheckRow[];
    readonly newFailures: readonly NewFailure[];
    readonly runErrors: readonly { readonly side: 'base' | 'head'; readonly run: number; readonly error: string }[];
    readonly anomaliesAfterBound: { readonly base: number; readonly head: number };
  };
  readonly specs: {
    readonly models: readonly { readonly model: string; readonly base?: ModelCheckResult; readonly head?: ModelCheckResult }[];
    readonly validation: readonly { readonly spec: string; readonly base?: ValidationResult; readonly head?: ValidationResult }[];
    readonly coverage: readonly CoverageRow[];
    readonly skipped?: string;
  };
  readonly cost: { readonly rows: readonly CostRow[]; readonly samples: number };
  readonly names: {
    readonly traceEvents: NameChanges;
    readonly messageKinds: NameChanges;
    readonly specActions: NameChanges;
  };
  readonly regressions: readonly string[];
  readonly verdict: string;
  /** 0 nothing regressed, 1 something did. */
  readonly exitCode: 0 | 1;
}
