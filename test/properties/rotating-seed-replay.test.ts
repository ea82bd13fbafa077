// The rotating seed batch (properties/rotating-seed.test.ts): ROTATING_SEED picks the seed (a fixed default
// without it), and a failure prints a replay command that reruns exactly the failing cases.
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { propertyParams, rotatingSeed, ROTATING_SEED_DEFAULT } from '../../properties/support/fc-params.js';

const saved = { ROTATING_SEED: process.env.ROTATING_SEED, SEED: process.env.SEED };
afterEach(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

/** Runs a property that fails on large numbers at `seed`; returns the failure message. */
function failureAt(seed: number): string {
  try {
    fc.assert(fc.property(fc.nat(1_000), (n) => n < 700), propertyParams<[number]>('rotating demo', { file: 'properties/rotating-seed.test.ts', defaultSeed: seed, defaultRuns: 50 }));
  } catch (e) {
    return (e as Error).message;
  }
  return '';
}

describe('rotating seed', () => {
  it('comes from ROTATING_SEED, with a fixed default when it is unset', () => {
    delete process.env.ROTATING_SEED;
    expect(rotatingSeed()).toBe(ROTATING_SEED_DEFAULT);
    process.env.ROTATING_SEED = '38238493';
    expect(rotatingSeed()).toBe(38238493);
    process.env.ROTATING_SEED = 'abc';
    expect(() => rotatingSeed()).toThrow(/ROTATING_SEED must be an integer/);
  });

  it('a failure at the rotating seed prints a replay command that reruns the same counterexample', () => {
    delete process.env.SEED;
    const message = failureAt(38238493);
    expect(message).toContain('SEED=38238493 PROPERTY_RUNS=50 npx vitest run properties/rotating-seed.test.ts');
    const counterexample = /counterexample: (.*)/.exec(message)?.[1];
    expect(counterexample).toBe('[700]'); // shrunk
    // The printed command: SEED overrides the rotating default and finds the same case.
    process.env.SEED = '38238493';
    expect(/counterexample: (.*)/.exec(failureAt(1))?.[1]).toBe(counterexample);
  });
});
