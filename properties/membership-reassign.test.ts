// User-map reassignment (src/pure/user-map/reassign.ts) against a brute-force oracle: on small bucket
// counts, enumerate every balanced map and check that ours moves exactly the minimum number of buckets.
// The arbitraries and checks live in test/membership/reassign-checks.ts (shared with the mutation test).
import { describe, it } from 'vitest';
import fc from 'fast-check';
import { propertyParams } from '../test/membership/fc-params.js';
import {
  bigCase,
  checkBalanced,
  checkBigMinimal,
  checkDeterministic,
  checkMinimal,
  checkStamping,
  smallCase,
} from '../test/membership/reassign-checks.js';

describe('reassign (minimal-change user map)', () => {
  it('is balanced, assigns only live nodes and moves exactly the oracle minimum (small bucket counts)', () => {
    fc.assert(
      fc.property(smallCase, (c) => {
        checkBalanced(c);
        checkMinimal(c);
      }),
      propertyParams('reassign minimal and balanced'),
    );
  });

  it('stamps moved and restamped buckets with the new epoch and leaves every other entry untouched', () => {
    fc.assert(fc.property(smallCase, (c) => checkStamping(c)), propertyParams('reassign epoch stamping'));
  });

  it('is deterministic: the order and duplicates of the live list do not matter (every node computes the same map)', () => {
    fc.assert(fc.property(smallCase, fc.integer(), (c, salt) => checkDeterministic(c, salt)), propertyParams('reassign deterministic'));
  });

  it('on 256 buckets moves exactly B - Σ min(held, target) buckets and is idempotent once balanced', () => {
    fc.assert(fc.property(bigCase, (c) => checkBigMinimal(c)), propertyParams('reassign 256 buckets'));
  });
});
