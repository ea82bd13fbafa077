// fast-check parameters for the membership properties: a fixed seed by default, overridable with env
// SEED and PROPERTY_RUNS, and a failure message that says how to replay (STYLE.md, common rules).
import type { Parameters } from 'fast-check';

export function propertyParams<T>(name: string, defaultRuns = 200): Parameters<T> {
  const seed = process.env.SEED === undefined ? 424242 : Number(process.env.SEED);
  const numRuns = process.env.PROPERTY_RUNS === undefined ? defaultRuns : Number(process.env.PROPERTY_RUNS);
  return {
    seed,
    numRuns,
    reporter: (details) => {
      if (!details.failed) return;
      throw new Error(
        `property "${name}" failed: ${String(details.errorInstance)}\n` +
          `counterexample: ${JSON.stringify(details.counterexample)}\n` +
          `replay: SEED=${details.seed} PROPERTY_RUNS=${numRuns} (path ${details.counterexamplePath}) ` +
          `npx vitest run properties/membership*`,
      );
    },
  };
}
