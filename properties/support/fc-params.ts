// fast-check parameters shared by the foundation properties: a fixed seed and 200 runs by default,
// overridden by env SEED and PROPERTY_RUNS (CI uses the defaults, so every CI run checks the same cases)
// and PROPERTY_PATH (replay one counterexample);
// a failing run's simulation is re-recorded to traces/failures/ and the message says how to replay it.
import type { Parameters } from 'fast-check';
import type { SimConfig } from '../../src/sim/index.js';
import { saveFailureTrace } from './failure-trace.js';

export const DEFAULT_SEED = 20_260_424;
export const DEFAULT_RUNS = 200;

export function propertySeed(defaultSeed = DEFAULT_SEED): number {
  return envInt('SEED') ?? defaultSeed;
}

/**
 * The seed of the rotating batch (properties/rotating-seed.test.ts): env ROTATING_SEED, which `.ci/run` derives
 * from the commit so each commit checks new cases besides the fixed ones; locally a fixed default, so a plain
 * `npm test` stays deterministic. A failure there is a real bug found (its replay command is printed).
 */
export const ROTATING_SEED_DEFAULT = 1;

export function rotatingSeed(): number {
  return envInt('ROTATING_SEED') ?? ROTATING_SEED_DEFAULT;
}

export function propertyRuns(defaultRuns = DEFAULT_RUNS): number {
  return envInt('PROPERTY_RUNS') ?? defaultRuns;
}

export interface PropertyParamsOptions<T> {
  /** The test file, for the replay command (e.g. 'properties/foundation-delivery.test.ts'). */
  readonly file: string;
  readonly defaultRuns?: number;
  /** The family's fixed CI seed, when it is not DEFAULT_SEED (changing it changes which cases CI checks). */
  readonly defaultSeed?: number;
  /**
   * The simulation config a counterexample ran (when it ran the real reducer). Given, the failing run is
   * recorded again with a trace to traces/failures/<name>-<seed>.ndjson for `porcupine replay`.
   */
  readonly toConfig?: (counterexample: T) => SimConfig;
}

/** Parameters for `fc.assert(prop, propertyParams(...))`: seed, runs and a reporter that says how to replay. */
export function propertyParams<T extends unknown[]>(name: string, opts: PropertyParamsOptions<T>): Parameters<T> {
  const seed = propertySeed(opts.defaultSeed);
  const numRuns = propertyRuns(opts.defaultRuns);
  // PROPERTY_PATH (printed on failure) jumps straight to the shrunk counterexample: no search, no shrinking.
  const path = process.env.PROPERTY_PATH;
  return {
    seed,
    numRuns,
    ...(path !== undefined && path !== '' ? { path, endOnFailure: true } : {}),
    reporter: (details) => {
      if (!details.failed) return;
      const lines = [`property "${name}" failed after ${details.numRuns} run(s) (${details.numShrinks} shrinks)`];
      lines.push(`  error: ${firstLines(String(details.errorInstance), 12)}`);
      lines.push(`  counterexample: ${clip(JSON.stringify(details.counterexample))}`);
      if (details.counterexample !== null && opts.toConfig !== undefined) {
        lines.push(...traceLines(name, opts.toConfig(details.counterexample)));
      }
      lines.push(`  replay the property: SEED=${details.seed} PROPERTY_RUNS=${numRuns} npx vitest run ${opts.file}`);
      if (details.counterexamplePath !== null) {
        lines.push(`  just the counterexample: SEED=${details.seed} PROPERTY_PATH=${details.counterexamplePath} npx vitest run ${opts.file}`);
      }
      throw new Error(lines.join('\n'));
    },
  };
}

function traceLines(name: string, config: SimConfig): string[] {
  try {
    const path = saveFailureTrace(name, config);
    return [`  trace: ${path}`, `  replay the run: porcupine replay ${path}   (or: node dist/src/cli/main.js replay ${path})`];
  } catch (e) {
    return [`  (could not record the failing run's trace: ${(e as Error).message})`];
  }
}

function envInt(name: string): number | undefined {
  const v = process.env[name];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new RangeError(`${name} must be an integer, got '${v}'`);
  return n;
}

function firstLines(s: string, n: number): string {
  return s.split('\n').slice(0, n).join('\n    ');
}

function clip(s: string, max = 2_000): string {
  return s.length > max ? `${s.slice(0, max)}… (${s.length} chars)` : s;
}
