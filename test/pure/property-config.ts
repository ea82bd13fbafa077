// Property-test settings shared by test/pure: a fixed seed by default, overridable by env SEED and
// PROPERTY_RUNS, and a failure message that says how to replay.
import fc from 'fast-check';

export function propertyParams(defaultRuns: number): fc.Parameters<unknown> {
  const seed = process.env.SEED !== undefined ? Number(process.env.SEED) : 20261124;
  const numRuns = process.env.PROPERTY_RUNS !== undefined ? Number(process.env.PROPERTY_RUNS) : defaultRuns;
  return { seed, numRuns };
}

/** Runs fc.assert and rethrows with the replay command (seed and path) in the message. */
export function assertProperty<T>(prop: fc.IProperty<T>, defaultRuns: number, file: string): void {
  const params = propertyParams(defaultRuns) as fc.Parameters<T>;
  const out = fc.check(prop, params);
  if (out.failed) {
    throw new Error(
      `${fc.defaultReportMessage(out)}\nreplay: SEED=${out.seed} npx vitest run ${file}  (fast-check path ${out.counterexamplePath})`,
    );
  }
}
