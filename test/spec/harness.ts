// Shared by the spec tests: run a small simulation with a 'mailboxes' trace, map it (src/conformance), load
// spec/MailStore.tla with the trace's constants and validate in-process.
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { State, LoadedSpec, ValueOps } from '../../src/tla/api.js';
import { describeFailure, type ParsedTrace, type ValidationResult } from '../../src/tla/trace/index.js';
import { makeConfig, runSimulation, type DeepPartial, type SimConfig } from '../../src/sim/index.js';
import { validateSimTrace } from '../../src/conformance/index.js';

import { REPO_ROOT } from '../support/paths.js';

export const repoRoot = REPO_ROOT;
export const specPath = path.join(repoRoot, 'spec/MailStore.tla');

/** Small runs: a few messages, a POP-heavy workload that deletes, so Store, Delete and retrieval all occur. */
export function smallConfig(seed: number, over: DeepPartial<SimConfig> = {}): SimConfig {
  return makeConfig({
    seed,
    nodes: 3,
    users: 3,
    messages: 10,
    // Arrivals 20 ms apart leave POP sessions time to find mail and delete it (Delete steps occur).
    workload: { popFraction: 0.5, deleteProbability: 0.9, arrivalIntervalMs: 20 },
    trace: { state: 'mailboxes' },
    ...over,
  });
}

/** The raw NDJSON lines of one run (header first). */
export function simulate(config: SimConfig): string[] {
  const lines: string[] = [];
  runSimulation(config, { trace: { sink: (l) => lines.push(l), version: 'spec-test' } });
  return lines;
}

export interface Validated {
  readonly mapped: ParsedTrace;
  /** How many events the mapped trace has. */
  readonly events: number;
  readonly result: ValidationResult;
  /** describeFailure's lines, or '' when valid: for assertion messages. */
  readonly why: string;
}

export async function validateRaw(rawLines: readonly string[]): Promise<Validated> {
  const v = await validateSimTrace(specPath, rawLines);
  const result = v.result;
  return { mapped: v.mapped, events: v.mapped.events.length, result, why: result.ok ? '' : describeFailure(result.failure).join('\n').slice(0, 2000) };
}

/** Action name → number of events in a raw trace. */
export function actionCounts(rawLines: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const l of rawLines) {
    const a = (JSON.parse(l) as { action?: unknown }).action;
    if (typeof a === 'string') counts.set(a, (counts.get(a) ?? 0) + 1);
  }
  return counts;
}

/** Breadth-first over a (small) model: its distinct states, and each action label's argument count. */
export function reachableLabels(spec: LoadedSpec, ops: ValueOps): { states: number; arity: Map<string, number> } {
  const next = spec.definition('Next');
  const init = spec.definition('Init');
  if (next === undefined || init === undefined) throw new Error(`${spec.moduleName} must define Init and Next`);
  const seen = new Set<bigint>();
  const arity = new Map<string, number>();
  const queue: State[] = [];
  const visit = (s: State): void => {
    const f = ops.fingerprintState(s);
    if (seen.has(f)) return;
    seen.add(f);
    queue.push(s);
  };
  spec.initStates(init).forEach(visit);
  for (let k = 0; k < queue.length; k++) {
    for (const tr of spec.successors(next, queue[k])) {
      arity.set(tr.action.name, tr.action.args.length);
      visit(tr.state);
    }
  }
  return { states: seen.size, arity };
}

/**
 * A model (spec/MC<module>.tla and .cfg) whose spec/<module>.tla has one edit (exactly one occurrence of
 * `from` becomes `to`), in a scratch folder: the seeded bugs written into a spec. Returns the MC's path.
 */
export function modelVariant(module: string, from: string, to: string): string {
  const spec = path.join(repoRoot, 'spec', `${module}.tla`);
  const src = readFileSync(spec, 'utf8');
  if (src.split(from).length !== 2) throw new Error(`spec/${module}.tla must contain "${from}" exactly once`);
  const dir = mkdtempSync(path.join(os.tmpdir(), `${module}-`));
  writeFileSync(path.join(dir, `${module}.tla`), src.replace(from, to));
  for (const ext of ['tla', 'cfg']) copyFileSync(path.join(repoRoot, 'spec', `MC${module}.${ext}`), path.join(dir, `MC${module}.${ext}`));
  return path.join(dir, `MC${module}.tla`);
}
