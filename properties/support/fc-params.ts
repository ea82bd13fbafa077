// fast-check parameters shared by the foundation properties: a fixed seed and 200 runs by default,
// overridden by env SEED and PROPERTY_RUNS (CI uses the defaults, so every CI run checks the same cases)
// and PROPERTY_PATH (replay one counterexample); PROPERTY_FROM=k starts at run k of the seed's sequence (a shard of a
// long sweep, see propertyFrom); long sweeps run without a timeout (propertyTimeoutMs);
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

/**
 * PROPERTY_FROM=k: skip the first k generated cases of the seed's sequence (generation only: skipped cases are
 * not run), so `SEED=s PROPERTY_FROM=k PROPERTY_RUNS=n` runs cases k..k+n-1 of what `SEED=s PROPERTY_RUNS=k+n`
 * would run: a long sweep splits into shards run in parallel (docs/properties.md). A failure's printed
 * PROPERTY_PATH counts from case 0, so it replays without PROPERTY_FROM. Default 0.
 */
export function propertyFrom(): number {
  const k = envInt('PROPERTY_FROM') ?? 0;
  if (k < 0) throw new RangeError(`PROPERTY_FROM must be >= 0, got ${k}`);
  return k;
}

/**
 * Test timeout for a property whose runs PROPERTY_RUNS may raise: none (0) when it asks for more runs than CI
 * does, so a long local sweep (10,000 runs) is never cut off, however loaded the machine (a per-run allowance
 * of 300 ms still timed out on the shared 2-core machine); vitest's default otherwise.
 */
export function propertyTimeoutMs(defaultRuns = DEFAULT_RUNS): number | undefined {
  return propertyRuns(defaultRuns) > defaultRuns ? 0 : undefined;
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
  const from = propertyFrom();
  return {
    seed,
    numRuns,
    // fast-check's `path` with one segment k replays from the k-th generated case onwards (pathWalk drops k).
    ...(path !== undefined && path !== '' ? { path, endOnFailure: true } : from > 0 ? { path: String(from) } : {}),
    reporter: (details) => {
      if (!details.failed) return;
      const lines = [`property "${name}" failed after ${details.numRuns} run(s) (${details.numShrinks} shrinks)`];
      lines.push(`  error: ${firstLines(String(details.errorInstance), 12)}`);
      lines.push(`  counterexample: ${clip(JSON.stringify(details.counterexample))}`);
      if (details.counterexample !== null && opts.toConfig !== undefined) {
        lines.push(...traceLines(name, opts.toConfig(details.counterexample)));
      }
      const fromPart = from > 0 ? `PROPERTY_FROM=${from} ` : '';
      lines.push(`  replay the property: SEED=${details.seed} ${fromPart}PROPERTY_RUNS=${numRuns} npx vitest run ${opts.file}`);
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
