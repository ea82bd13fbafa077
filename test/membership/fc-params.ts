// fast-check parameters for the membership properties: the shared settings (fixed seed, SEED/PROPERTY_RUNS/
// PROPERTY_PATH knobs, a failure message with the replay command) with this family's own CI seed.
import type { Parameters } from 'fast-check';
import { propertyParams as sharedParams } from '../../properties/support/fc-params.js';

const MEMBERSHIP_SEED = 424242;

export function propertyParams<T extends unknown[]>(name: string, defaultRuns = 200): Parameters<T> {
  return sharedParams<T>(name, { file: 'properties/membership*', defaultRuns, defaultSeed: MEMBERSHIP_SEED });
}
