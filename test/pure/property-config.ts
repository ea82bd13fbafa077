// Property-test settings for test/pure: the project's shared seed/run knobs (SEED, PROPERTY_RUNS), with this
// family's own fixed CI seed, and a failure message that says how to replay.
import fc from 'fast-check';
import { propertyRuns, propertySeed } from '../../properties/support/fc-params.js';

const PURE_SEED = 20261124;

/** Runs fc.check and rethrows with the replay command (seed and path) in the message. */
export function assertProperty<T>(prop: fc.IProperty<T>, defaultRuns: number, file: string): void {
  const out = fc.check(prop, { seed: propertySeed(PURE_SEED), numRuns: propertyRuns(defaultRuns) });
  if (out.failed) {
    throw new Error(
      `${fc.defaultReportMessage(out)}\nreplay: SEED=${out.seed} npx vitest run ${file}  (fast-check path ${out.counterexamplePath})`,
    );
  }
}
