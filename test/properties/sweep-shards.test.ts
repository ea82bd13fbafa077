// Long property sweeps split into shards (PROPERTY_FROM, docs/properties.md) and are not cut off by vitest's
// timeout (propertyTimeoutMs: none for a sweep): the shards of one sweep run exactly its cases, and a failure found in a shard
// prints a PROPERTY_PATH that replays without PROPERTY_FROM.
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { propertyParams, propertyTimeoutMs } from '../../properties/support/fc-params.js';

const KNOBS = ['SEED', 'PROPERTY_RUNS', 'PROPERTY_FROM', 'PROPERTY_PATH'] as const;
const saved = Object.fromEntries(KNOBS.map((k) => [k, process.env[k]]));
afterEach(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

const arb = fc.record({ a: fc.nat(), b: fc.array(fc.nat(), { maxLength: 5 }) });
type Case = { a: number; b: number[] };

/** The cases a run with these knobs checks, in order. */
function casesWith(env: Partial<Record<(typeof KNOBS)[number], string>>): string[] {
  for (const k of KNOBS) delete process.env[k];
  Object.assign(process.env, env);
  const seen: string[] = [];
  fc.assert(fc.property(arb, (v) => void seen.push(JSON.stringify(v))), propertyParams<[Case]>('shard demo', { file: 'x' }));
  return seen;
}

describe('property sweeps in shards', () => {
  it('PROPERTY_FROM=k with PROPERTY_RUNS=n runs cases k..k+n-1 of the seed sequence: shards add up to the sweep', () => {
    const whole = casesWith({ SEED: '7', PROPERTY_RUNS: '40' });
    const shards = [0, 10, 20, 30].flatMap((k) => casesWith({ SEED: '7', PROPERTY_FROM: String(k), PROPERTY_RUNS: '10' }));
    expect(whole).toHaveLength(40);
    expect(shards).toEqual(whole);
  });

  it('a failure in a shard prints a PROPERTY_PATH counted from case 0, which replays the counterexample alone', () => {
    let message = '';
    const bad = casesWith({ SEED: '7', PROPERTY_RUNS: '40' })[33];
    Object.assign(process.env, { SEED: '7', PROPERTY_FROM: '30', PROPERTY_RUNS: '10' });
    try {
      fc.assert(fc.property(arb, (v) => JSON.stringify(v) !== bad), propertyParams<[Case]>('shard demo', { file: 'x' }));
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('PROPERTY_FROM=30');
    const path = /PROPERTY_PATH=(\S+)/.exec(message)?.[1];
    expect(path?.split(':')[0]).toBe('33');
  });

  it('a sweep beyond the CI runs has no timeout; the CI runs keep vitest\'s', () => {
    delete process.env.PROPERTY_RUNS;
    expect(propertyTimeoutMs()).toBeUndefined();
    process.env.PROPERTY_RUNS = '10000';
    expect(propertyTimeoutMs()).toBe(0);
  });
});
