import { describe, expect, it } from 'vitest';
import { bucketOf } from '../../src/pure/hash.js';
import { BUCKETS } from '../../src/pure/types.js';
import { describeUserMap, initialUserMap, managerOf } from '../../src/pure/user-map/user-map.js';

describe('user map', () => {
  it('assigns 256 buckets round-robin over the nodes in node order (n2 before n10), whatever the input order', () => {
    const m = initialUserMap(['n10', 'n2', 'n1']);
    expect(m).toHaveLength(BUCKETS);
    expect(m.slice(0, 4).map((e) => e.node)).toEqual(['n1', 'n2', 'n10', 'n1']);
    expect(initialUserMap(['n1', 'n2', 'n10'])).toEqual(m);
    expect(describeUserMap(m)).toBe('n1:86 n2:85 n10:85');
  });
  it('managerOf uses the case-insensitive bucket hash', () => {
    const m = initialUserMap(['n1', 'n2', 'n3']);
    expect(managerOf(m, 'alice')).toBe(m[bucketOf('ALICE')].node);
    expect(bucketOf('Alice')).toBe(bucketOf('alice'));
  });
});
